/**
 * Pure Block Kit builders for the review digest, review items (digest and `/smx reviews`) and in-place updates of
 * one item after a button click. Data in, blocks out; no database, no Slack calls.
 */
import type { KnownBlock } from '@slack/types';
import { maskIdentifiers } from '../../services/phi';
import { REPLY_ACTION_IDS, REVIEW_ACTION_IDS, REVIEW_BLOCK_PREFIX, REVIEW_LIST_BLOCK_ID } from '../ids';
import { escapeMrkdwn, quoteOutside, truncate } from '../text';
import { formatLocal, formatLocalDate } from '../time';
import type { SlackMessage } from './help';

/** What a review item needs to be drawn; a lean Review document fits. */
export interface DigestItem {
  _id: unknown;
  source: string;
  facility?: string | null;
  rating?: number | null;
  text?: string | null;
  authorName?: string | null;
  url?: string | null;
  postedAt: Date;
  ingestedAt: Date;
  sentiment: 'positive' | 'neutral' | 'negative' | string;
  sentimentScore?: number | null;
  status?: string | null;
  assignedTo?: string | null;
  assignedAt?: Date | null;
  handledBy?: string | null;
  handledAt?: Date | null;
  /** The feedback campaign whose page collected it. */
  campaignName?: string | null;
  repliedBy?: string | null;
  repliedAt?: Date | null;
}

export interface ItemOptions {
  timezone: string;
  showNames: boolean;
  /** Longest excerpt in characters (before escaping). */
  excerptChars?: number;
  /** Digest highlights: a positive item gets no Assign/Handled buttons unless it asks something. */
  quietPositives?: boolean;
}

/** A positive item that asks a question still needs an answer from someone. */
export function needsAnswer(item: DigestItem): boolean {
  return item.sentiment !== 'positive' || /\?/.test(item.text ?? '');
}

/** The measure the message limits apply to (Slack fails whole messages around 13 k characters of block text). */
export const DIGEST_LIMITS = { maxBlocks: 50, maxChars: 11500 } as const;

const EXCERPT_CHARS = 280;
/** Excerpt lengths a review list page falls back to, so that all of its items fit in one message. */
const SHORTER_EXCERPTS = [140, 80] as const;

const SOURCE_LABELS: Record<string, string> = {
  google: 'Google',
  facebook: 'Facebook',
  x: 'X',
  youtube: 'YouTube',
  flickr: 'Flickr',
  feedback: 'Feedback',
};

/** Display name of a source: known ones by name, import names capitalised (`mouthshut` → "Mouthshut"). */
export function sourceLabel(source: string): string {
  return SOURCE_LABELS[source] ?? quoteOutside(source.charAt(0).toUpperCase() + source.slice(1), 40);
}

/** ★★☆☆☆ for 2; "no rating" when the item has none. */
export function stars(rating: number | null | undefined): string {
  if (rating === null || rating === undefined || !Number.isFinite(rating)) return 'no rating';
  const r = Math.max(0, Math.min(5, Math.round(rating)));
  return `${'★'.repeat(r)}${'☆'.repeat(5 - r)}`;
}

const DOTS: Record<string, string> = {
  negative: ':red_circle:',
  neutral: ':white_circle:',
  positive: ':large_green_circle:',
};

/** A link to the original, only for http(s) URLs, with the characters that could break out of `<url|label>` encoded. */
export function safeLink(url: string | null | undefined, label: string): string {
  if (!url || url.length > 1000) return '';
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return '';
  } catch {
    return '';
  }
  const encoded = url.replace(/[|<>\s]/g, (c) => encodeURIComponent(c)).replace(/&/g, '&amp;');
  return `<${encoded}|${label}>`;
}

export const reviewId = (item: DigestItem) => String(item._id);

/** Finds the review id in an item's block id. */
export const REVIEW_ITEM_ID = new RegExp(`^${REVIEW_BLOCK_PREFIX}([0-9a-f]{24}):[sca]$`);

