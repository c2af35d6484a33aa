import type { SmxContext } from '../../src/context';
import { reviewButton } from '../../src/slack/review-buttons';

/** `review_assign`: "Assign to me" on a digest item or a `/smx reviews` item. */
export const assignReview = (ctx: SmxContext) => reviewButton(ctx, 'assign');
