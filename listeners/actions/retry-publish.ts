import type { SmxContext } from '../../src/context';
import { retryPublish as retry } from '../../src/services/publish-results';
import { publishResultButton } from '../../src/slack/publish-result-button';

/** `retry_publish`: try a failed or unknown publish again at the next publisher tick. */
export const retryPublish = (ctx: SmxContext) =>
  publishResultButton(
    ctx,
    'retry_publish',
    retry,
    (shortId) => `:arrows_counterclockwise: ${shortId} will be published again within a minute.`,
  );
