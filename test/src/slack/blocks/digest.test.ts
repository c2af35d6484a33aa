import fc from 'fast-check';
import { parseReviewsArgs } from '../../../../listeners/commands/smx/reviews';
import { loadConfig } from '../../../../src/config';
import { digestTargets, scopeFilter } from '../../../../src/services/digest';
import { statusFromClaims } from '../../../../src/services/review-actions';
import {
  buildDigestMessages,
  type DigestItem,
  ratingLine,
  replaceItemBlocks,
  reviewItemBlocks,
  reviewListFooter,
  reviewListMessage,
  safeLink,
  stars,
} from '../../../../src/slack/blocks/digest';
import { REPLY_ACTION_IDS, REVIEW_ACTION_IDS } from '../../../../src/slack/ids';
import { messageProblems } from '../../../fakes/block-kit';

const TZ = 'Asia/Kolkata';
const NOW = new Date('2026-11-24T02:30:00Z');
let n = 0;
const id = () => (++n).toString(16).padStart(24, '0');

function item(over: Partial<DigestItem> = {}): DigestItem {
  return {
    _id: id(),
    source: 'google',
    facility: 'City Hospital',
    rating: 2,
    text: 'Slow service',
    authorName: 'Priya Sharma',
    url: 'https://example.com/r/1',
    postedAt: new Date('2026-11-23T09:15:00Z'),
    ingestedAt: new Date('2026-11-23T10:00:00Z'),
    sentiment: 'negative',
    sentimentScore: -2,
    status: 'new',
    ...over,
  };
}

const opts = { timezone: TZ, showNames: false };
const texts = (blocks: unknown) => JSON.stringify(blocks);

describe('review item blocks', () => {
  test('stars and links', () => {
    expect(stars(2)).toBe('★★☆☆☆');
    expect(stars(5)).toBe('★★★★★');
    expect(stars(null)).toBe('no rating');
    expect(safeLink('javascript:alert(1)', 'x')).toBe('');
    expect(safeLink('not a url', 'x')).toBe('');
    expect(safeLink('https://a.example/?q=1&r=<2>|3', 'View')).toBe(
      '<https://a.example/?q=1&amp;r=%3C2%3E%7C3|View>',
    );
  });

  test('a new item: source, stars, escaped excerpt, link, local time, two buttons carrying only the id', () => {
    const it = item({ text: '<!channel> terrible & slow' });
    const blocks = reviewItemBlocks(it, opts);
    const s = texts(blocks);
    expect(s).toContain('*Google* ★★☆☆☆ · City Hospital');
    expect(s).toContain('&lt;!channel&gt; terrible &amp; slow');
    expect(s).toContain('<https://example.com/r/1|View original>');
    expect(s).toContain('Posted Mon 23 Nov, 14:45 IST');
    expect(s).not.toContain('Priya');
    const actions = blocks.find((b) => b.type === 'actions') as {
      elements: Array<{ action_id: string; value: string }>;
    };
    expect(actions.elements.map((e) => [e.action_id, e.value])).toEqual([
      [REPLY_ACTION_IDS.draft, String(it._id)],
      [REVIEW_ACTION_IDS.assign, String(it._id)],
      [REVIEW_ACTION_IDS.markHandled, String(it._id)],
    ]);
  });

  test('names only when asked; long text truncated with an ellipsis', () => {
    const s = texts(reviewItemBlocks(item({ text: 'x'.repeat(5000) }), { ...opts, showNames: true }));
    expect(s).toContain('by Priya Sharma');
    expect(s).toContain('…');
    expect(s.length).toBeLessThan(2000);
  });

  test('assigned keeps Draft reply and Mark handled; handled keeps only Draft reply and says who; replied has none', () => {
    const at = new Date('2026-11-24T03:42:00Z');
    const assigned = reviewItemBlocks(item({ status: 'assigned', assignedTo: 'U1', assignedAt: at }), opts);
    expect(texts(assigned)).toContain('Assigned to <@U1> · Tue 24 Nov, 09:12 IST');
    const acts = assigned.find((b) => b.type === 'actions') as { elements: Array<{ action_id: string }> };
    expect(acts.elements.map((e) => e.action_id)).toEqual([
      REPLY_ACTION_IDS.draft,
      REVIEW_ACTION_IDS.markHandled,
    ]);
    const handled = reviewItemBlocks(item({ status: 'handled', handledBy: 'U2', handledAt: at }), opts);
    expect(texts(handled)).toContain('Handled by <@U2> · Tue 24 Nov, 09:12 IST');
    const handledActs = handled.find((b) => b.type === 'actions') as {
      elements: Array<{ action_id: string }>;
    };
    expect(handledActs.elements.map((e) => e.action_id)).toEqual([REPLY_ACTION_IDS.draft]);
    const replied = reviewItemBlocks(item({ status: 'replied', repliedBy: 'U3', repliedAt: at }), opts);
    expect(texts(replied)).toContain('Replied by <@U3> · Tue 24 Nov, 09:12 IST');
    expect(replied.some((b) => b.type === 'actions')).toBe(false);
  });

  test('replaceItemBlocks swaps only that item and keeps the rest in place', () => {
    const a = item();
    const b = item();
    const blocks = [
      { type: 'header', text: { type: 'plain_text', text: 'H' } },
      ...reviewItemBlocks(a, opts),
      ...reviewItemBlocks(b, opts),
    ];
    const updated = replaceItemBlocks(
      blocks,
      { ...a, status: 'replied', repliedBy: 'U9' },
      opts,
    ) as unknown[];
    expect(updated).toHaveLength(blocks.length - 1);
    expect(updated[0]).toEqual(blocks[0]);
    expect(updated.slice(-3)).toEqual(blocks.slice(-3));
    expect(texts(updated)).toContain('Replied by <@U9>');
    expect(replaceItemBlocks(blocks, item(), opts)).toBeUndefined();
  });
});

