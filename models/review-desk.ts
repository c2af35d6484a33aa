import { type InferSchemaType, model, Schema, type Types } from 'mongoose';
import { inboxDocFor } from './digest-inbox';
import { reviewContentFields, reviewStatusFields } from './review';

/**
 * The review desk: the small working set that `/smx reviews`, the Home tab, review buttons and the response-time
 * and open-item metrics read instead of the archive. `_id` = the review's `_id`; the document is a copy of the review
 * (like the digest inbox). It holds every negative not yet handled and anything assigned and not yet handled, plus the newest `RECENT_KEEP` items of any kind (what `/smx reviews all` pages through).
 * Written by the review store (insert), review actions (status copy) and trimmed by `trimDesk`
 * (services/review-desk.ts). The archive stays the source of truth; the repair job rebuilds this set from it.
 */
const reviewDeskSchema = new Schema(
  {
    ...reviewContentFields,
    ...reviewStatusFields,
    firstActionAt: { type: Date, default: null },
  },
  { versionKey: false },
);

export type ReviewDeskDoc = InferSchemaType<typeof reviewDeskSchema> & { _id: Types.ObjectId };
export const ReviewDesk = model('ReviewDesk', reviewDeskSchema, 'reviewdesk');

/** The desk copy of a review document (which must carry its `_id`): the inbox fields plus the first action. */
export function deskDocFor(review: { _id: unknown } & Record<string, unknown>): Record<string, unknown> {
  const doc = inboxDocFor(review);
  doc.firstActionAt = review.firstActionAt ?? null;
  return doc;
}
