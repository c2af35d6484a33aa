import { type InferSchemaType, model, Schema, type Types } from 'mongoose';
import { reviewContentFields, reviewStatusFields } from './review';

/**
 * The digest inbox: one document per review that no digest has carried yet, `_id` = the review's `_id`. It holds a
 * copy of what the digest selects and draws, so the daily digest reads, and after posting deletes, only this small
 * collection — never the review archive. (On FerretDB v1 every update and most queries read the whole collection,
 * so the cost of the digest follows the new items instead of the archive.)
 *
 * Written by the review store (insert with the review; edits refresh the copy), by review actions (status copy) and
 * deleted by the digest once an item is posted. Inserts and deletes only, plus `updateOne` by `_id` on this small
 * collection. An item is in at most one digest because its inbox document exists until exactly one digest removes it.
 */
const digestInboxSchema = new Schema(
  {
    ...reviewContentFields,
    ...reviewStatusFields,
  },
  { versionKey: false },
);
digestInboxSchema.index({ facility: 1, ingestedAt: 1 });

export type DigestInboxDoc = InferSchemaType<typeof digestInboxSchema> & { _id: Types.ObjectId };
export const DigestInbox = model('DigestInbox', digestInboxSchema, 'digestinbox');

/** The fields the inbox copies from a review document (a stored review or one about to be inserted). */
export const INBOX_FIELDS = [
  'source',
  'externalId',
  'facility',
  'rating',
  'text',
  'authorName',
  'url',
  'postedAt',
  'sourceUpdatedAt',
  'ingestedAt',
  'sentiment',
  'sentimentScore',
  'campaignId',
  'campaignName',
  'status',
  'assignedTo',
  'assignedAt',
  'handledBy',
  'handledAt',
] as const;

/** The inbox document for a review document (which must carry its `_id`). */
export function inboxDocFor(review: { _id: unknown } & Record<string, unknown>): Record<string, unknown> {
  const doc: Record<string, unknown> = { _id: review._id };
  for (const f of INBOX_FIELDS) if (review[f] !== undefined) doc[f] = review[f];
  return doc;
}

const isDuplicateKey = (e: unknown) =>
  typeof e === 'object' && e !== null && 'code' in e && (e as { code: unknown }).code === 11000;

/**
 * Inserts inbox documents for reviews, in one unordered bulk insert; a document already there (E11000 on `_id`)
 * is fine. Returns how many were new.
 */
export async function addToInbox(reviews: ReadonlyArray<{ _id: unknown } & Record<string, unknown>>) {
  if (reviews.length === 0) return 0;
  try {
    const res = await DigestInbox.collection.insertMany(
      reviews.map((r) => inboxDocFor(r)),
      { ordered: false },
    );
    return res.insertedCount;
  } catch (err) {
    const e = err as { writeErrors?: unknown; insertedCount?: number; result?: { insertedCount?: number } };
    const writeErrors = Array.isArray(e.writeErrors) ? e.writeErrors : [e.writeErrors ?? err];
    if (!writeErrors.every(isDuplicateKey)) throw err;
    return e.insertedCount ?? e.result?.insertedCount ?? 0;
  }
}
