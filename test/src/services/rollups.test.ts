/**
 * Property test: the roll-up figures (what metrics, charts, the digest and /smx sources read) equal a full
 * recomputation over the archive, for random items stored through the real write paths (batches, imports in parts
 * sharing one contribution buffer, re-sends, source edits, first actions, items written straight into the archive
 * and picked up by the repair job), with compactions at random points — between steps, running alongside a write,
 * and crashing between writing their documents and deleting the deltas — and repair runs, in random time zones, periods and facilities. Then the races: two
 * compactors at once, writers storing and readers reading while compactions run.
 */
import fc from 'fast-check';
import pino from 'pino';
import { Claim } from '../../../models/claim';
import { DigestInbox } from '../../../models/digest-inbox';
import { Review } from '../../../models/review';
import { ReviewDesk } from '../../../models/review-desk';
import { monthId, RollupDelta, RollupDoc, RollupMark, TOTALS_ID } from '../../../models/rollup';
import { loadConfig } from '../../../src/config';
import type { SmxContext } from '../../../src/context';
import { computeMetrics, median, PERIOD_KINDS, resolvePeriods } from '../../../src/services/metrics';
import { performReviewAction } from '../../../src/services/review-actions';
import { listReviews } from '../../../src/services/review-list';
import { type IncomingReview, reviewDocFor, storeItems } from '../../../src/services/review-store';
import { compactRollups } from '../../../src/services/rollup-compact';
import { repairRollups } from '../../../src/services/rollup-repair';
import {
  ContributionBuffer,
  insertResponse,
  liveDeltas,
  metricDay,
  storedCount,
  storedFacilities,
  storedTotals,
} from '../../../src/services/rollups';
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
      /** A compaction running alongside the write. */
      alongside: fc.boolean(),
      /** Stored like an import: in parts sharing one contribution buffer, flushed at the end (or after each part). */
      parts: fc.option(fc.record({ count: fc.integer({ min: 2, max: 4 }), eager: fc.boolean() }), {
        nil: null,
      }),
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
    arbitrary: fc.record({
      kind: fc.constant('act' as const),
      pick: fc.nat(),
      handle: fc.boolean(),
      alongside: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('repair' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('compact' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('crash' as const) }) },
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
    perSource: Object.fromEntries(SOURCES.map((s) => [s, all.filter((r) => r.source === s).length])),
    facilities: [...new Set(all.map((r) => r.facility).filter((f): f is string => !!f))].sort(),
  };
}

/**
 * A compaction that dies after writing its documents and before deleting the deltas: run one, then put back the
 * deltas it deleted (same ids, same content) — exactly the state such a crash leaves.
 */
