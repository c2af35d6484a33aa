import type { SmxContext } from '../../src/context';
import { handleReviewButton, type ReviewButtonArgs } from '../../src/slack/review-buttons';

/** `review_mark_handled`: "Mark handled" on a digest item or a `/smx reviews` item. */
export const markReviewHandled = (ctx: SmxContext) => (args: ReviewButtonArgs) =>
  handleReviewButton(ctx, 'handle', args);
