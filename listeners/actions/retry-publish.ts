import type { SmxContext } from '../../src/context';
import { parseResultValue, retryPublish as retry } from '../../src/services/publisher';
import { buttonListener } from '../../src/slack/buttons';

/** `retry_publish`: try a failed or unknown publish again at the next publisher tick. */
export const retryPublish = (ctx: SmxContext) =>
  buttonListener(ctx, 'retry_publish', async ({ action, body, client }, reply) => {
    const { shortId, target } = parseResultValue(action.value);
    const res = await retry(ctx, client, shortId, target, body.user.id);
    await reply(
      res.kind === 'denied'
        ? res.message
        : `:arrows_counterclockwise: ${shortId} will be published again within a minute.`,
    );
  });
