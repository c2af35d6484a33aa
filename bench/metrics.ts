/**
 * `npm run bench:metrics`: /smx metrics over 100k reviews and 5k posts against 1k reviews and 50 posts in the same
 * run: median time of REPEATS runs and database round trips per figure set (driver command monitoring), the ratio,
 * the time the old path's archive aggregation takes at each size ("before"), and a check that the figures equal a
 * full recomputation over the archive. The archive is seeded straight into the database (as data from before the
 * roll-ups) and the repair job builds the month documents from it, timed per phase; then a few hundred items arrive
 * through the real store (deltas not folded yet, as between two compactions), so reads sum both. Also times `_id`
 * lookups in parallel against one scan of a small collection (why readers fetch month documents by `_id`). Starts
 * its own FerretDB (SQLite, temp dir) unless MONGODB_URI is set.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import pino from 'pino';
import { Review } from '../models/review';
import { RollupDelta, RollupDoc } from '../models/rollup';
import { loadConfig } from '../src/config';
import type { SmxContext } from '../src/context';
import { CONNECT_OPTIONS, initModels } from '../src/db';
import { ensureFerretdbBinary, type RunningFerretdb, startFerretdb } from '../src/db/ferretdb';
import {
  computeMetrics,
  median,
  type PeriodKind,
  resolvePeriods,
  weeklySeries,
} from '../src/services/metrics';
import { reviewIdFor, storeItems } from '../src/services/review-store';
import { compactRollups } from '../src/services/rollup-compact';
import { repairRollups } from '../src/services/rollup-repair';
import { fetchDoc, metricDay } from '../src/services/rollups';
import { LAYOUT, NOW, seed, TZ } from './seed';

const REPEATS = Number(process.env.SMX_BENCH_REPEATS ?? 5);
/** Items stored through the real store after the repair: the deltas a read finds between two compactions. */
const LIVE_ITEMS = 300;

const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' });
let commands = 0;

function context(): SmxContext {
  const result = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: 'bench',
    SMX_TIMEZONE: TZ,
    FACEBOOK_PAGE_ID: 'page',
    FACEBOOK_PAGE_TOKEN: 'token',
  });
  if (!result.ok) throw new Error(result.problems.join('; '));
  return {
    config: result.config,
    logger,
    db: undefined as never, // metrics use the models, not the Database wrapper
    now: () => NOW,
    instanceId: 'bench',
  };
}

interface Measured {
  label: string;
  ms: number;
  trips: number;
}

/** The median of REPEATS timed runs, and the round trips of one. */
async function measure(label: string, fn: () => Promise<unknown>, repeats = REPEATS): Promise<Measured> {
  const times: number[] = [];
  let trips = 0;
  for (let i = 0; i < repeats; i++) {
    const c0 = commands;
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
    trips = commands - c0;
  }
  return { label, ms: median(times) as number, trips };
}

/** What the old path did per figure set: an aggregation over the archive (it ran five of them per /smx metrics). */
function archiveAggregate(ctx: SmxContext) {
  const { current, previous } = resolvePeriods('30d', ctx.now(), TZ);
  return Review.aggregate([
    { $match: { localDay: { $gte: previous.fromDay, $lte: current.toDay } } },
    { $group: { _id: { source: '$source', sentiment: '$sentiment', rating: '$rating' }, n: { $sum: 1 } } },
  ]);
}

/** The 30-day figures recomputed from every review in the archive, to compare with what metrics reported. */
async function recomputed(ctx: SmxContext, facility?: string) {
  const { current: cur } = resolvePeriods('30d', ctx.now(), TZ);
  let total = 0;
  let rated = 0;
  let sum = 0;
  let negatives = 0;
  const hours: number[] = [];
  for await (const r of Review.find(facility ? { facility } : {})
    .select({ postedAt: 1, rating: 1, sentiment: 1, firstActionAt: 1, ingestedAt: 1 })
    .batchSize(10_000)
    .lean()
    .cursor()) {
    const d = metricDay(r.postedAt, TZ);
    if (d < cur.fromDay || d > cur.toDay) continue;
    total++;
    if (typeof r.rating === 'number') {
      rated++;
      sum += r.rating;
    }
    if (r.sentiment === 'negative') {
      negatives++;
      if (r.firstActionAt) hours.push((r.firstActionAt.getTime() - r.ingestedAt.getTime()) / 3600_000);
    }
  }
  return { total, avg: rated === 0 ? null : sum / rated, negatives, median: median(hours) };
}