async function compactAndCrash(ctx: SmxContext): Promise<void> {
  const before = await RollupDelta.find({}).lean();
  await compactRollups(ctx, 'crash');
  if (before.length > 0) await RollupDelta.collection.insertMany(before as never[], { ordered: false });
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
            [Review, RollupDelta, RollupDoc, RollupMark, ReviewDesk, DigestInbox, Claim].map((m) =>
              m.collection.deleteMany({}),
            ),
          );
          let clock = NOW.getTime() - 3 * 3600_000;
          const ctx = context(tz, () => new Date(clock));
          for (const step of steps) {
            clock += 4 * 60_000; // 8 steps pass the 10-minute grace after which `replaces` forgets deleted deltas
            if (step.kind === 'store') {
              const seen = new Set<number>();
              const items = step.items.map((i) => {
                const edited = i.edit !== null && seen.has(i.id);
                seen.add(i.id);
                return incoming(i, edited);
              });
              const store = async () => {
                const parts = step.parts;
                if (!parts) return storeItems(items, ctx);
                const rollups = new ContributionBuffer(tz, parts.eager ? { maxAgeMs: 0 } : {});
                const per = Math.ceil(items.length / parts.count);
                for (let p = 0; p < items.length; p += per)
                  await storeItems(items.slice(p, p + per), ctx, { rollups });
                return rollups.flush(ctx.now());
              };
              await Promise.all([store(), step.alongside ? compactRollups(ctx, 'prop') : undefined]);
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
              if (id) {
                await Promise.all([
                  performReviewAction(ctx, id, step.handle ? 'handle' : 'assign', 'UPROP'),
                  step.alongside ? compactRollups(ctx, 'prop') : undefined,
                ]);
              }
            } else if (step.kind === 'compact') {
              await compactRollups(ctx, 'prop');
            } else if (step.kind === 'crash') {
              await compactAndCrash(ctx);
            } else {
              await repairRollups(ctx, { marginMs: Number.NEGATIVE_INFINITY });
            }
            // After every step (a crash included), what is stored counts once.
            expect(await storedCount()).toBe(await Review.countDocuments({}));
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
          // `/smx sources` and the facility list, from the totals.
          const totals = await storedTotals();
          const perSource = Object.fromEntries(
            SOURCES.map((s) => [s, totals.filter((r) => r.key === s).reduce((n, r) => n + r.n, 0)]),
          );
          expect(perSource).toEqual(want.perSource);
          expect(await storedFacilities()).toEqual(want.facilities);
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

  test('a reader that read the deltas before a compaction deleted them, and the documents after later ones, counts each once', async () => {
    await Promise.all(
      [Review, RollupDelta, RollupDoc, RollupMark, Claim].map((m) => m.collection.deleteMany({})),
    );
    let clock = NOW.getTime();
    const ctx = context('Asia/Kolkata', () => new Date(clock));
    const item = (id: string): IncomingReview => ({
      source: 'google',
      externalId: id,
      rating: 4,
      text: 'thanks',
      postedAt: new Date(NOW.getTime() - DAY),
    });
    await storeItems([item('first')], ctx);
    const early = await RollupDelta.find({}).lean(); // the reader's first half
    expect(early).toHaveLength(1);
    for (const id of ['second', 'third', 'fourth']) {
      await compactRollups(ctx, 'c'); // folds, deletes; the next ones see the first delta gone
      clock += 3 * 60_000; // three compactions within the 10-minute grace
      await storeItems([item(id)], ctx);
    }
    await compactRollups(ctx, 'c');
    const month = monthId(metricDay(new Date(NOW.getTime() - DAY), 'Asia/Kolkata'));
    const docs = await RollupDoc.find({}).lean();
    const of = (id: string) => docs.filter((d) => d._id === id) as never[];
    // The reader's second half: the documents list the early delta, so it is not counted again.
    expect(liveDeltas(early as never[], of(month))).toEqual([]);
    expect(liveDeltas(early as never[], of(TOTALS_ID))).toEqual([]);
    expect(await storedCount()).toBe(4);
    // Past the grace, the deleted ids leave `replaces` (it stays as small as the delta collection).
    clock += 11 * 60_000;
    await storeItems([item('fifth')], ctx);
    await compactRollups(ctx, 'c');
    clock += 1000;
    await storeItems([item('sixth')], ctx);
    await compactRollups(ctx, 'c');
    const after = await RollupDoc.findById(month).lean();
    expect(after?.replaces.map((r) => r.id)).not.toContain(String(early[0]?._id));
    expect(await storedCount()).toBe(6);
  });

  test('a second first action on a review whose response was folded and deleted counts nothing', async () => {
    await Promise.all([RollupDelta, RollupDoc, RollupMark, Claim].map((m) => m.collection.deleteMany({})));
    const ctx = context('Asia/Kolkata', () => NOW);
    const review = {
      _id: 'r-once',
      source: 'google',
      facility: 'City Hospital',
      rating: 1,
      sentiment: 'negative',
      postedAt: new Date(NOW.getTime() - DAY),
      ingestedAt: new Date(NOW.getTime() - DAY),
    };
    await insertResponse(review, new Date(NOW.getTime() - 3600_000), 'Asia/Kolkata', NOW);
    expect((await compactRollups(ctx, 't')).deleted).toBe(1);
    expect(await RollupDelta.countDocuments({})).toBe(0);
    await insertResponse(review, new Date(NOW.getTime() - 1800_000), 'Asia/Kolkata', NOW);
    const report = await computeMetrics(ctx, '30d', 'City Hospital');
    expect(report.response.samples).toBe(1);
    expect(report.response.medianHours.value).toBeCloseTo(23, 9);
  });

  test('races: two compactors at once, writers storing and readers reading while compactions run', async () => {
    await Promise.all(
      [Review, RollupDelta, RollupDoc, RollupMark, ReviewDesk, DigestInbox, Claim].map((m) =>
        m.collection.deleteMany({}),
      ),
    );
    const ctx = context('Asia/Kolkata', () => new Date());
    const BATCHES = 12;
    const PER = 15;
    let committed = 0; // items of batches whose store has returned
    let begun = 0; // items of batches whose store has started
    const writer = async (w: number) => {
      for (let b = 0; b < BATCHES / 2; b++) {
        const items = Array.from({ length: PER }, (_, i) => ({
          source: SOURCES[(b + i) % SOURCES.length] as string,
          externalId: `race-${w}-${b}-${i}`,
          facility: FACILITIES[i % FACILITIES.length] ?? null,
          rating: 1 + (i % 5),
          text: 'thanks',
          // Spread over months, so one compaction writes several month documents.
          postedAt: new Date(NOW.getTime() - ((b * 17 + i * 5) % 120) * DAY),
        }));
        begun += PER;
        await storeItems(items, ctx);
        committed += PER;
      }
    };
    const compactor = async (name: string) => {
      let ran = 0;
      for (let i = 0; i < 8; i++) {
        if ((await compactRollups(ctx, name)).ran) ran++;
      }
      return ran;
    };
    const seen: Array<{ low: number; got: number; high: number }> = [];
    let writing = true;
    const reader = async () => {
      while (writing) {
        const low = committed;
        const got = await storedCount();
        seen.push({ low, got, high: begun });
      }
    };
    // Two compactors start together: one wins the claim, the other skips; both keep trying while writers write.
    const first = await Promise.all([compactRollups(ctx, 'a'), compactRollups(ctx, 'b')]);
    expect(first.filter((r) => r.ran).length).toBeGreaterThanOrEqual(1);
    const readers = [reader(), reader()];
    const [, , ranA, ranB] = await Promise.all([writer(1), writer(2), compactor('a'), compactor('b')]);
    writing = false;
    await Promise.all(readers);
    expect(ranA + ranB).toBeGreaterThan(0);
    // Every read saw at least what was stored before it began and at most what had begun by its end.
    expect(seen.length).toBeGreaterThan(0);
    for (const s of seen) {
      expect(s.got).toBeGreaterThanOrEqual(s.low);
      expect(s.got).toBeLessThanOrEqual(s.high);
    }
    await compactRollups(ctx, 'last');
    expect(await RollupDelta.countDocuments({})).toBe(0);
    expect(await storedCount()).toBe(BATCHES * PER);
    const all = await Review.find({}).lean();
    for (const kind of ['30d', '90d'] as const) {
      const report = await computeMetrics(ctx, kind);
      const { current } = resolvePeriods(kind, ctx.now(), 'Asia/Kolkata');
      const inPeriod = all.filter((r) => {
        const d = metricDay(r.postedAt, 'Asia/Kolkata');
        return d >= current.fromDay && d <= current.toDay;
      });
      expect(report.reviews.total.value).toBe(inPeriod.length);
    }
  }, 120_000);
});