export function blockIdFor(id: string, part: 's' | 'c' | 'a'): string {
  return `${REVIEW_BLOCK_PREFIX}${id}:${part}`;
}

/** "Assigned to <@U1> · Tue 24 Nov, 09:12 IST" / "Handled by …", or '' for a new item. */
export function statusLine(item: DigestItem, timezone: string): string {
  if (item.status === 'replied' && item.repliedBy) {
    const when = item.repliedAt ? ` · ${formatLocal(item.repliedAt, timezone)}` : '';
    return `:speech_balloon: Replied by <@${item.repliedBy}>${when}`;
  }
  if (item.status === 'handled' && item.handledBy) {
    const when = item.handledAt ? ` · ${formatLocal(item.handledAt, timezone)}` : '';
    const assigned =
      item.assignedTo && item.assignedTo !== item.handledBy ? ` (assigned to <@${item.assignedTo}>)` : '';
    return `:white_check_mark: Handled by <@${item.handledBy}>${when}${assigned}`;
  }
  if ((item.status === 'assigned' || item.status === 'handled') && item.assignedTo) {
    const when = item.assignedAt ? ` · ${formatLocal(item.assignedAt, timezone)}` : '';
    return `:bust_in_silhouette: Assigned to <@${item.assignedTo}>${when}`;
  }
  return '';
}

/** One review: a section (source, stars, excerpt, link), a context (time, facility, name, status), the buttons. */
export function reviewItemBlocks(item: DigestItem, opts: ItemOptions): KnownBlock[] {
  const id = reviewId(item);
  const max = opts.excerptChars ?? EXCERPT_CHARS;
  // Reviews often carry the patient's own name, phone or record number: masked unless names may be shown. Only
  // the part that can be shown is scanned (a little more, so a name cut by the ellipsis is still recognised).
  const raw = (item.text ?? '').trim();
  const shown = truncate(raw, max + 40);
  const text = opts.showNames ? raw : maskIdentifiers(shown, { reviewer: item.authorName });
  const excerpt = text === '' ? '_(no text)_' : `>${quoteOutside(text, max)}`;
  const link = safeLink(item.url, 'View original');
  const facility = item.facility ? ` · ${quoteOutside(item.facility, 80)}` : '';
  const campaign = item.campaignName ? ` · campaign “${quoteOutside(item.campaignName, 80)}”` : '';
  const head = `${DOTS[item.sentiment] ?? ':white_circle:'} *${sourceLabel(item.source)}* ${stars(item.rating)}${facility}${campaign}`;
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      block_id: blockIdFor(id, 's'),
      text: { type: 'mrkdwn', text: `${head}\n${excerpt}${link ? `\n${link}` : ''}` },
    },
  ];
  const context = [`Posted ${formatLocal(item.postedAt, opts.timezone)}`];
  if (opts.showNames && item.authorName) context.push(`by ${quoteOutside(item.authorName, 80)}`);
  const status = statusLine(item, opts.timezone);
  if (status) context.push(status);
  blocks.push({
    type: 'context',
    block_id: blockIdFor(id, 'c'),
    elements: [{ type: 'mrkdwn', text: context.join(' · ') }],
  });
  const buttons = [];
  const done = item.status === 'handled' || item.status === 'replied';
  // Digest highlights: a positive item that asks nothing gets only Draft reply (a thank-you), no Assign/Handled.
  const quiet = opts.quietPositives === true && !needsAnswer(item);
  if (item.status !== 'replied') {
    buttons.push({
      type: 'button' as const,
      action_id: REPLY_ACTION_IDS.draft,
      text: { type: 'plain_text' as const, text: 'Draft reply' },
      value: id,
    });
  }
  if (!quiet && !done && item.status !== 'assigned') {
    buttons.push({
      type: 'button' as const,
      action_id: REVIEW_ACTION_IDS.assign,
      text: { type: 'plain_text' as const, text: 'Assign to me' },
      value: id,
    });
  }
  if (!quiet && !done) {
    buttons.push({
      type: 'button' as const,
      action_id: REVIEW_ACTION_IDS.markHandled,
      text: { type: 'plain_text' as const, text: 'Mark handled' },
      value: id,
    });
  }
  if (buttons.length > 0) blocks.push({ type: 'actions', block_id: blockIdFor(id, 'a'), elements: buttons });
  return blocks;
}

