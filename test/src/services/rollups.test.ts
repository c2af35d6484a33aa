/**
 * Property test: the roll-up figures (what metrics, charts, the digest and /smx sources read) equal a full
 * recomputation over the archive, for random items stored through the real write paths (batches, re-sends, source
 * edits, first actions, items written straight into the archive and picked up by the repair job, repair runs that
 * merge contributions), in random time zones, periods and facilities.
 */
import fc from 'fast-check';
import pino from 'pino';
import { Claim } from '../../../models/claim';
import { DigestInbox } from '../../../models/digest-inbox';
import { Review } from '../../../models/review';
import { ReviewDesk } from '../../../models/review-desk';
import { Rollup } from '../../../models/rollup';
import { loadConfig } from '../../../src/config';
import type { SmxContext } from '../../../src/context';
import { computeMetrics, median, PERIOD_KINDS, resolvePeriods } from '../../../src/services/metrics';
import { performReviewAction } from '../../../src/services/review-actions';
import { listReviews, storedCount } from '../../../src/services/review-list';
import { type IncomingReview, reviewDocFor, storeItems } from '../../../src/services/review-store';
import { repairRollups } from '../../../src/services/rollup-repair';
import { metricDay } from '../../../src/services/rollups';
import { useTestDatabase } from '../../support/db';

const ZONES = [
  'Asia/Kolkata',
  'America/New_York',
  'Europe/London',
  'Australia/Adelaide',
  'Pacific/Kiritimati',
];
const FACILITIES = [null, 'City Hospital', 'North Clinic'];
const SOURCES = ['google', 'facebook', 'feedback', 'mouthshut'];
const NOW = new Date('2026-12-01T06:00:00Z');
const DAY = 24 * 3600_000;

function context(timezone: string, now: () => Date): SmxContext {
  const r = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-test',
    SLACK_SIGNING_SECRET: 'test',
    SMX_TIMEZONE: timezone,
  });
  if (!r.ok) throw new Error(r.problems.join('; '));
  return {
    config: r.config,
    logger: pino({ level: 'silent' }),
    db: undefined as never,
    now,
    instanceId: 'prop',
  };
}

const itemArb = fc.record({
  id: fc.integer({ min: 0, max: 60 }),
  source: fc.constantFrom(...SOURCES),
  facility: fc.constantFrom(...FACILITIES),
  rating: fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }),
  postedDaysAgo: fc.double({ min: 0, max: 200, noNaN: true }),
  edit: fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }),
});

const stepArb = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('store' as const),
      items: fc.array(itemArb, { maxLength: 25 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('direct' as const),
      items: fc.array(itemArb, { maxLength: 8 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('act' as const), pick: fc.nat(), handle: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('repair' as const) }) },
);

type Item = typeof itemArb extends fc.Arbitrary<infer T> ? T : never;

const incoming = (i: Item, edited: boolean): IncomingReview => ({
  source: i.source,
  externalId: `x${i.id}`,
  facility: i.facility,
  rating: edited ? i.edit : i.rating,
  text: i.rating === null ? 'the wait was terrible' : 'thanks',
  postedAt: new Date(NOW.getTime() - i.postedDaysAgo * DAY),
  sourceUpdatedAt: edited ? new Date(NOW.getTime() - 1000) : new Date(NOW.getTime() - 2 * DAY),
});

/** The figures computeMetrics reports, recomputed from every review in the archive. */
async function recompute(ctx: SmxContext, kind: (typeof PERIOD_KINDS)[number], facility: string | undefined) {
  const tz = ctx.config.timezone;
  const { current: cur, previous: prev } = resolvePeriods(kind, ctx.now(), tz);
  const all = await Review.find({}).lean();
  const mine = all.filter((r) => facility === undefined || r.facility === facility);
  const inP = (r: (typeof all)[number], p: typeof cur) => {
    const d = metricDay(r.postedAt, tz);
    return d >= p.fromDay && d <= p.toDay;
  };
  const fig = (p: typeof cur) => {
    const rs = mine.filter((r) => inP(r, p));
    const rated = rs.filter((r) => typeof r.rating === 'number');
    const times = rs
      .filter((r) => r.sentiment === 'negative' && r.firstActionAt)
      .map((r) => ((r.firstActionAt as Date).getTime() - r.ingestedAt.getTime()) / 3600_000);
    return {
      total: rs.length,
      negatives: rs.filter((r) => r.sentiment === 'negative').length,
      avg: rated.length === 0 ? null : rated.reduce((s, r) => s + (r.rating as number), 0) / rated.length,
      median: median(times),
      samples: times.length,
      bySource: Object.fromEntries(SOURCES.map((s) => [s, rs.filter((r) => r.source === s).length])),
    };
  };
  const open = mine.filter(
    (r) => r.sentiment === 'negative' && (r.status === 'new' || r.status === 'assigned'),
  );
  return {
    cur: fig(cur),
    prev: fig(prev),
    open: open.length,
    oldest: open.length === 0 ? null : Math.min(...open.map((r) => r.ingestedAt.getTime())),
    stored: mine.length,
  };
}

