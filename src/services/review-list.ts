/** Lists of reviews for `/smx reviews`: open / negative / all, optionally for one facility. */
import { Review } from '../../models/review';
import { SmxError } from '../errors';
import type { DigestItem } from '../slack/blocks/digest';
import { quoteOutside } from '../slack/text';

export const REVIEW_FILTERS = ['open', 'negative', 'all'] as const;
export type ReviewFilter = (typeof REVIEW_FILTERS)[number];

export const REVIEW_LIST_LIMIT = 10;

export interface ReviewListQuery {
  filter: ReviewFilter;
  facility?: string;
}

/** "open" and "negative" leave out handled items; "all" is everything. */
function filterQuery(filter: ReviewFilter): Record<string, unknown> {
  if (filter === 'open') return { status: { $in: ['new', 'assigned'] } };
  if (filter === 'negative') return { status: { $in: ['new', 'assigned'] }, sentiment: 'negative' };
  return {};
}

/** Resolves a facility name as typed (any case) to the stored one; unknown names are a BAD_INPUT with the list. */
export async function resolveFacility(typed: string): Promise<string> {
  const known = ((await Review.distinct('facility')) as Array<string | null>).filter(
    (f): f is string => typeof f === 'string' && f !== '',
  );
  const match = known.find((f) => f.toLowerCase() === typed.trim().toLowerCase());
  if (match) return match;
  const list = known.length > 0 ? known.sort().join(', ') : 'none yet';
  throw new SmxError(
    'BAD_INPUT',
    `I don't know a facility called "${quoteOutside(typed, 60)}". Facilities with reviews: ${quoteOutside(list, 500)}. Example: \`/smx reviews open North Clinic\``,
  );
}

/**
 * Negatives first, then newest first (sentiment sorts negative < neutral < positive); served by the index
 * `status_1_sentiment_1_ingestedAt_-1` for open/negative.
 */
export async function listReviews(
  q: ReviewListQuery,
  showNames: boolean,
  limit = REVIEW_LIST_LIMIT,
): Promise<{ items: DigestItem[]; total: number }> {
  const where = { ...filterQuery(q.filter), ...(q.facility ? { facility: q.facility } : {}) };
  const query = Review.find(where).sort({ sentiment: 1, ingestedAt: -1 }).limit(limit);
  if (!showNames) query.select({ authorName: 0 });
  const [items, total] = [
    (await query.lean()) as unknown as DigestItem[],
    await Review.countDocuments(where),
  ];
  return { items, total };
}
