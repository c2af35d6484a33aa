import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { SmxContext } from '../../src/context';
import { canReject, parseCardValue } from '../../src/services/posts';
import { rejectModal } from '../../src/slack/blocks/post-modals';
import { answer, guarded } from '../../src/slack/post-buttons';

/** `reject_post`: Reject on the approval card; asks for the reason in a modal. */
export const rejectPost =
  (ctx: SmxContext) =>
  async ({
    ack,
    action,
    body,
    client,
    respond,
  }: SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs) => {
    await ack();
    await guarded(ctx, 'reject_post', respond, async () => {
      const { shortId, revision } = parseCardValue(action.value);
      const denied = await canReject(ctx, client, shortId, revision, body.user.id);
      if (denied) {
        await answer(respond, denied);
        return;
      }
      await client.views.open({ trigger_id: body.trigger_id, view: rejectModal(shortId, revision) });
    });
  };
