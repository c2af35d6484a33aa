/**
 * Lists of reviews for `/smx reviews`: open / negative / all, optionally for one facility, in pages. Every list reads
 * the review desk (models/review-desk.ts: every open negative and assigned item plus the newest received), never the
 * archive; "all" takes its stored total from the roll-ups. What each list holds: `listReviews`.
 */
import { ReviewDesk } from '../../models/review-desk';
import type { DigestItem } from '../slack/blocks/digest';
import { isOpen, OPEN_STATUSES, RECENT_KEEP } from './review-desk';
import { storedCount } from './rollups';

export const REVIEW_FILTERS = ['open', 'negative', 'all'] as const;
export type ReviewFilter = (typeof REVIEW_FILTERS)[number];

export const REVIEW_LIST_LIMIT = 10;

export interface ReviewListQuery {
  filter: ReviewFilter;
  facility?: string;
}

/** One page of a review list: the items, where they sit in the list, and how the list is bounded. */
export interface ReviewPage {
  items: DigestItem[];
  /** 1-based. */
  page: number;
  /** Items in the list (every page), counted exactly from the desk. */
  total: number;
  /** For "all": how many are stored (optionally for the facility), from the roll-ups; the list holds the newest. */
  stored?: number;
}

type DeskRow = DigestItem & { _id: unknown; ingestedAt: Date; status?: string | null; sentiment?: string };

const newestFirst = (a: DeskRow, b: DeskRow) =>
  b.ingestedAt.getTime() - a.ingestedAt.getTime() || String(b._id).localeCompare(String(a._id));
const SENTIMENT_ORDER: Record<string, number> = { negative: 0, neutral: 1, positive: 2 };
const negativesFirst = (a: DeskRow, b: DeskRow) =>
  (SENTIMENT_ORDER[a.sentiment ?? ''] ?? 3) - (SENTIMENT_ORDER[b.sentiment ?? ''] ?? 3) || newestFirst(a, b);

/**
 * Every list reads only the review desk (models/review-desk.ts), one find of that small collection, never the
 * archive:
 * - "negative": every open (new or assigned) negative — complete, the desk holds them all; negatives first is
 *   trivially true, newest first.
 * - "open": every open negative and every assigned item (the desk holds them all, whatever their age), and the new
 *   items among the newest RECENT_KEEP received; negatives first, then neutral, then positive, newest first. An
 *   unhandled positive older than that window is not listed (it is still stored and counted everywhere else).
 * - "all": the newest RECENT_KEEP items received, newest first, with the stored total from the roll-ups.
 * Pages of `limit` items; `page` past the end gives an empty page.
 */
export async function listReviews(
  q: ReviewListQuery & { page?: number },
  showNames: boolean,
  limit = REVIEW_LIST_LIMIT,
): Promise<ReviewPage> {
  const page = Math.max(1, Math.floor(q.page ?? 1));
  const query = ReviewDesk.find({});
  if (!showNames) query.select({ authorName: 0 });
  const [desk, stored] = await Promise.all([
    query.batchSize(100_000).lean() as unknown as Promise<DeskRow[]>,
    q.filter === 'all' ? storedCount(q.facility) : Promise.resolve(undefined),
  ]);
  // The recent window: the newest RECENT_KEEP of the desk, which are the newest received (the desk gets every new
  // item and trimDesk only ever removes older ones).
  const recent = new Set([...desk].sort(newestFirst).slice(0, RECENT_KEEP));
  const open = (r: DeskRow) => (OPEN_STATUSES as readonly string[]).includes(r.status ?? '');
  const inList = (r: DeskRow): boolean => {
    if (q.facility !== undefined && r.facility !== q.facility) return false;
    if (q.filter === 'negative') return open(r) && r.sentiment === 'negative';
    if (q.filter === 'open') return open(r) && (isOpen(r) || recent.has(r));
    return recent.has(r);
  };
  const list = desk.filter(inList).sort(q.filter === 'all' ? newestFirst : negativesFirst);
  return {
    items: list.slice((page - 1) * limit, page * limit),
    page,
    total: list.length,
    ...(stored !== undefined ? { stored } : {}),
  };
}
