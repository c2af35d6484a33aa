import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { SmxContext } from '../../src/context';
import { markPublished as mark, parseResultValue } from '../../src/services/publisher';
import { answer, guarded } from '../../src/slack/post-buttons';

/** `mark_published`: a person checked the account after an unknown outcome and the post is there. */
export const markPublished =
  (ctx: SmxContext) =>
  async ({
    ack,
    action,
    body,
    client,
    respond,
  }: SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs) => {
    await ack();
    await guarded(ctx, 'mark_published', respond, async () => {
      const { shortId, target } = parseResultValue(action.value);
      const res = await mark(ctx, client, shortId, target, body.user.id);
      await answer(
        respond,
        res.kind === 'denied'
          ? res.message
          : `:white_check_mark: Recorded ${shortId} as published; smx will not send it again.`,
      );
    });
  };