/**
 * Replaces one item's blocks inside a message's blocks (as Slack sent them back in the click payload) with fresh
 * ones; everything else in the message stays as it was. Returns undefined when the item is not in the message.
 */
export function replaceItemBlocks(
  blocks: readonly unknown[],
  item: DigestItem,
  opts: ItemOptions,
): unknown[] | undefined {
  const prefix = `${REVIEW_BLOCK_PREFIX}${reviewId(item)}:`;
  const isItem = (b: unknown) =>
    typeof b === 'object' &&
    b !== null &&
    typeof (b as { block_id?: unknown }).block_id === 'string' &&
    ((b as { block_id: string }).block_id as string).startsWith(prefix);
  const first = blocks.findIndex(isItem);
  if (first < 0) return undefined;
  const rest = blocks.filter((b, i) => i < first || !isItem(b));
  return [...rest.slice(0, first), ...reviewItemBlocks(item, opts), ...rest.slice(first)];
}

/** The size Slack's whole-message limit is about: all text in the blocks (counted like the fake Slack does). */
export function blocksTextLength(v: unknown): number {
  if (typeof v === 'string') return v.length;
  if (Array.isArray(v)) return v.reduce((n: number, x) => n + blocksTextLength(x), 0);
  if (v && typeof v === 'object')
    return Object.values(v).reduce((n: number, x) => n + blocksTextLength(x), 0);
  return 0;
}

// ---------------------------------------------------------------------------------------------------------------
// The digest

export interface RatingSummary {
  sum: number;
  count: number;
}

export interface DigestData {
  /** When the digest is built (the hospital's local date goes in the header). */
  now: Date;
  timezone: string;
  showNames: boolean;
  /** Facilities this channel covers, for the header ("North Clinic"); empty for the main channel. */
  scopeLabel?: string;
  /** Every new item for this channel, any order. */
  items: DigestItem[];
  /** When the previous digest to this channel went out, if ever. */
  previousAt: Date | null;
  /** Ratings of the 7 days before this period, for the change. */
  baseline: RatingSummary;
  /**
   * New items posted before the backfill window (a source's history on first connect, a big import): stored for
   * metrics and `/smx reviews`, summarised in one line instead of one card each; they leave the inbox with it.
   */
  older?: OlderItems;
}

export interface OlderItems {
  ids: string[];
  bySource: Array<{ source: string; count: number; fromYear: number; toYear: number }>;
}

/** "2,134 older reviews from Google, 2019–2026, imported — see `/smx reviews all`" (one line for every source). */
export function olderLine(older: OlderItems): string {
  const parts = older.bySource.map(
    (s) =>
      `${s.count.toLocaleString('en-US')} older ${s.count === 1 ? 'review' : 'reviews'} from ${sourceLabel(s.source)}, ${
        s.fromYear === s.toYear ? s.fromYear : `${s.fromYear}–${s.toYear}`
      }`,
  );
  return `:file_cabinet: ${parts.join('; ')}, imported — see \`/smx reviews all\``;
}

export interface DigestMessage extends SlackMessage {
  /** Review ids this message carries (for marking them digested once it is posted). */
  reviewIds: string[];
}

/** Negatives first (worst first), then neutral, then positives (best first); oldest first within a tie. */
export function orderItems(items: readonly DigestItem[]): {
  negative: DigestItem[];
  neutral: DigestItem[];
  positive: DigestItem[];
} {
  const byTime = (a: DigestItem, b: DigestItem) => a.ingestedAt.getTime() - b.ingestedAt.getTime();
  const rating = (x: DigestItem) => x.rating ?? 3;
  const score = (x: DigestItem) => x.sentimentScore ?? 0;
  const negative = items
    .filter((i) => i.sentiment === 'negative')
    .sort((a, b) => rating(a) - rating(b) || score(a) - score(b) || byTime(a, b));
  const positive = items
    .filter((i) => i.sentiment === 'positive')
    .sort((a, b) => rating(b) - rating(a) || score(b) - score(a) || byTime(a, b));
  const neutral = items.filter((i) => i.sentiment !== 'negative' && i.sentiment !== 'positive').sort(byTime);
  return { negative, neutral, positive };
}

