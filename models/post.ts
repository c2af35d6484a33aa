import { type InferSchemaType, model, Schema } from 'mongoose';
import { addPostKeys, followPostWrite, PostDesk, PostKey, syncPostCopies } from './post-working-set';

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

/** What a post does; each kind is one file in src/services/post-kinds/ (its checks, card preview and publish call). */
export const POST_KINDS = ['post', 'reply', 'repost', 'video_fix'] as const;
export type PostKindName = (typeof POST_KINDS)[number];

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

const findingSchema = new Schema(
  {
    kind: { type: String, required: true },
    match: { type: String, required: true },
    why: { type: String, required: true },
  },
  { _id: false },
);

/**
 * A drafted social-media post — or a reply to a review (`kind: 'reply'`), a repost of an X post (`repost`), new
 * metadata for a YouTube video (`video_fix`) — and its whole lifecycle (draft → approval → publishing). A reply has one target, a reply target (src/adapters/reply-targets/), and the review it answers.
 */
const postSchema = new Schema(
  {
    kind: { type: String, enum: POST_KINDS, default: 'post' },
    /** For a reply: the review it answers (and the digest message the Draft reply click came from, to redraw it). */
    reply: {
      type: new Schema(
        {
          reviewId: { type: String, required: true },
          source: { type: String, required: true },
          externalId: { type: String, required: true },
          facility: { type: String, default: null },
          url: { type: String, default: null },
          originChannel: { type: String, default: null },
          originTs: { type: String, default: null },
          /** The clicked message's blocks (JSON), so its review items can be redrawn after the reply is posted. */
          originBlocks: { type: String, default: null },
        },
        { _id: false },
      ),
      default: null,
    },
    /** The PHI guard's findings on the current revision; approval is blocked unless an approver overrode them. */
    phi: {
      findings: { type: [findingSchema], default: [] },
      overriddenBy: { type: String, default: null },
      overriddenAt: { type: Date, default: null },
      overrideReason: { type: String, default: null },
    },
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
    /** Kind-specific data: a repost's original post, a video fix's snapshot of the video it was drafted from, validated by the target that publishes it (e.g. targets/youtube.ts). */
    details: { type: Schema.Types.Mixed, default: null },
    /** Which YouTube video / Flickr photo the text links to (title looked up at drafting), for the card. */
    previews: {
      type: [
        new Schema(
          {
            service: { type: String, required: true },
            url: { type: String, required: true },
            title: { type: String, default: null },
            note: { type: String, default: null },
          },
          { _id: false },
        ),
      ],
      default: [],
    },
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

// The working set (models/post-working-set.ts) follows every write made through mongoose. A write that bypasses it
// (`Post.collection…`) must be followed by backfillPostWorkingSet (services/post-desk.ts).
const idOf = (filter: Record<string, unknown>) => (filter._id === undefined ? undefined : filter._id);
postSchema.post('save', async (doc) => {
  await followPostWrite([doc._id], async () => {
    await addPostKeys([doc]);
    await syncPostCopies([doc._id]);
  }, [doc]);
});
postSchema.post(['updateOne', 'deleteOne'], { document: false, query: true }, async function () {
  const id = idOf(this.getFilter());
  if (id !== undefined) await followPostWrite([id], () => syncPostCopies([id]));
  else await resyncAll();
});
postSchema.post('deleteMany', async function () {
  const filter = this.getFilter();
  if (Object.keys(filter).length === 0) await Promise.all([PostDesk.deleteMany({}), PostKey.deleteMany({})]);
  else await resyncAll();
});

/** After a write by something other than `_id`: copy every post again (a scan; nothing in smx does this). */
async function resyncAll(): Promise<void> {
  const ids = (await Post.find({}, { _id: 1 }).lean()).map((d) => d._id);
  await PostDesk.deleteMany({ _id: { $nin: ids } });
  await syncPostCopies(ids);
}

export type PostDoc = InferSchemaType<typeof postSchema>;
export const Post = model('Post', postSchema);
