import type { SmxContext } from '../../src/context';
import { reviewButton } from '../../src/slack/review-buttons';

/** `review_mark_handled`: "Mark handled" on a digest item or a `/smx reviews` item. */
export const markReviewHandled = (ctx: SmxContext) => reviewButton(ctx, 'handle');
