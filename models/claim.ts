import { type InferSchemaType, model, Schema } from 'mongoose';

/**
 * Exactly-once claims ("this digest for this channel and day", "this post to this target", "this job run").
 * The claim is the insert itself: `_id` is unique on every MongoDB-compatible target, so the first insert wins and
 * the rest get E11000 (see docs: mongo-subset.md). Never claim with an update.
 */
const claimSchema = new Schema(
  {
    _id: { type: String, required: true },
    /** Which process/run holds it: a stale claim is released only by matching `_id` and `owner`. */
    owner: { type: String, required: true },
    claimedAt: { type: Date, required: true },
    /** Free-form status the holder may record (e.g. 'done'); informational only. */
    note: { type: String },
    /** When the holder's run gives up, for claims that mark work in progress (an ingest run): past it, ignore it. */
    until: { type: Date },
  },
  { versionKey: false },
);

export type ClaimDoc = InferSchemaType<typeof claimSchema>;
export const Claim = model('Claim', claimSchema);
