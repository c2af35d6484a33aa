import type { SmxContext } from '../../src/context';
import { buttonListener } from '../../src/slack/buttons';
import { REVIEW_BUTTON_MESSAGES } from '../../src/slack/review-buttons';
import { parseNextPageValue, reviewListAnswer } from '../../src/slack/review-list';

/** `review_list_next`: **Next 10** under a `/smx reviews` page; the ephemeral list is replaced by the next page. */
export const nextReviewPage = (ctx: SmxContext) =>
  buttonListener(ctx, 'review_list_next', async ({ action, respond }, reply) => {
    const req = parseNextPageValue(typeof action.value === 'string' ? action.value : undefined);
    if (!req) {
      await reply(REVIEW_BUTTON_MESSAGES.badValue);
      return;
    }
    const msg = await reviewListAnswer(ctx, req);
    await respond({ replace_original: true, ...msg });
  });