async function sameAsRecomputed(ctx: SmxContext, facility?: string): Promise<string> {
  const [got, want] = await Promise.all([computeMetrics(ctx, '30d', facility), recomputed(ctx, facility)]);
  const g = {
    total: got.reviews.total.value,
    avg: got.reviews.avgRating.value,
    negatives: got.reviews.negatives,
    median: got.response.medianHours.value,
  };
  const close = (a: number | null, b: number | null) =>
    a === null || b === null ? a === b : Math.abs(a - b) < 1e-9;
  const same =
    g.total === want.total &&
    g.negatives === want.negatives &&
    close(g.avg, want.avg) &&
    close(g.median, want.median);
  return `${same ? 'identical' : 'DIFFERENT'} (reviews ${g.total}/${want.total}, negatives ${g.negatives}/${want.negatives}, avg ${g.avg?.toFixed(4)}/${want.avg?.toFixed(4)}, median response ${g.median?.toFixed(3)}/${want.median?.toFixed(3)} h)`;
}

/** Grows the database to `reviews`/`posts` (from what the previous suite left), then times each figure set. */
async function suite(
  had: { reviews: number; posts: number },
  reviews: number,
  posts: number,
): Promise<{ rows: Measured[]; before: Measured; check: string[] }> {
  const t0 = performance.now();
  await seed(had.reviews, reviews, had.posts, posts);
  const seeded = (performance.now() - t0) / 1000;
  const ctx = context();
  // The seeded archive stands for digested history: no inbox restore (it would copy 30 days of it back in).
  const repair = await repairRollups(ctx, { marginMs: Number.NEGATIVE_INFINITY, restoreInbox: false });
  const phases = Object.entries(repair.phases)
    .map(([k, v]) => `${k} ${(v / 1000).toFixed(2)} s`)
    .join(', ');
  console.log(
    `  seeded ${reviews.toLocaleString('en-GB')} reviews, ${posts.toLocaleString('en-GB')} posts and publications in ${seeded.toFixed(1)} s (straight into the archive, as data from before the roll-ups)`,
  );
  console.log(
    `  repair job (month documents from the archive): ${(repair.ms / 1000).toFixed(2)} s — ${phases}; ${repair.keysRebuilt} keys rebuilt, ${repair.documentsWritten} documents written, desk +${repair.deskAdded}, inbox +${repair.inboxRestored}`,
  );
  const again = await repairRollups(ctx, { marginMs: Number.NEGATIVE_INFINITY, restoreInbox: false });
  console.log(
    `  repair again (nothing to fix): ${(again.ms / 1000).toFixed(2)} s (${Object.entries(again.phases)
      .map(([k, v]) => `${k} ${(v / 1000).toFixed(2)} s`)
      .join(
        ', ',
      )}), ${again.keysRebuilt} keys rebuilt, ${again.documentsWritten} documents written, desk +${again.deskAdded} −${again.deskRemoved}`,
  );
  // Today's arrivals since the last compaction: deltas the reads must add to the month documents.
  const day = 24 * 3600_000;
  await storeItems(
    Array.from({ length: LIVE_ITEMS }, (_, i) => ({
      source: ['google', 'feedback', 'practo'][i % 3] as string,
      externalId: `live-${reviews}-${i}`,
      facility: ['City Hospital', 'North Clinic', null][i % 3] ?? null,
      // Praise: the deltas and folded documents are what these exercise; a negative would also join the open
      // backlog on the desk, and each suite's arrivals would grow the next suite's backlog.
      rating: 4 + (i % 2),
      text: 'thanks',
      postedAt: new Date(NOW.getTime() - (i % 40) * (day / 4)),
    })),
    ctx,
  );
  const deltas = await RollupDelta.estimatedDocumentCount();
  console.log(
    `  ${LIVE_ITEMS} items stored through the store: ${deltas} deltas waiting; ${await RollupDoc.estimatedDocumentCount()} month/totals documents`,
  );
  if (had.reviews === 0) await computeMetrics(ctx, '7d'); // warm-up once: connection pool, JIT
  const rows: Measured[] = [];
  for (const kind of ['30d', '90d'] as PeriodKind[]) {
    rows.push(await measure(`metrics ${kind}`, () => computeMetrics(ctx, kind)));
  }
  rows.push(await measure('metrics 30d North Clinic', () => computeMetrics(ctx, '30d', 'North Clinic')));
  rows.push(await measure('chart series (8 weeks)', () => weeklySeries(ctx, '2026-11-24', 8)));
  const before = await measure('before: 1 archive aggregate', () => archiveAggregate(ctx), 1);
  const check = [await sameAsRecomputed(ctx), await sameAsRecomputed(ctx, 'North Clinic')];
  const compact = await compactRollups(ctx, 'bench');
  rows.push(await measure('metrics 30d after compaction', () => computeMetrics(ctx, '30d')));
  check.push(await sameAsRecomputed(ctx));
  console.log(
    `  compaction of ${compact.deltas} deltas: ${compact.ms.toFixed(0)} ms, ${compact.documents} documents written`,
  );
  await lookups(reviews);
  return { rows, before, check };
}

