import mongoose, { model, Schema } from 'mongoose';
import { insertNew } from './insert-new';

/**
 * The posts working set, so that no request reads the `posts` archive (on FerretDB v1 every query but an exact
 * `_id` lookup reads the whole collection):
 *
 * - `postdesk`: a copy of every post that is not final (waiting, approved, publishing, failed, needing a check) and
 *   of final ones (published, rejected, cancelled) until the trim removes them once they are scheduled more than
 *   `FINAL_KEEP_MS` ago. `/smx queue`, `/smx plan` (this week onward), the Home tab and the publisher's tick read it.
 *   `_id` = the post's `_id`; the document is the post as stored.
 * - `postkeys`: `_id` = the short id people type (`P7K2Q`), `postId` = the post's `_id`, so `/smx cancel P7K2Q`,
 *   `reschedule`, `audit` and the card buttons find a post by two exact-`_id` lookups. Insert-only.
 *
 * Kept by the Post schema's write hooks (models/post.ts: create, updateOne, deleteOne, deleteMany) through
 * `syncPostCopies`, which re-reads the post by `_id` after the write and copies it — and re-reads once more, so
 * that of two concurrent writes the last copy written always saw both. Built for data from before it, and after a
 * bulk insert that bypasses mongoose, by `backfillPostWorkingSet` (services/post-desk.ts). A copy a hook could not
 * write (the database failed right after the post's write) never fails that write: it is made again before the next
 * read of the desk, and the nightly `reconcilePostWorkingSet` catches what a crash in between left behind.
 */
const postDeskSchema = new Schema({}, { strict: false, versionKey: false });
export const PostDesk = model('PostDesk', postDeskSchema, 'postdesk');

const postKeySchema = new Schema(
  {
    _id: { type: String, required: true },
    postId: { type: Schema.Types.ObjectId, required: true },
  },
  { versionKey: false },
);
export const PostKey = model('PostKey', postKeySchema, 'postkeys');

/** Final states: no button leaves them. */
export const FINAL_POST_STATUSES = ['published', 'rejected', 'cancelled'] as const;
/** A final post stays on the desk until it is scheduled this long ago (the plan starts with this week). */
export const FINAL_KEEP_MS = 8 * 24 * 3600_000;

type Lean = { _id: unknown; shortId?: string; updatedAt?: unknown; version?: unknown } & Record<
  string,
  unknown
>;

const stamp = (d: Lean | null) =>
  d ? `${String(d.updatedAt)}|${String(d.version)}|${String(d.status)}` : 'gone';

/** Copies the stored state of these posts onto the desk (or removes a deleted one from it). */
export async function syncPostCopies(ids: readonly unknown[]): Promise<void> {
  const Post = mongoose.model('Post');
  await Promise.all(
    ids.map(async (id) => {
      let doc = (await Post.findById(id).lean()) as Lean | null;
      for (let i = 0; i < 5; i++) {
        // The driver's own calls: the document is copied as stored (mongoose would drop empty objects).
        if (doc) await PostDesk.collection.replaceOne({ _id: doc._id as never }, doc, { upsert: true });
        else if (mongoose.isValidObjectId(id))
          await PostDesk.collection.deleteOne({ _id: new mongoose.Types.ObjectId(String(id)) });
        const again = (await Post.findById(id).lean()) as Lean | null;
        if (stamp(again) === stamp(doc)) return;
        doc = again;
      }
    }),
  );
}

/**
 * Posts whose copies a write hook could not bring up to date (the database failed after the post's own write):
 * the write stands — the desk is derived from it — and the copies are made again before the next read of the desk
 * (`retryPostCopies`, services/post-desk.ts) and by the nightly reconciliation.
 */
const pending = new Map<string, { _id: unknown; shortId?: unknown }>();

/** Runs a write hook's copying; a failure never fails the post's write, it leaves the post to be copied again. */
export async function followPostWrite(
  ids: readonly unknown[],
  copy: () => Promise<void>,
  docs: ReadonlyArray<{ _id: unknown; shortId?: unknown }> = [],
): Promise<void> {
  try {
    await copy();
  } catch {
    for (const id of ids)
      pending.set(String(id), docs.find((d) => String(d._id) === String(id)) ?? { _id: id });
  }
}

/** Copies again what a hook could not; returns how many posts were copied (throws if the database still fails). */
export async function retryPostCopies(): Promise<number> {
  if (pending.size === 0) return 0;
  const todo = [...pending.values()];
  await addPostKeys(todo);
  await syncPostCopies(todo.map((d) => d._id));
  for (const d of todo) pending.delete(String(d._id));
  return todo.length;
}

/** Records the short ids of new posts (a key already there is left alone). */
export async function addPostKeys(docs: ReadonlyArray<{ _id: unknown; shortId?: unknown }>): Promise<void> {
  await insertNew(
    PostKey.collection as never,
    docs.filter((d) => typeof d.shortId === 'string').map((d) => ({ _id: d.shortId, postId: d._id })),
  );
}