function countBy(items: readonly DigestItem[], key: (i: DigestItem) => string): string {
  const counts = new Map<string, number>();
  for (const i of items) counts.set(key(i), (counts.get(key(i)) ?? 0) + 1);
  const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const shown = sorted.slice(0, 12).map(([k, n]) => `${k} ${n}`);
  if (sorted.length > 12) shown.push(`${sorted.length - 12} more`);
  return shown.join(' · ');
}

const fmt1 = (n: number) => (Math.round(n * 10) / 10).toFixed(1);

/** "Average rating 3.8 ★ from 42 rated (previous 7 days 4.1: ▼ 0.3)". Averages are sum ÷ count. */
export function ratingLine(items: readonly DigestItem[], baseline: RatingSummary): string {
  const rated = items.filter((i) => typeof i.rating === 'number');
  if (rated.length === 0) return 'No star ratings in this period.';
  const avg = rated.reduce((s, i) => s + (i.rating as number), 0) / rated.length;
  let change = 'no ratings in the previous 7 days to compare with';
  if (baseline.count > 0) {
    const prev = baseline.sum / baseline.count;
    const delta = Math.round((avg - prev) * 10) / 10;
    const arrow =
      delta > 0
        ? `:arrow_up_small: ${fmt1(delta)}`
        : delta < 0
          ? `:arrow_down_small: ${fmt1(-delta)}`
          : 'no change';
    change = `previous 7 days ${fmt1(prev)}: ${arrow}`;
  }
  return `Average rating *${fmt1(avg)}* ★ from ${rated.length} rated (${change})`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "No new reviews or feedback since Mon 23 Nov, 08:00 IST." */
export function quietText(previousAt: Date | null, timezone: string): string {
  return previousAt
    ? `No new reviews or feedback since ${formatLocal(previousAt, timezone)}.`
    : 'No new reviews or feedback yet.';
}

/**
 * The digest as one or more messages: the first holds the header, the summary and as many items as fit; the rest
 * go into thread replies under it, each within the limits. Every item appears exactly once, in order.
 */
export function buildDigestMessages(data: DigestData, opts: { preview?: boolean } = {}): DigestMessage[] {
  const date = formatLocalDate(data.now, data.timezone);
  const scope = data.scopeLabel ? ` — ${data.scopeLabel}` : '';
  const title = `${opts.preview ? 'Preview: ' : ''}Reviews digest · ${date}${scope}`.slice(0, 150);
  const since = data.previousAt
    ? `New since ${formatLocal(data.previousAt, data.timezone)}`
    : 'New since smx started collecting';

  const older = data.older && data.older.ids.length > 0 ? data.older : undefined;
  if (data.items.length === 0) {
    const text = quietText(data.previousAt, data.timezone);
    const line = older ? olderLine(older) : undefined;
    return [
      {
        text: `${title}: ${text}${line ? ` ${line.replace(/^:file_cabinet: /, '')}.` : ''}`,
        blocks: [
          { type: 'header', text: { type: 'plain_text', text: title } },
          { type: 'section', text: { type: 'mrkdwn', text: `:sunny: ${text}${line ? `\n${line}` : ''}` } },
        ],
        reviewIds: older?.ids ?? [],
      },
    ];
  }

  const { negative, neutral, positive } = orderItems(data.items);
  const summary = [
    `*${plural(data.items.length, 'new item')}* · :red_circle: ${negative.length} negative · :white_circle: ${neutral.length} neutral · :large_green_circle: ${positive.length} positive`,
    `*By source:* ${countBy(data.items, (i) => sourceLabel(i.source))}`,
  ];
  if (data.items.some((i) => i.facility)) {
    summary.push(
      `*By facility:* ${countBy(data.items, (i) => (i.facility ? quoteOutside(i.facility, 80) : 'no facility'))}`,
    );
  }
  summary.push(ratingLine(data.items, data.baseline));
  if (older) summary.push(olderLine(older));
  const head: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: title } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: since }] },
    { type: 'section', text: { type: 'mrkdwn', text: truncate(summary.join('\n'), 2900) } },
  ];
  const opt: ItemOptions = { timezone: data.timezone, showNames: data.showNames, quietPositives: true };

  const groups: Array<{ title: string; items: DigestItem[] }> = [
    { title: `:rotating_light: *Needs attention* (${negative.length})`, items: negative },
    { title: `*Other new items* (${neutral.length})`, items: neutral },
    { title: `:sparkles: *Positive highlights* (${positive.length})`, items: positive },
  ];

  // Pages: lists of blocks and ids; page 0 starts with the head. A continuation label (or, on page 0, the "more in
  // the thread" note plus a preview's intro) is added afterwards, so room for two blocks is reserved on every page.
  const reserveBlocks = 2;
  const reserveChars = 600;
  const pages: Array<{ blocks: KnownBlock[]; ids: string[] }> = [{ blocks: [...head], ids: [] }];
  const fits = (page: { blocks: KnownBlock[] }, add: KnownBlock[]) =>
    page.blocks.length + add.length + reserveBlocks <= DIGEST_LIMITS.maxBlocks &&
    blocksTextLength(page.blocks) + blocksTextLength(add) + reserveChars <= DIGEST_LIMITS.maxChars;
  let page = pages[0] as { blocks: KnownBlock[]; ids: string[] };
  for (const group of groups) {
    if (group.items.length === 0) continue;
    group.items.forEach((item, index) => {
      const blocks = reviewItemBlocks(item, opt);
      // A group's title travels with its first item; later pages repeat it as "(continued)".
      const title: KnownBlock = {
        type: 'section',
        text: { type: 'mrkdwn', text: index === 0 ? group.title : `${group.title} — continued` },
      };
      const needsTitle = index === 0;
      let add = needsTitle ? [title, ...blocks] : blocks;
      if (!fits(page, add)) {
        page = { blocks: [], ids: [] };
        pages.push(page);
        add = [title, ...blocks];
      }
      page.blocks.push(...add);
      page.ids.push(reviewId(item));
    });
  }

  const total = pages.length;
  const headline = `${title}: ${plural(data.items.length, 'new review or feedback item', 'new reviews and feedback items')}, ${negative.length} negative.`;
  return pages.map((p, i) => {
    if (i === 0) {
      const more =
        total > 1
          ? [
              {
                type: 'context' as const,
                elements: [
                  {
                    type: 'mrkdwn' as const,
                    text: `:thread: ${plural(data.items.length - p.ids.length, 'more item')} in ${plural(total - 1, 'thread reply', 'thread replies')} below.`,
                  },
                ],
              },
            ]
          : [];
      // The summarised older items leave the inbox with the first message, which carries their line.
      return { text: headline, blocks: [...p.blocks, ...more], reviewIds: [...p.ids, ...(older?.ids ?? [])] };
    }
    const label: KnownBlock = {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `${escapeMrkdwn(title)} · part ${i + 1} of ${total}` }],
    };
    return {
      text: `${title} (part ${i + 1} of ${total}): ${plural(p.ids.length, 'item')}.`,
      blocks: [label, ...p.blocks],
      reviewIds: p.ids,
    };
  });
}

