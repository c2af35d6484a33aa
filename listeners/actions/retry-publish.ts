import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { SmxContext } from '../../src/context';
import { parseResultValue, retryPublish as retry } from '../../src/services/publisher';
import { answer, guarded } from '../../src/slack/post-buttons';

/** `retry_publish`: try a failed or unknown publish again at the next publisher tick. */
export const retryPublish =
  (ctx: SmxContext) =>
  async ({
    ack,
    action,
    body,
    client,
    respond,
  }: SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs) => {
    await ack();
    await guarded(ctx, 'retry_publish', respond, async () => {
      const { shortId, target } = parseResultValue(action.value);
      const res = await retry(ctx, client, shortId, target, body.user.id);
      await answer(
        respond,
        res.kind === 'denied'
          ? res.message
          : `:arrows_counterclockwise: ${shortId} will be published again within a minute.`,
      );
    });
  };
