import { SmxError } from '../../../src/errors';
import { resolveFacility } from '../../../src/services/facilities';
import { listReviews, REVIEW_FILTERS, type ReviewFilter } from '../../../src/services/review-list';
import { reviewListMessage } from '../../../src/slack/blocks/digest';
import type { Subcommand } from './types';

const EMPTY: Record<ReviewFilter, string> = {
  open: ':tada: No open reviews or feedback — everything has been handled.',
  negative: ':tada: No open negative reviews or feedback.',
  all: 'No reviews or feedback stored yet.',
};

const TITLES: Record<ReviewFilter, string> = {
  open: 'Open reviews and feedback',
  negative: 'Open negative reviews and feedback',
  all: 'All reviews and feedback',
};

/** Parses `[open|negative|all] [facility]`; without a filter word everything typed is the facility. */
export function parseReviewsArgs(args: string): { filter: ReviewFilter; facility?: string } {
  const m = /^(\S+)\s*([\s\S]*)$/.exec(args.trim());
  if (!m) return { filter: 'open' };
  const first = (m[1] ?? '').toLowerCase();
  if ((REVIEW_FILTERS as readonly string[]).includes(first)) {
    const rest = (m[2] ?? '').trim();
    return { filter: first as ReviewFilter, ...(rest ? { facility: rest } : {}) };
  }
  return { filter: 'open', facility: args.trim() };
}

export const reviews: Subcommand = {
  name: 'reviews',
  summary:
    'List reviews and feedback (open, negative or all; optionally one facility) with Assign/Handled buttons.',
  example: '/smx reviews negative North Clinic',
  async run({ ctx, args, respond }) {
    const parsed = parseReviewsArgs(args);
    if (parsed.facility !== undefined && parsed.facility.length > 100) {
      throw new SmxError(
        'BAD_INPUT',
        'That facility name is too long. Example: `/smx reviews open North Clinic`',
      );
    }
    const facility = parsed.facility
      ? await resolveFacility(ctx.config, parsed.facility, `/smx reviews ${parsed.filter}`)
      : undefined;
    const { items, total } = await listReviews(
      { filter: parsed.filter, ...(facility ? { facility } : {}) },
      ctx.config.digest.showNames,
    );
    const title = `${TITLES[parsed.filter]}${facility ? ` — ${facility}` : ''}`;
    const msg = reviewListMessage(
      title,
      items,
      total - items.length,
      { timezone: ctx.config.timezone, showNames: ctx.config.digest.showNames },
      EMPTY[parsed.filter],
    );
    await respond({ response_type: 'ephemeral', ...msg });
  },
};
