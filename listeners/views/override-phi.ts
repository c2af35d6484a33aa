import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { SmxContext } from '../../src/context';
import { toUserFacing } from '../../src/errors';
import { overridePhi } from '../../src/services/post-decisions';
import { parseCardValue, tellUser } from '../../src/services/posts';
import { REPLY_BLOCK_IDS, REPLY_INPUT_IDS } from '../../src/slack/ids';

/** `override_phi_reason` submission: records the override with its reason; a refusal is shown on the field. */
export const overridePhiView =
  (ctx: SmxContext) =>
  async ({ ack, body, view, client }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const reason = (view.state.values[REPLY_BLOCK_IDS.reason]?.[REPLY_INPUT_IDS.reason]?.value ?? '').trim();
    if (reason.length < 10) {
      await ack({
        response_action: 'errors',
        errors: {
          [REPLY_BLOCK_IDS.reason]: 'Write why it is safe (at least a sentence); it goes into the audit log.',
        },
      });
      return;
    }
    try {
      const { shortId, revision } = parseCardValue(view.private_metadata);
      const res = await overridePhi(ctx, client, shortId, revision, body.user.id, reason);
      if (res.kind === 'denied') {
        await ack({ response_action: 'errors', errors: { [REPLY_BLOCK_IDS.reason]: res.message } });
        return;
      }
      await ack();
    } catch (err) {
      const a = toUserFacing(err);
      ctx.logger.error({ err, code: a.code, ref: a.ref }, 'PHI override failed');
      await ack();
      await tellUser(client, body.user.id, a.message).catch(() => undefined);
    }
  };
