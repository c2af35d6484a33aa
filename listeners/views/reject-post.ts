import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { SmxContext } from '../../src/context';
import { logFailure } from '../../src/errors';
import { parseCardValue, rejectPost, tellUser } from '../../src/services/posts';
import { POST_BLOCK_IDS, POST_INPUT_IDS } from '../../src/slack/ids';

/** `reject_post_reason` submission: rejects with the reason; a refusal is shown on the reason field. */
export const rejectPostView =
  (ctx: SmxContext) =>
  async ({ ack, body, view, client }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const reason = (view.state.values[POST_BLOCK_IDS.reason]?.[POST_INPUT_IDS.reason]?.value ?? '').trim();
    if (reason === '') {
      await ack({
        response_action: 'errors',
        errors: { [POST_BLOCK_IDS.reason]: 'Say why, so the author can fix it.' },
      });
      return;
    }
    try {
      const { shortId, revision } = parseCardValue(view.private_metadata);
      const res = await rejectPost(ctx, client, shortId, revision, body.user.id, reason);
      if (res.kind === 'denied') {
        await ack({ response_action: 'errors', errors: { [POST_BLOCK_IDS.reason]: res.message } });
        return;
      }
      await ack();
    } catch (err) {
      const a = logFailure(ctx.logger, err, 'reject modal failed');
      await ack();
      await tellUser(client, body.user.id, a.message).catch(() => undefined);
    }
  };