describe('the digest message builder', () => {
  test('quiet day', () => {
    const [m] = buildDigestMessages({
      now: NOW,
      timezone: TZ,
      showNames: false,
      items: [],
      previousAt: new Date('2026-11-23T02:30:00Z'),
      baseline: { sum: 0, count: 0 },
    });
    expect(m?.text).toContain('No new reviews or feedback since Mon 23 Nov, 08:00 IST');
    expect(m?.reviewIds).toEqual([]);
  });

  test('average and change against the previous 7 days, as sum ÷ count', () => {
    const items = [item({ rating: 1 }), item({ rating: 4 }), item({ rating: null })];
    expect(ratingLine(items, { sum: 40, count: 10 })).toBe(
      'Average rating *2.5* ★ from 2 rated (previous 7 days 4.0: :arrow_down_small: 1.5)',
    );
    expect(ratingLine(items, { sum: 0, count: 0 })).toContain('no ratings in the previous 7 days');
    expect(ratingLine([item({ rating: null })], { sum: 0, count: 0 })).toBe(
      'No star ratings in this period.',
    );
  });

  const arbItem = fc.record({
    rating: fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }),
    text: fc.oneof(
      fc.string({ maxLength: 50 }),
      fc.string({ minLength: 2000, maxLength: 6000 }),
      fc.constant('&<>'.repeat(400)),
    ),
    sentiment: fc.constantFrom('negative', 'neutral', 'positive'),
    facility: fc.option(
      fc.oneof(fc.string({ minLength: 1, maxLength: 200 }), fc.constant('&<>'.repeat(70))),
      { nil: null },
    ),
    source: fc.constantFrom('google', 'facebook', 'x', 'feedback', 'a'.repeat(300)),
    url: fc.option(fc.webUrl(), { nil: null }),
    authorName: fc.string({ maxLength: 300 }),
  });

  test('any set of items: every message within the limits, every item exactly once, negatives first', () => {
    fc.assert(
      fc.property(fc.array(arbItem, { maxLength: 150 }), fc.boolean(), (specs, showNames) => {
        const items = specs.map((s) => item(s));
        const messages = buildDigestMessages({
          now: NOW,
          timezone: TZ,
          showNames,
          items,
          previousAt: null,
          baseline: { sum: 7, count: 2 },
        });
        for (const m of messages) expect(messageProblems({ text: m.text, blocks: m.blocks })).toEqual([]);
        const ids = messages.flatMap((m) => m.reviewIds);
        expect(ids.sort()).toEqual(items.map((i) => String(i._id)).sort());
        const order = messages.flatMap((m) => m.reviewIds);
        const sentimentOf = new Map(items.map((i) => [String(i._id), i.sentiment]));
        const firstNonNegative = order.findIndex((x) => sentimentOf.get(x) !== 'negative');
        if (firstNonNegative >= 0) {
          expect(order.slice(firstNonNegative).some((x) => sentimentOf.get(x) === 'negative')).toBe(false);
        }
      }),
      { numRuns: 60 },
    );
  });

  test('a page of ten long reviews shows all ten, with shorter excerpts', () => {
    const items = Array.from({ length: 10 }, (_, i) =>
      item({ _id: `r${i}`, text: `${i} ${'y'.repeat(2000)}` }),
    );
    const footer = reviewListFooter({ page: 1, perPage: 10, total: 57, nextValue: 'open:2:' });
    const m = reviewListMessage('Open', items, 0, opts, 'none', footer);
    expect(messageProblems({ text: m.text, blocks: m.blocks })).toEqual([]);
    expect(m.text).toBe('Open: 10 items.');
    expect(texts(m.blocks)).toContain('Items 1–10 of 57');
    expect(texts(m.blocks)).not.toMatch(/not shown|did not fit/);
  });

  test('a page whose items cannot all fit says which part of the page is missing, not a false range', () => {
    const url = `https://example.com/${'r'.repeat(950)}`;
    const items = Array.from({ length: 10 }, (_, i) => item({ _id: `r${i}`, url, text: 'y'.repeat(2000) }));
    const footer = reviewListFooter({ page: 1, perPage: 10, total: 57, nextValue: 'open:2:' });
    const m = reviewListMessage('Open', items, 0, opts, 'none', footer);
    expect(messageProblems({ text: m.text, blocks: m.blocks })).toEqual([]);
    const shown = Number(/Open: (\d+) items/.exec(m.text)?.[1]);
    expect(shown).toBeLessThan(10);
    expect(texts(m.blocks)).toContain(`(${10 - shown} of this page did not fit in one message`);
  });

  test('a review list is capped within limits and says how many more', () => {
    const items = Array.from({ length: 40 }, () => item({ text: 'y'.repeat(2000) }));
    const m = reviewListMessage('Open', items, 5, opts, 'none');
    expect(messageProblems({ text: m.text, blocks: m.blocks })).toEqual([]);
    expect(texts(m.blocks)).toMatch(/and \d+ more items not shown/);
  });
});