describe('roll-ups equal a full recomputation', () => {
  useTestDatabase();

  test('over random data, time zones, periods and facilities', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ZONES),
        fc.array(stepArb, { minLength: 1, maxLength: 8 }),
        fc.constantFrom(...PERIOD_KINDS),
        fc.constantFrom(undefined, 'City Hospital', 'North Clinic'),
        async (tz, steps, kind, facility) => {
          await Promise.all(
            [Review, Rollup, ReviewDesk, DigestInbox, Claim].map((m) => m.collection.deleteMany({})),
          );
          let clock = NOW.getTime() - 3 * 3600_000;
          const ctx = context(tz, () => new Date(clock));
          for (const step of steps) {
            clock += 60_000;
            if (step.kind === 'store') {
              const seen = new Set<number>();
              const items = step.items.map((i) => {
                const edited = i.edit !== null && seen.has(i.id);
                seen.add(i.id);
                return incoming(i, edited);
              });
              await storeItems(items, ctx);
              // A re-send, with the source's edits: duplicates and edits, never counted twice.
              await storeItems(
                step.items.filter((i) => i.edit !== null).map((i) => incoming(i, true)),
                ctx,
              );
            } else if (step.kind === 'direct') {
              // Written straight into the archive (older data): only the repair job puts them in the roll-ups.
              const docs = step.items.map((i) =>
                reviewDocFor({ ...incoming(i, false), externalId: `d${i.id}` }, ctx),
              );
              await Review.collection.insertMany(docs as never[], { ordered: false }).catch(() => undefined);
              await repairRollups(ctx, { marginMs: Number.NEGATIVE_INFINITY });
            } else if (step.kind === 'act') {
              const ids = (await Review.find({}, { _id: 1 }).lean()).map((r) => String(r._id));
              const id = ids[step.pick % Math.max(1, ids.length)];
              if (id) await performReviewAction(ctx, id, step.handle ? 'handle' : 'assign', 'UPROP');
            } else {
              await repairRollups(ctx, { marginMs: Number.NEGATIVE_INFINITY });
            }
          }
          const report = await computeMetrics(ctx, kind, facility);
          const want = await recompute(ctx, kind, facility);
          const got = {
            cur: {
              total: report.reviews.total.value,
              negatives: report.reviews.negatives,
              avg: report.reviews.avgRating.value,
              median: report.response.medianHours.value,
              samples: report.response.samples,
              bySource: Object.fromEntries(
                SOURCES.map((s) => [s, report.reviews.bySource.find((b) => b.source === s)?.count ?? 0]),
              ),
            },
            prevTotal: report.reviews.total.previous,
            prevAvg: report.reviews.avgRating.previous,
            prevMedian: report.response.medianHours.previous,
            open: report.response.open,
            oldest: report.response.oldestOpenAt?.getTime() ?? null,
            stored: await storedCount(facility),
          };
          const close = (a: number | null, b: number | null) =>
            a === null || b === null ? a === b : Math.abs(a - b) < 1e-9;
          expect({ ...got.cur, avg: 0, median: 0 }).toEqual({ ...want.cur, avg: 0, median: 0 });
          expect(close(got.cur.avg, want.cur.avg)).toBe(true);
          expect(close(got.cur.median, want.cur.median)).toBe(true);
          expect(got.prevTotal).toBe(want.prev.total);
          expect(close(got.prevAvg, want.prev.avg)).toBe(true);
          expect(close(got.prevMedian, want.prev.median)).toBe(true);
          expect(got.open).toBe(want.open);
          expect(got.oldest).toBe(want.oldest);
          expect(got.stored).toBe(want.stored);
          // The desk lists every open item.
          const listed = await listReviews(
            { filter: 'negative', ...(facility ? { facility } : {}) },
            false,
            1000,
          );
          expect(listed.total).toBe(want.open);
        },
      ),
      { numRuns: 25 },
    );
  }, 240_000);
});
