/**
 * Lists of reviews for `/smx reviews`: open / negative / all, optionally for one facility. "negative" and "all" read
 * the review desk (models/review-desk.ts: every open negative plus the newest items) and the roll-ups for totals;
 * "open" (anything new or assigned, positives included) is not bounded by the desk and still reads the archive.
 */
import { Review } from '../../models/review';
import { ReviewDesk } from '../../models/review-desk';
import type { DigestItem } from '../slack/blocks/digest';
import { OPEN_STATUSES } from './review-desk';
import { storedCount } from './rollups';

export const REVIEW_FILTERS = ['open', 'negative', 'all'] as const;
export type ReviewFilter = (typeof REVIEW_FILTERS)[number];

export const REVIEW_LIST_LIMIT = 10;

export interface ReviewListQuery {
  filter: ReviewFilter;
  facility?: string;
}

/** "open" and "negative" leave out handled items; "all" is everything. */
function filterQuery(filter: ReviewFilter): Record<string, unknown> {
  if (filter === 'open') return { status: { $in: [...OPEN_STATUSES] } };
  if (filter === 'negative') return { status: { $in: [...OPEN_STATUSES] }, sentiment: 'negative' };
  return {};
}

/**
 * "open" and "negative": negatives first, then newest first (sentiment sorts negative < neutral < positive).
 * "negative" is complete from the desk (it holds every open negative). "open" also holds every positive nobody
 * handled, which can be most of the archive, so it reads the archive as before. "all": newest first from the desk
 * (which keeps the newest RECENT_KEEP items), with the total from the roll-ups.
 */
export async function listReviews(
  q: ReviewListQuery,
  showNames: boolean,
  limit = REVIEW_LIST_LIMIT,
): Promise<{ items: DigestItem[]; total: number }> {
  const where = { ...filterQuery(q.filter), ...(q.facility ? { facility: q.facility } : {}) };
  const from = q.filter === 'open' ? Review : ReviewDesk;
  const query = (from as typeof ReviewDesk)
    .find(where)
    .sort(q.filter === 'all' ? { ingestedAt: -1, _id: -1 } : { sentiment: 1, ingestedAt: -1 })
    .limit(limit);
  if (!showNames) query.select({ authorName: 0 });
  const [items, total] = await Promise.all([
    query.lean() as unknown as Promise<DigestItem[]>,
    q.filter === 'all' ? storedCount(q.facility) : (from as typeof ReviewDesk).countDocuments(where),
  ]);
  return { items, total };
}
