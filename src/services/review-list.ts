/**
 * Lists of reviews for `/smx reviews`: open / negative / all, optionally for one facility. They read the review desk
 * (models/review-desk.ts) — the open items plus the newest ones — and the roll-ups for totals, never the archive.
 */
import { ReviewDesk } from '../../models/review-desk';
import { Rollup } from '../../models/rollup';
import { SmxError } from '../errors';
import type { DigestItem } from '../slack/blocks/digest';
import { quoteOutside } from '../slack/text';
import { OPEN_FILTER, OPEN_STATUSES } from './review-desk';
import { liveRows, type RollupRow } from './rollups';

export const REVIEW_FILTERS = ['open', 'negative', 'all'] as const;
export type ReviewFilter = (typeof REVIEW_FILTERS)[number];

export const REVIEW_LIST_LIMIT = 10;

export interface ReviewListQuery {
  filter: ReviewFilter;
  facility?: string;
}

/** "open": someone has to act (see OPEN_FILTER); "negative": open negatives; "all": everything. */
function filterQuery(filter: ReviewFilter): Record<string, unknown> {
  if (filter === 'open') return { ...OPEN_FILTER };
  if (filter === 'negative') return { status: { $in: [...OPEN_STATUSES] }, sentiment: 'negative' };
  return {};
}

/** Facilities that have reviews, from the roll-ups. */
export async function knownFacilities(): Promise<string[]> {
  return ((await Rollup.distinct('facility', { kind: 'reviews' })) as Array<string | null>).filter(
    (f): f is string => typeof f === 'string' && f !== '',
  );
}

/** How many reviews are stored (optionally for one facility), from the roll-ups. */
export async function storedCount(facility?: string): Promise<number> {
  const rows = await Rollup.find(
    { kind: 'reviews', ...(facility ? { facility } : {}) },
    { _id: 1, n: 1, replaces: 1 },
  )
    .batchSize(100_000)
    .lean<RollupRow[]>();
  return liveRows(rows).reduce((sum, r) => sum + r.n, 0);
}

/** Resolves a facility name as typed (any case) to the stored one; unknown names are a BAD_INPUT with the list. */
export async function resolveFacility(typed: string): Promise<string> {
  const known = await knownFacilities();
  const match = known.find((f) => f.toLowerCase() === typed.trim().toLowerCase());
  if (match) return match;
  const list = known.length > 0 ? known.sort().join(', ') : 'none yet';
  throw new SmxError(
    'BAD_INPUT',
    `I don't know a facility called "${quoteOutside(typed, 60)}". Facilities with reviews: ${quoteOutside(list, 500)}. Example: \`/smx reviews open North Clinic\``,
  );
}

/**
 * Negatives first, then newest first (sentiment sorts negative < neutral < positive). Open and negative lists are
 * complete (the desk holds every open item); "all" shows the newest of the desk and counts the rest from the roll-ups.
 */
export async function listReviews(
  q: ReviewListQuery,
  showNames: boolean,
  limit = REVIEW_LIST_LIMIT,
): Promise<{ items: DigestItem[]; total: number }> {
  const where = { ...filterQuery(q.filter), ...(q.facility ? { facility: q.facility } : {}) };
  const query = ReviewDesk.find(where).sort({ sentiment: 1, ingestedAt: -1 }).limit(limit);
  if (!showNames) query.select({ authorName: 0 });
  const [items, total] = await Promise.all([
    query.lean() as unknown as Promise<DigestItem[]>,
    q.filter === 'all' ? storedCount(q.facility) : ReviewDesk.countDocuments(where),
  ]);
  return { items, total };
}