/**
 * Why readers fetch MONTH documents by `_id`: 60 string-`_id` lookups (one per day of a 30-day report and its
 * previous period, had the roll-ups one document per day) against 3 (the months) and one scan of every roll-up
 * document; and one ObjectId `_id` lookup on the archive (an index search since scripts/ferretdb/build.sh's patch).
 */
async function lookups(reviews: number): Promise<void> {
  const days = Array.from({ length: 60 }, (_, i) => `day:2026-${String(1 + (i % 12)).padStart(2, '0')}-${i}`);
  const sixty = await measure('60 _id lookups', () => Promise.all(days.map((id) => fetchDoc(id))));
  const months = ['month:2026-09', 'month:2026-10', 'month:2026-11'];
  const three = await measure('3 month documents', () => Promise.all(months.map((id) => fetchDoc(id))));
  const scan = await measure('scan of rollup_docs', () => RollupDoc.find({}).lean());
  // The last review stored (a scan that stops at its first match would find an early one at once).
  const last = reviewIdFor('practo', `live-${reviews}-${LIVE_ITEMS - 1}`);
  const objectId = await measure('one ObjectId lookup', () => Review.findById(last).lean(), 1);
  console.log(
    `  lookups: 60 string _ids in parallel ${sixty.ms.toFixed(1)} ms; the 3 month documents of a 30-day report ${three.ms.toFixed(1)} ms; one scan of every roll-up document ${scan.ms.toFixed(1)} ms; one ObjectId _id lookup on the archive ${objectId.ms.toFixed(1)} ms (through the _id index: scripts/ferretdb/build.sh)`,
  );
}

let uri = '';

async function main(): Promise<void> {
  const started = performance.now();
  let ferret: RunningFerretdb | undefined;
  let dir: string | undefined;
  let kind = 'MongoDB at MONGODB_URI';
  if (process.env.MONGODB_URI) {
    uri = process.env.MONGODB_URI;
  } else {
    const bin = await ensureFerretdbBinary(logger);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smx-bench-metrics-'));
    ferret = await startFerretdb(bin, dir, logger);
    uri = ferret.uri;
    kind = 'embedded FerretDB v1.24.2 (SQLite)';
  }
  const suffix = Date.now().toString(36);
  console.log(
    `bench:metrics on ${kind}, ${os.cpus().length} CPU(s), one timed run per figure set, archive layout ${LAYOUT} (SMX_BENCH_LAYOUT; see bench/seed.ts)`,
  );
  try {
    await mongoose.connect(uri, { ...CONNECT_OPTIONS, dbName: `smx_bench_${suffix}`, monitorCommands: true });
    mongoose.connection.getClient().on('commandStarted', () => {
      commands++;
    });
    await initModels();
    console.log('1k reviews:');
    const base = await suite({ reviews: 0, posts: 0 }, 1_000, 50);
    console.log('100k reviews:');
    const full = await suite({ reviews: 1_000, posts: 50 }, 100_000, 5_000);
    await mongoose.connection.dropDatabase();
    console.log('');
    console.log(
      `${'figure set (median)'.padEnd(30)} ${'1k reviews'.padStart(11)} ${'100k reviews'.padStart(13)} ${'ratio'.padStart(6)} ${'round trips'.padStart(12)}`,
    );
    for (const [i, f] of [...full.rows, full.before].entries()) {
      const b = (i < full.rows.length ? base.rows[i] : base.before) as Measured;
      console.log(
        `${f.label.padEnd(30)} ${`${b.ms.toFixed(1)} ms`.padStart(11)} ${`${f.ms.toFixed(1)} ms`.padStart(13)} ${`${(f.ms / b.ms).toFixed(2)}×`.padStart(6)} ${String(f.trips).padStart(12)}`,
      );
    }
    console.log(
      '\nbefore (landed main, issue 14): metrics 30d 3.5 s at 10k and 36 s at 100k reviews, 90d 48 s, chart series 12.6 s.',
    );
    console.log(`figures at 100k vs a full recomputation over the archive (30d): ${full.check[0]}`);
    console.log(`  North Clinic: ${full.check[1]}`);
    console.log(`  after compaction: ${full.check[2]}`);
    console.log(`figures at 1k: ${base.check.join('; ')}`);
    console.log(
      `\ntotal ${((performance.now() - started) / 1000).toFixed(1)} s; load average now ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} (other work on the machine slows FerretDB scans)`,
    );
  } finally {
    await mongoose.disconnect();
    await ferret?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
