import { type InferSchemaType, model, Schema } from 'mongoose';

export const REVIEW_STATUSES = ['new', 'assigned', 'handled', 'replied'] as const;
export const SENTIMENTS = ['positive', 'neutral', 'negative'] as const;

/**
 * One collection for reviews (Google, Facebook, X, imports) and patient feedback (webhook). `source` is free text so
 * an import can name its site (`mouthshut`, `practo`). The local day/week keys are stored on write because the
 * portable MongoDB subset has no date operators to group by (mongo-subset.md).
 * Whether a digest has carried an item is not stored here (no update of the archive per digest): an item waits in
 * the digest inbox (models/digest-inbox.ts) until a digest posts it; models/digest-log.ts records what each digest
 * carried.
 */
/** What a review says and where it came from: shared with its copy in the digest inbox (models/digest-inbox.ts). */
export const reviewContentFields = {
  source: { type: String, required: true },
  externalId: { type: String, required: true },
  facility: { type: String, default: null },
  rating: { type: Number, min: 1, max: 5, default: null },
  text: { type: String, default: '' },
  /** The patient's name. Sensitive: hidden in channel digests by default, never posted publicly, never logged. */
  authorName: { type: String, default: null },
  url: { type: String, default: null },
  postedAt: { type: Date, required: true },
  /** When the source last changed it (e.g. Google updateTime); edits update the item without making it new. */
  sourceUpdatedAt: { type: Date, default: null },
  ingestedAt: { type: Date, required: true },
  sentiment: { type: String, enum: SENTIMENTS, required: true },
  sentimentScore: { type: Number, required: true },
  /** The feedback campaign whose page collected it (models/campaign.ts), shown in the digest; null otherwise. */
  campaignId: { type: String, default: null },
  campaignName: { type: String, default: null },
} as const;

/** Who is dealing with it: shared with the inbox copy, whose item card shows the status. */
export const reviewStatusFields = {
  status: { type: String, enum: REVIEW_STATUSES, default: 'new' },
  assignedTo: { type: String, default: null },
  assignedAt: { type: Date, default: null },
  handledBy: { type: String, default: null },
  handledAt: { type: Date, default: null },
  /** Who wrote the reply smx posted (or who marked a copied reply as posted), and when it went out. */
  repliedBy: { type: String, default: null },
  repliedAt: { type: Date, default: null },
} as const;

const reviewSchema = new Schema(
  {
    ...reviewContentFields,
    /** Local (SMX_TIMEZONE) calendar day and ISO week of `ingestedAt`, for grouping. */
    localDay: { type: String, required: true },
    localWeek: { type: String, required: true },
    ...reviewStatusFields,
    /** The first assign/handle/reply, for the "time to first action on negatives" metric. */
    firstActionAt: { type: Date, default: null },
    /** When smx last applied a source edit (the roll-up repair leaves recently changed items to the next run). */
    editedAt: { type: Date, default: null },
  },
  { versionKey: false },
);
reviewSchema.index({ source: 1, externalId: 1 }, { unique: true });
reviewSchema.index({ ingestedAt: 1 });
reviewSchema.index({ status: 1, sentiment: 1, ingestedAt: -1 });
reviewSchema.index({ localDay: 1 });

export type ReviewDoc = InferSchemaType<typeof reviewSchema>;
export const Review = model('Review', reviewSchema);
