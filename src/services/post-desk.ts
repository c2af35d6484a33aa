/**
 * Reading posts without reading the `posts` archive: by short id through `postkeys`, and the posts a request can be
 * about (not final, or final and scheduled this week or later) from `postdesk` (models/post-working-set.ts).
 */
import { Claim } from '../../models/claim';
import { insertNew } from '../../models/insert-new';
import { Post } from '../../models/post';
import {
  addPostKeys,
  FINAL_KEEP_MS,
  FINAL_POST_STATUSES,
  PostDesk,
  PostKey,
  retryPostCopies,
  syncPostCopies,
} from '../../models/post-working-set';
import { tryClaim } from './claims';

/** Marks a database whose posts all have their working-set entries (inserted once the backfill is done). */
export const POSTS_WORKING_SET_KEY = 'migration:posts-working-set';

let ready = false;

const isFinal = (status: unknown) => (FINAL_POST_STATUSES as readonly string[]).includes(String(status));

/**
 * Gives every stored post its short-id key and (if it is not final, or scheduled less than FINAL_KEEP_MS before
 * `now`) its desk copy, inserting only what is missing: a copy already there was written by a write hook and is at
 * least as new as what this scan read. Safe to run by several instances at once; one pass over `posts`.
 */
export async function backfillPostWorkingSet(now: Date): Promise<{ posts: number; copies: number }> {
  const posts = (await Post.find({}).batchSize(100_000).lean()) as Array<Record<string, unknown>>;
  await addPostKeys(posts as Array<{ _id: unknown; shortId?: unknown }>);
  const keep = posts.filter(
    (p) => !isFinal(p.status) || new Date(p.scheduledAt as Date).getTime() >= now.getTime() - FINAL_KEEP_MS,
  );
  const inserted = await insertNew(PostDesk.collection as never, keep);
  await tryClaim(POSTS_WORKING_SET_KEY, 'backfill', now);
  ready = true;
  return { posts: posts.length, copies: inserted.filter(Boolean).length };
}

/**
 * Builds the working set once per database (data from before it); afterwards one `_id` lookup per process. Also
 * makes the copies a write hook could not (models/post-working-set.ts), so a read never serves a copy it knows stale.
 */
export async function ensurePostWorkingSet(now: Date): Promise<void> {
  await retryPostCopies();
  if (ready) return;
  if (await Claim.findById(POSTS_WORKING_SET_KEY).lean()) {
    ready = true;
    return;
  }
  await backfillPostWorkingSet(now);
}

/** Forgets that the working set was seen built (a test or bench that drops collections under a running app). */
export function resetPostWorkingSetCheck(): void {
  ready = false;
}

/** The stored post with this short id (case-insensitive), by two `_id` lookups; null when there is none. */
export async function findPostDoc(shortId: string, now: Date) {
  await ensurePostWorkingSet(now);
  const key = await PostKey.findById(shortId.trim().toUpperCase()).lean();
  if (!key) return null;
  const doc = await Post.findById(key.postId);
  return doc && doc.shortId === key._id ? doc : null;
}

/**
 * Posts from the desk matching `where` (a plain filter on post fields), sorted and limited as asked. Complete for
 * any post that is not final, and for final ones scheduled less than FINAL_KEEP_MS before `now`.
 */
export async function deskPosts<T = Record<string, unknown>>(
  now: Date,
  where: Record<string, unknown>,
  opts: { sort?: Record<string, 1 | -1>; limit?: number; select?: Record<string, 0 | 1> } = {},
): Promise<T[]> {
  await ensurePostWorkingSet(now);
  const q = PostDesk.find(where);
  if (opts.sort) q.sort(opts.sort);
  if (opts.limit !== undefined) q.limit(opts.limit);
  if (opts.select) q.select(opts.select);
  return (await q.lean()) as T[];
}

/**
 * The nightly check (jobs/rollups.ts): every post that belongs on the desk has its key and an identical copy there,
 * and no copy outlives its post. Differing posts are copied by `syncPostCopies`, which re-reads each post after its
 * copy, so a write racing this check still ends with the newest copy. One pass over `posts` and one over the desk.
 */
export async function reconcilePostWorkingSet(now: Date): Promise<{ recopied: number }> {
  const [posts, desk] = await Promise.all([
    Post.find({}).batchSize(100_000).lean() as Promise<Array<Record<string, unknown>>>,
    PostDesk.collection.find({}).batchSize(100_000).toArray(),
  ]);
  await addPostKeys(posts as Array<{ _id: unknown; shortId?: unknown }>);
  const copies = new Map(desk.map((d) => [String(d._id), JSON.stringify(d)]));
  const ids = new Set(posts.map((p) => String(p._id)));
  const cutoff = now.getTime() - FINAL_KEEP_MS;
  const differ: unknown[] = posts
    .filter((p) => {
      const copy = copies.get(String(p._id));
      const belongs = !isFinal(p.status) || new Date(p.scheduledAt as Date).getTime() >= cutoff;
      return (copy !== undefined || belongs) && copy !== JSON.stringify(p);
    })
    .map((p) => p._id);
  // A copy whose post is gone: syncPostCopies removes it.
  for (const d of desk) if (!ids.has(String(d._id))) differ.push(d._id);
  await syncPostCopies(differ);
  return { recopied: differ.length };
}

/** Removes desk copies of final posts scheduled more than FINAL_KEEP_MS before `now`; returns how many. */
export async function trimPostDesk(now: Date): Promise<number> {
  const rows = await PostDesk.find({}, { _id: 1, status: 1, scheduledAt: 1 }).lean<
    Array<{ _id: unknown; status?: string; scheduledAt: Date }>
  >();
  const cutoff = now.getTime() - FINAL_KEEP_MS;
  const drop = rows
    .filter((r) => isFinal(r.status) && new Date(r.scheduledAt).getTime() < cutoff)
    .map((r) => r._id);
  if (drop.length === 0) return 0;
  const res = await PostDesk.deleteMany({ _id: { $in: drop } });
  return res.deletedCount;
}