/** An ephemeral list of review items with the same buttons (for `/smx reviews`). */
export function reviewListMessage(
  title: string,
  items: readonly DigestItem[],
  more: number,
  opts: ItemOptions,
  emptyText: string,
  footer: readonly KnownBlock[] = [],
): SlackMessage {
  const blocks: KnownBlock[] = [{ type: 'header', text: { type: 'plain_text', text: title.slice(0, 150) } }];
  if (items.length === 0) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: emptyText } }, ...footer);
    return { text: `${title}: ${emptyText}`, blocks };
  }
  // Every item of the page, if it fits at all: shorter excerpts first, and only then fewer items (a page of 10 whose
  // items carry very long links), which the line below then names.
  const fits = (extra: readonly KnownBlock[]) =>
    blocks.length + extra.length + 1 + footer.length <= DIGEST_LIMITS.maxBlocks &&
    blocksTextLength(blocks) + blocksTextLength(extra) + blocksTextLength(footer) + 300 <=
      DIGEST_LIMITS.maxChars;
  const full = opts.excerptChars ?? EXCERPT_CHARS;
  let page: KnownBlock[][] = [];
  for (const excerptChars of [full, ...SHORTER_EXCERPTS.filter((n) => n < full)]) {
    page = items.map((item) => reviewItemBlocks(item, { ...opts, excerptChars }));
    if (fits(page.flat())) break;
  }
  let shown = 0;
  for (const add of page) {
    if (!fits(add)) break;
    blocks.push(...add);
    shown += 1;
  }
  const hidden = more + items.length - shown;
  if (hidden > 0) {
    // A page of a paged list (a footer) whose own items did not all fit: Next starts after the page, so say so.
    const cut = items.length - shown;
    const text =
      footer.length > 0 && cut > 0
        ? `…and ${plural(hidden, 'more item')} not shown (${cut} of this page did not fit in one message: narrow the list, e.g. by facility, to see ${cut === 1 ? 'it' : 'them'}).`
        : `…and ${plural(hidden, 'more item')} not shown.`;
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text }] });
  }
  blocks.push(...footer);
  return {
    text: `${title}: ${plural(shown, 'item')}${hidden > 0 ? `, and ${hidden} more` : ''}.`,
    blocks,
  };
}

