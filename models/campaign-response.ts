import { type InferSchemaType, model, Schema, type Types } from 'mongoose';

/**
 * One answer given on a campaign's feedback page, `_id` = the id of the review it was stored as (review-store.ts
 * derives it from the submission id), so a resubmitted form counts once. The answer itself lives in the review
 * archive (digest, feedback rate); this small collection holds what a campaign's results group by, so results
 * never scan the archive.
 */
const campaignResponseSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    campaignId: { type: String, required: true },
    rating: { type: Number, min: 1, max: 5, default: null },
    sentiment: { type: String, required: true },
    /** Local day (SMX_TIMEZONE) it arrived. */
    localDay: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
campaignResponseSchema.index({ campaignId: 1, localDay: 1 });

export type CampaignResponseDoc = InferSchemaType<typeof campaignResponseSchema> & { _id: Types.ObjectId };
export const CampaignResponse = model('CampaignResponse', campaignResponseSchema);
