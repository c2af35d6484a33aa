/**
 * The decisions collection (services/decisions.ts) gets one record per state change of every post, forever: this
 * forgets the old ones that can no longer matter. A decision is removed only when it is older than
 * SMX_DECISION_RETENTION_DAYS (default 90) AND its post is settled for good — published, rejected or cancelled, the
 * states no button acts on any more — or gone. A post still pending, approved, publishing, failed or waiting for a
 * check keeps every decision, however old.
 *
 * Why that is safe: every decision is taken on the post's *current* version, read from the database after checking
 * its state (post-decisions.ts, publish-results.ts), never on the version a card was drawn for. A late click on an old
 * card of a settled post is refused by that state check before any insert, so a removed decision record can never be
 * won a second time; the refusal then says what the post's state is (`POST_MESSAGES.settled`), since the record that
 * named who decided is gone.
 */
import { Decision } from '../../models/decision';
import { Post } from '../../models/post';
import type { SmxContext } from '../context';
import { POST_KIND } from './post-decisions';

/** The post states no decision can leave. */
export const SETTLED_STATUSES = ['published', 'rejected', 'cancelled'] as const;

const DAY_MS = 24 * 3600_000;
/** Decisions looked at per pass; the job runs daily, so a backlog is worked off over a few days. */
const BATCH = 5_000;

export interface RetentionSummary {
  looked: number;
  removed: number;
  kept: number;
}

export async function forgetSettledDecisions(ctx: SmxContext, now = ctx.now()): Promise<RetentionSummary> {
  const cutoff = new Date(now.getTime() - ctx.config.posts.decisionRetentionDays * DAY_MS);
  const old = await Decision.find({ kind: POST_KIND, at: { $lt: cutoff } })
    .limit(BATCH)
    .select({ _id: 1, docId: 1 })
    .lean<Array<{ _id: string; docId: string }>>();
  if (old.length === 0) return { looked: 0, removed: 0, kept: 0 };
  const docIds = [...new Set(old.map((d) => d.docId))];
  const posts = await Post.find({ _id: { $in: docIds } })
    .select({ _id: 1, status: 1 })
    .lean<Array<{ _id: unknown; status: string }>>();
  const status = new Map(posts.map((p) => [String(p._id), p.status]));
  const settled = (docId: string) => {
    const s = status.get(docId);
    return s === undefined || (SETTLED_STATUSES as readonly string[]).includes(s);
  };
  const ids = old.filter((d) => settled(d.docId)).map((d) => d._id);
  let removed = 0;
  for (let i = 0; i < ids.length; i += 500) {
    const res = await Decision.deleteMany({ _id: { $in: ids.slice(i, i + 500) } });
    removed += res.deletedCount ?? 0;
  }
  return { looked: old.length, removed, kept: old.length - ids.length };
}
