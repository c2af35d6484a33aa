import { type InferSchemaType, model, Schema } from 'mongoose';

/**
 * A feedback campaign (`/smx campaign new`): a window of local days, an optional facility, a goal and the public
 * feedback page `/f/<slug>`. Open while today (SMX_TIMEZONE) is inside the window and nobody ended it. Ending is
 * decided by a claim (`campaign-end:<shortId>`, an insert) before `endedAt` is set, so two approvers ending it at
 * once get one winner.
 */
const campaignSchema = new Schema(
  {
    /** What people type (`/smx campaign K7M2Q`). */
    shortId: { type: String, required: true, unique: true },
    /** The page's path segment, e.g. `december-discharge-feedback-k7m2q`. */
    slug: { type: String, required: true, unique: true },
    name: { type: String, required: true },
    /** null = the whole hospital. */
    facility: { type: String, default: null },
    /** First and last local day, inclusive (YYYY-MM-DD). */
    fromDay: { type: String, required: true },
    toDay: { type: String, required: true },
    /** Responses ÷ visits in the window and facility, in percent. */
    goalPercent: { type: Number, required: true },
    /** The page's optional second language (a code of src/i18n/feedback.ts), besides English. */
    language: { type: String, default: null },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    endedBy: { type: String, default: null },
    endedAt: { type: Date, default: null },
  },
  { versionKey: false },
);
campaignSchema.index({ toDay: 1 });

export type CampaignDoc = InferSchemaType<typeof campaignSchema>;
export const Campaign = model('Campaign', campaignSchema);
