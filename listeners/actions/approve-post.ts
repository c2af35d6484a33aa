import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { SmxContext } from '../../src/context';
import { approvePost as approve, parseCardValue } from '../../src/services/posts';
import { answer, guarded } from '../../src/slack/post-buttons';

/** `approve_post`: Approve on the approval card. */
export const approvePost =
  (ctx: SmxContext) =>
  async ({
    ack,
    action,
    body,
    client,
    respond,
  }: SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs) => {
    await ack();
    await guarded(ctx, 'approve_post', respond, async () => {
      const { shortId, revision } = parseCardValue(action.value);
      const res = await approve(ctx, client, shortId, revision, body.user.id);
      if (res.kind === 'denied') await answer(respond, res.message);
    });
  };
