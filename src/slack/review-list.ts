/**
 * One page of `/smx reviews` as a message, shared by the command and its **Next 10** button: the same titles, empty
 * texts, footer ("Items 11–20 of 57", what the list holds) and the button for the page after.
 */
import type { SmxContext } from '../context';
import { SmxError } from '../errors';
import { resolveFacility } from '../services/facilities';
import { RECENT_KEEP } from '../services/review-desk';
import { listReviews, REVIEW_FILTERS, REVIEW_LIST_LIMIT, type ReviewFilter } from '../services/review-list';
import { reviewListFooter, reviewListMessage } from './blocks/digest';
import type { SlackMessage } from './blocks/help';

export const REVIEW_LIST_EMPTY: Record<ReviewFilter, string> = {
  open: ':tada: No open reviews or feedback — everything has been handled.',
  negative: ':tada: No open negative reviews or feedback.',
  all: 'No reviews or feedback stored yet.',
};

const TITLES: Record<ReviewFilter, string> = {
  open: 'Open reviews and feedback',
  negative: 'Open negative reviews and feedback',
  all: 'All reviews and feedback',
};

/** What "open" and "all" hold (the review desk bounds them); "negative" is every open negative, no note needed. */
export const REVIEW_LIST_NOTES = {
  open: `Open = every open negative and every assigned item, whatever their age, and the new ones among the newest ${RECENT_KEEP} received; negatives first, newest first.`,
  all: (stored: number, listed: number) =>
    stored > listed
      ? `Newest first: the newest ${RECENT_KEEP} received are listed here; the ${stored - listed} older of the ${stored} stored are counted in \`/smx metrics\` and \`/smx sources\`.`
      : `Newest first; ${stored} stored.`,
} as const;

export interface ReviewListRequest {
  filter: ReviewFilter;
  facility?: string;
  page?: number;
}

export const REVIEWS_USAGE =
  'Example: `/smx reviews open North Clinic`, `/smx reviews all page 2`. Nothing was changed.';

/** Parses `[open|negative|all] [facility] [page N]`; without a filter word everything typed is the facility. */
export function parseReviewsArgs(args: string): ReviewListRequest {
  let rest = args.trim();
  let page: number | undefined;
  const p = /(?:^|\s)page\s+(\d{1,4})$/i.exec(rest);
  if (p) {
    page = Number(p[1]);
    rest = rest.slice(0, p.index).trim();
    if (page < 1) throw new SmxError('BAD_INPUT', `Pages start at 1. ${REVIEWS_USAGE}`);
  }
  const withPage = page !== undefined ? { page } : {};
  const m = /^(\S+)\s*([\s\S]*)$/.exec(rest);
  if (!m) return { filter: 'open', ...withPage };
  const first = (m[1] ?? '').toLowerCase();
  if ((REVIEW_FILTERS as readonly string[]).includes(first)) {
    const facility = (m[2] ?? '').trim();
    return { filter: first as ReviewFilter, ...(facility ? { facility } : {}), ...withPage };
  }
  return { filter: 'open', facility: rest, ...withPage };
}

/** The **Next** button's value: `<filter>:<page>:<facility>`. */
export const nextPageValue = (r: ReviewListRequest, page: number) =>
  `${r.filter}:${page}:${r.facility ?? ''}`;

/** Reads a **Next** button's value; undefined when it is not one of ours. */
export function parseNextPageValue(value: string | undefined): ReviewListRequest | undefined {
  const m = /^(open|negative|all):(\d{1,4}):([\s\S]{0,100})$/.exec(value ?? '');
  if (!m) return undefined;
  return {
    filter: m[1] as ReviewFilter,
    page: Number(m[2]),
    ...(m[3] ? { facility: m[3] } : {}),
  };
}

/** One page of the list the person asked for, as a message (the facility checked against the known ones). */
export async function reviewListAnswer(ctx: SmxContext, req: ReviewListRequest): Promise<SlackMessage> {
  if (req.facility !== undefined && req.facility.length > 100) {
    throw new SmxError(
      'BAD_INPUT',
      'That facility name is too long. Example: `/smx reviews open North Clinic`',
    );
  }
  const facility = req.facility
    ? await resolveFacility(ctx.config, req.facility, `/smx reviews ${req.filter}`)
    : undefined;
  const page = req.page ?? 1;
  const list = await listReviews(
    { filter: req.filter, ...(facility ? { facility } : {}), page },
    ctx.config.digest.showNames,
  );
  const asked = { ...req, ...(facility ? { facility } : {}) };
  const note =
    req.filter === 'open'
      ? REVIEW_LIST_NOTES.open
      : req.filter === 'all'
        ? REVIEW_LIST_NOTES.all(list.stored ?? list.total, list.total)
        : undefined;
  const footer = reviewListFooter({
    page,
    perPage: REVIEW_LIST_LIMIT,
    total: list.total,
    ...(note && list.total > 0 ? { note } : {}),
    nextValue: nextPageValue(asked, page + 1),
    nextCommand: `/smx reviews ${req.filter}${facility ? ` ${facility}` : ''} page ${page + 1}`,
  });
  const title = `${TITLES[req.filter]}${facility ? ` — ${facility}` : ''}${page > 1 ? ` (page ${page})` : ''}`;
  const after = Math.max(0, list.total - (page - 1) * REVIEW_LIST_LIMIT - list.items.length);
  return reviewListMessage(
    title,
    list.items,
    after,
    { timezone: ctx.config.timezone, showNames: ctx.config.digest.showNames },
    page > 1 && list.items.length === 0 ? `Nothing on page ${page}.` : REVIEW_LIST_EMPTY[req.filter],
    footer,
  );
}
