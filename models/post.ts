import { type InferSchemaType, model, Schema } from 'mongoose';

export const POST_STATUSES = [
  'pending_approval',
  'approved',
  'publishing',
  'published',
  'failed',
  'needs_check',
  'rejected',
  'cancelled',
] as const;
export type PostStatus = (typeof POST_STATUSES)[number];

const targetResultSchema = new Schema(
  {
    status: { type: String, enum: ['published', 'failed', 'needs_check'], required: true },
    externalId: { type: String, default: null },
    url: { type: String, default: null },
    error: { type: String, default: null },
    at: { type: Date, required: true },
  },
  { _id: false },
);

/** A drafted social-media post and its whole lifecycle (draft → approval → publishing). */
const postSchema = new Schema(
  {
    /** Short id people type (`/smx cancel P7K2Q`). */
    shortId: { type: String, required: true, unique: true },
    text: { type: String, required: true },
    /** Publish-target names, e.g. ['x', 'facebook']. */
    targets: { type: [String], required: true },
    /** When to publish. For `now`, the submission time: due as soon as it is approved. */
    scheduledAt: { type: Date, required: true },
    publishNow: { type: Boolean, default: false },
    status: { type: String, enum: POST_STATUSES, required: true, default: 'pending_approval' },
    authorId: { type: String, required: true },
    submittedAt: { type: Date, required: true },
    approvedBy: { type: String, default: null },
    approvedAt: { type: Date, default: null },
    rejectedBy: { type: String, default: null },
    rejectedAt: { type: Date, default: null },
    rejectReason: { type: String, default: null },
    cancelledBy: { type: String, default: null },
    cancelledAt: { type: Date, default: null },
    /** The approval card in SMX_APPROVALS_CHANNEL, updated in place after every decision. */
    cardChannel: { type: String, default: null },
    cardTs: { type: String, default: null },
    /** Per-target outcome, keyed by target name (set with `$set: { 'results.x': … }`). */
    results: { type: Map, of: targetResultSchema, default: {} },
    publishedAt: { type: Date, default: null },
    /** Evergreen item this draft came from, if any. */
    cannedId: { type: String, default: null },
    /** Bumped on every edit so a stale card or modal cannot act on old text. An approval approves one revision. */
    revision: { type: Number, default: 1 },
    /** Who last changed the text (null: the author). Four-eyes: that person can never be the one who approves it. */
    textBy: { type: String, default: null },
    /**
     * Bumped by every decision (approve, reject, edit, cancel, reschedule, publish …): a decision on version N is
     * the insert of `decision:post:<_id>:<N>` (services/decisions.ts), so only one of concurrent clicks wins.
     */
    version: { type: Number, default: 1 },
    /** Results of post-checks.ts for the current revision, shown on the card; errors block approval. */
    checks: {
      errors: { type: [String], default: [] },
      warnings: { type: [String], default: [] },
      passed: { type: [String], default: [] },
    },
    /** Where the author asked (for ephemeral answers later); DM is the fallback. */
    originChannel: { type: String, default: null },
  },
  { versionKey: false, timestamps: true },
);
postSchema.index({ status: 1, scheduledAt: 1 });
postSchema.index({ submittedAt: 1 });

export type PostDoc = InferSchemaType<typeof postSchema>;
export const Post = model('Post', postSchema);