/** Where a review list page sits, what the list holds, and a **Next 10** button when there is a next page. */
export interface ReviewListFooter {
  /** 1-based page shown and items per page. */
  page: number;
  perPage: number;
  /** Items in the whole list. */
  total: number;
  /** What the list holds (e.g. which items "open" covers), shown as a context line; plain mrkdwn. */
  note?: string;
  /** Value of the Next button (the next page's query); no button without it or on the last page. */
  nextValue?: string;
  /** The command that shows the next page, for the text fallback, e.g. "/smx reviews all page 2". */
  nextCommand?: string;
}

/** Footer blocks of a review list page (pure): "Items 11–20 of 57", the note, and **Next 10**. */
export function reviewListFooter(f: ReviewListFooter): KnownBlock[] {
  const first = (f.page - 1) * f.perPage + 1;
  const last = Math.min(f.total, f.page * f.perPage);
  const hasNext = last < f.total;
  const where =
    f.total === 0 || first > f.total
      ? f.page > 1
        ? `Page ${f.page} is past the end of this list (${plural(f.total, 'item')}).`
        : ''
      : `Items ${first}–${last} of ${f.total}${hasNext && f.nextCommand ? ` · next: \`${f.nextCommand}\`` : ''}`;
  const lines = [where, f.note ?? ''].filter((l) => l !== '');
  const blocks: KnownBlock[] = [];
  if (lines.length > 0) {
    blocks.push({ type: 'context', elements: lines.map((text) => ({ type: 'mrkdwn' as const, text })) });
  }
  if (hasNext && f.nextValue) {
    const n = Math.min(f.perPage, f.total - last);
    blocks.push({
      type: 'actions',
      block_id: REVIEW_LIST_BLOCK_ID,
      elements: [
        {
          type: 'button',
          action_id: REVIEW_ACTION_IDS.nextPage,
          text: { type: 'plain_text', text: `Next ${n}` },
          value: f.nextValue.slice(0, 2000),
        },
      ],
    });
  }
  return blocks;
}
