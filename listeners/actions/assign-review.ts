import type { SmxContext } from '../../src/context';
import { handleReviewButton, type ReviewButtonArgs } from '../../src/slack/review-buttons';

/** `review_assign`: "Assign to me" on a digest item or a `/smx reviews` item. */
export const assignReview = (ctx: SmxContext) => (args: ReviewButtonArgs) =>
  handleReviewButton(ctx, 'assign', args);