describe('pure parts of the services', () => {
  test('status from claims: handled wins, times come from the claims, first action is the earliest', () => {
    const t1 = new Date('2026-11-24T03:00:00Z');
    const t2 = new Date('2026-11-24T04:00:00Z');
    expect(statusFromClaims(undefined, undefined).status).toBe('new');
    expect(
      statusFromClaims({ _id: 'a', owner: 'U1', claimedAt: t2 }, { _id: 'h', owner: 'U2', claimedAt: t1 }),
    ).toEqual({
      status: 'handled',
      assignedTo: 'U1',
      assignedAt: t2,
      handledBy: 'U2',
      handledAt: t1,
      repliedBy: null,
      repliedAt: null,
      firstActionAt: t1,
    });
    const t0 = new Date('2026-11-24T02:00:00Z');
    expect(
      statusFromClaims(
        { _id: 'a', owner: 'U1', claimedAt: t2 },
        { _id: 'h', owner: 'U2', claimedAt: t1 },
        { _id: 'r', owner: 'U3', claimedAt: t0 },
      ),
    ).toMatchObject({ status: 'replied', repliedBy: 'U3', repliedAt: t0, firstActionAt: t0 });
  });

  test('digest targets: facility channels get their facilities, the main channel the rest', () => {
    const r = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: 's',
      SMX_DIGEST_CHANNEL: 'CMAIN',
      SMX_FACILITY_CHANNELS: 'North Clinic=CN,South Clinic=CN,City Hospital=CMAIN',
    });
    if (!r.ok) throw new Error(r.problems.join());
    const targets = digestTargets(r.config);
    expect(targets).toEqual([
      { channel: 'CMAIN', exclude: ['North Clinic', 'South Clinic'] },
      { channel: 'CN', include: ['North Clinic', 'South Clinic'], label: 'North Clinic, South Clinic' },
    ]);
    expect(scopeFilter(targets[0] as never)).toEqual({
      facility: { $nin: ['North Clinic', 'South Clinic'] },
    });
  });

  test('/smx reviews arguments', () => {
    expect(parseReviewsArgs('')).toEqual({ filter: 'open' });
    expect(parseReviewsArgs('NEGATIVE North Clinic')).toEqual({
      filter: 'negative',
      facility: 'North Clinic',
    });
    expect(parseReviewsArgs('North Clinic')).toEqual({ filter: 'open', facility: 'North Clinic' });
    expect(parseReviewsArgs('all')).toEqual({ filter: 'all' });
  });
});
