/**
 * `npm run bench:digest` — the whole reviews digest job against 1 k, 10 k and 100 k stored (already digested) items
 * with 1 k new ones waiting in the digest inbox: time split into database time and smx's own time, database round
 * trips, the index each digest query uses; plus the bulk-ingest rate against one save() per item. Starts its own FerretDB (SQLite) in a temp dir
 * unless MONGODB_URI is set. Prints figures; asserts nothing about speed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WebClient } from '@slack/web-api';
import mongoose from 'mongoose';
import pino from 'pino';
import { Claim } from '../models/claim';
import { addToInbox, DigestInbox } from '../models/digest-inbox';
import { DigestLog } from '../models/digest-log';
import { Review } from '../models/review';
import { monthId, RollupDelta, RollupDoc } from '../models/rollup';
import { loadConfig } from '../src/config';
import type { SmxContext } from '../src/context';
import { CONNECT_OPTIONS, type Database, initModels } from '../src/db';
import { ensureFerretdbBinary, startFerretdb } from '../src/db/ferretdb';
import { digestTargets, loadDigestData, postDigest, scopeFilter } from '../src/services/digest';
import { reviewIdFor, storeItems } from '../src/services/review-store';
import { repairRollups } from '../src/services/rollup-repair';
import { buildDigestMessages } from '../src/slack/blocks/digest';
import { localDay, localWeek } from '../src/slack/time';

const TZ = 'Asia/Kolkata';
const NOW = new Date('2026-11-24T02:30:00Z');
const CHANNEL = 'CBENCH';
// SMX_BENCH_SIZES=1000,10000 runs fewer sizes (e.g. for a quick look).
const SIZES = (process.env.SMX_BENCH_SIZES ?? '1000,10000,100000').split(',').map(Number);
const NEW_ITEMS = 1_000;
// Above this archive size only the read side is measured (the whole job runs at every size by default: since the
// digest inbox it no longer updates the archive).
const FULL_MAX = Number(process.env.SMX_BENCH_FULL_MAX ?? Number.POSITIVE_INFINITY);
const INGEST_ITEMS = Number(process.env.SMX_BENCH_INGEST ?? 2_000);
// Upserts are far slower than inserts on FerretDB (60–200 ms each there), so fewer of them keep the run short;
// the rate per item is still comparable.
const UPSERT_ITEMS = Number(process.env.SMX_BENCH_UPSERTS ?? 100);
const SEED_BATCH = 5_000;
const DAY = 24 * 3600_000;

// ---- command monitor: round trips and database time ---------------------------------------------------------------
const monitor = { trips: 0, dbMs: 0, byCommand: new Map<string, number>() };
function resetMonitor() {
  monitor.trips = 0;
  monitor.dbMs = 0;
  monitor.byCommand.clear();
}

async function measure<T>(
  fn: () => Promise<T>,
): Promise<{ value: T; wallMs: number; dbMs: number; trips: number; commands: string }> {
  resetMonitor();
  const start = performance.now();
  const value = await fn();
  const wallMs = performance.now() - start;
  const commands = [...monitor.byCommand.entries()].map(([k, n]) => `${k}×${n}`).join(' ');
  return { value, wallMs, dbMs: monitor.dbMs, trips: monitor.trips, commands };
}

// ---- data -----------------------------------------------------------------------------------------------------------
let serial = 0;
function doc(ingestedAt: Date) {
  serial += 1;
  const rating = (serial % 5) + 1;
  const sentiment = rating <= 2 ? 'negative' : rating === 3 ? 'neutral' : 'positive';
  const source = ['google', 'facebook', 'x', 'feedback'][serial % 4] as string;
  const externalId = `bench-${serial}`;
  return {
    _id: reviewIdFor(source, externalId),
    source,
    externalId,
    facility: serial % 3 === 0 ? 'North Clinic' : 'City Hospital',
    rating,
    text: `Bench review ${serial}: ${'the staff were kind and the wait was long '.repeat(1 + (serial % 4))}`,
    authorName: `Patient ${serial}`,
    url: `https://example.com/r/${serial}`,
    postedAt: new Date(ingestedAt.getTime() - 3600_000),
    ingestedAt,
    localDay: localDay(ingestedAt, TZ),
    localWeek: localWeek(ingestedAt, TZ),
    sentiment,
    sentimentScore: rating - 3,
    sourceUpdatedAt: null,
    status: 'new',
  };
}

async function seedArchive(count: number) {
  for (let done = 0; done < count; done += SEED_BATCH) {
    const n = Math.min(SEED_BATCH, count - done);
    // Spread over the year before the new items.
    // Already digested: reviews only, no inbox documents.
    const batch = Array.from({ length: n }, () => {
      const d = doc(new Date(NOW.getTime() - 2 * DAY - Math.random() * 365 * DAY));
      // Digested and dealt with: a negative of the past year has been handled, so it is off the review desk.
      return d.sentiment === 'negative'
        ? { ...d, status: 'handled', firstActionAt: new Date(d.ingestedAt.getTime() + 3 * 3600_000) }
        : d;
    });
    await Review.collection.insertMany(batch, { ordered: false });
  }
}

// ---- explain: which index serves a query --------------------------------------------------------------------------
function findKeys(v: unknown, keys: string[], out: Map<string, unknown[]>) {
  if (Array.isArray(v)) for (const x of v) findKeys(x, keys, out);
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (keys.includes(k)) out.set(k, [...(out.get(k) ?? []), x]);
      findKeys(x, keys, out);
    }
  }
}

function describePlan(plan: unknown): string {
  const out = new Map<string, unknown[]>();
  findKeys(plan, ['indexName', 'filterPushdown', 'sortPushdown', 'limitPushdown', 'stage'], out);
  const parts: string[] = [];
  if (out.has('indexName')) parts.push(`index ${[...new Set(out.get('indexName'))].join(', ')}`);
  for (const k of ['filterPushdown', 'sortPushdown'])
    if (out.has(k)) parts.push(`${k}=${String(out.get(k)?.[0])}`);
  if (parts.length === 0 && out.has('stage'))
    parts.push(`stages ${[...new Set(out.get('stage'))].slice(0, 4).join('>')}`);
  return parts.join(', ') || 'no plan details returned';
}

async function explainAll(target: ReturnType<typeof digestTargets>[number]) {
  const rows: Array<[string, string, string]> = [];
  const tryExplain = async (name: string, designed: string, fn: () => Promise<unknown>) => {
    try {
      rows.push([name, designed, describePlan(await fn())]);
    } catch (err) {
      rows.push([name, designed, `explain failed: ${(err as Error).message.slice(0, 80)}`]);
    }
  };
  await tryExplain('inbox: new items {facility} sort ingestedAt', 'facility_1_ingestedAt_1', () =>
    DigestInbox.find(scopeFilter(target)).sort({ ingestedAt: 1 }).explain('queryPlanner'),
  );
  await tryExplain('roll-ups: the month document {_id: month:2026-11}', '_id_', () =>
    RollupDoc.find({ _id: monthId('2026-11-16') }).explain('queryPlanner'),
  );
  await tryExplain('roll-ups: deltas not folded yet (small)', 'none (a small collection)', () =>
    RollupDelta.find({}).explain('queryPlanner'),
  );
  await tryExplain('previous digest claim {_id: digest:C:<day>} × 14', '_id_', () =>
    Claim.find({ _id: `digest:${CHANNEL}:2026-11-23` }).explain('queryPlanner'),
  );
  await tryExplain('inbox: done {_id: {$in: ids}} (deleteMany)', '_id_', () =>
    DigestInbox.find({ _id: { $in: [new mongoose.Types.ObjectId()] } }).explain('queryPlanner'),
  );
  return rows;
}

// ---- main -------------------------------------------------------------------------------------------------------------
function pad(s: string | number, n: number, right = false) {
  const str = String(s);
  return right ? str.padEnd(n) : str.padStart(n);
}

async function main() {
  const started = performance.now();
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' });
  let uri = process.env.MONGODB_URI;
  let kind: 'mongodb' | 'ferretdb' = 'mongodb';
  let stopDb: (() => Promise<void>) | undefined;
  let tmp: string | undefined;
  if (!uri) {
    const bin = await ensureFerretdbBinary(logger);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'smx-bench-ferretdb-'));
    const server = await startFerretdb(bin, tmp, logger);
    uri = server.uri;
    kind = 'ferretdb';
    stopDb = server.stop;
  }
  const dbName = `smx_bench_${process.pid}`;
  await mongoose.connect(uri, { ...CONNECT_OPTIONS, dbName, monitorCommands: true });
  const client = mongoose.connection.getClient();
  const startedAt = new Map<number, string>();
  client.on('commandStarted', (e) => {
    startedAt.set(e.requestId, e.commandName);
    monitor.trips += 1;
    monitor.byCommand.set(e.commandName, (monitor.byCommand.get(e.commandName) ?? 0) + 1);
  });
  const done = (e: { duration: number }) => {
    monitor.dbMs += e.duration;
  };
  client.on('commandSucceeded', done);
  client.on('commandFailed', done);
  await initModels();
  await Review.deleteMany({});
  await Claim.deleteMany({});
  await DigestInbox.deleteMany({});
  await DigestLog.deleteMany({});

  const result = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: 'bench',
    SMX_TIMEZONE: TZ,
    SMX_DIGEST_CHANNEL: CHANNEL,
  });
  if (!result.ok) throw new Error(result.problems.join('; '));
  const ctx: SmxContext = {
    config: result.config,
    logger: pino({ level: 'silent' }),
    db: { kind, location: 'bench', connection: mongoose.connection } as unknown as Database,
    now: () => NOW,
    instanceId: 'bench',
  };
  // Slack is stubbed to answer at once: the figures are database + smx only.
  let ts = 1;
  const slack = {
    chat: { postMessage: async () => ({ ok: true, ts: `${1_700_000_000 + ts++}.000100` }) },
  } as unknown as WebClient;
  const target = digestTargets(ctx.config)[0] as ReturnType<typeof digestTargets>[number];

  console.log(
    `smx digest benchmark — database: ${kind === 'ferretdb' ? 'FerretDB v1.24.2 (SQLite), embedded' : 'MongoDB at MONGODB_URI'}; ${os.cpus().length} CPU cores`,
  );
  console.log(
    'Slack calls are stubbed; "db ms" is the sum of the driver-reported durations of every database command.\n',
  );

  // Ingest rate first, into an empty collection: on FerretDB every upsert re-reads the collection.
  console.log('  ingest: one save() per item, bulk upserts, bulk inserts…');
  const ingestRows = await ingestBench();

  const rows: string[] = [];
  const dbTimes: Array<{ size: number; read: number; job: number | null }> = [];
  for (const size of SIZES) {
    // The archive: every stored, already digested item (the previous round's new items included).
    const seedStart = performance.now();
    const waiting = await DigestInbox.countDocuments({});
    const stored = (await Review.countDocuments({})) - waiting;
    await seedArchive(Math.max(0, size - stored));
    // Seeded straight into the archive, as data from before the roll-ups: the repair job builds them (and the desk),
    // so the digest's 7-day rating window reads real month documents.
    await repairRollups(ctx, { marginMs: Number.NEGATIVE_INFINITY, restoreInbox: false });
    // New items: ingested during the day before the digest, stored as storeItems stores them (inbox, then review).
    if (waiting === 0) {
      const fresh = Array.from({ length: NEW_ITEMS }, () =>
        doc(new Date(NOW.getTime() - Math.random() * DAY)),
      );
      await addToInbox(fresh);
      await Review.collection.insertMany(fresh, { ordered: false });
    }
    await Claim.deleteMany({});
    const seedMs = performance.now() - seedStart;

    // Read side: what the digest loads (new items, 7-day ratings, previous digest) and the pure build.
    const read = await measure(() => loadDigestData(ctx, target, NOW));
    const buildStart = performance.now();
    const messages = buildDigestMessages(read.value);
    const buildMs = performance.now() - buildStart;
    if (read.value.items.length !== NEW_ITEMS)
      throw new Error(`expected ${NEW_ITEMS} new items, got ${read.value.items.length}`);

    // The whole job (claim, load, build, post with Slack stubbed, mark 1 k items, note) where it fits the run time.
    let jobCols = '   (skipped: see note)';
    let jobNote = '';
    if (size <= FULL_MAX) {
      const job = await measure(() => postDigest(ctx, slack, target));
      const outcome = job.value;
      if (outcome.status !== 'posted' || outcome.items !== NEW_ITEMS) {
        throw new Error(`benchmark digest did not include all new items: ${JSON.stringify(outcome)}`);
      }
      if ((await DigestInbox.countDocuments({})) !== 0) throw new Error('items left in the digest inbox');
      const logged = (await DigestLog.find({ ts: outcome.ts }).lean()).flatMap((l) => l.reviewIds);
      if (new Set(logged).size !== NEW_ITEMS) throw new Error(`digest log holds ${logged.length} items`);
      jobCols = [
        pad(job.wallMs.toFixed(0), 8),
        pad(job.dbMs.toFixed(0), 7),
        pad((job.wallMs - job.dbMs).toFixed(0), 6),
        pad(job.trips, 5),
        `  ${job.commands}`,
      ].join(' ');
      jobNote = `; whole job ${(job.wallMs / 1000).toFixed(1)} s`;
      dbTimes.push({ size, read: read.dbMs, job: job.dbMs });
    } else {
      jobCols = `   (skipped: SMX_BENCH_FULL_MAX=${FULL_MAX})`;
      dbTimes.push({ size, read: read.dbMs, job: null });
    }
    rows.push(
      [
        pad(size.toLocaleString('en'), 8),
        pad(NEW_ITEMS, 5),
        pad(read.wallMs.toFixed(0), 7),
        pad(read.dbMs.toFixed(0), 7),
        pad((read.wallMs - read.dbMs).toFixed(0), 6),
        pad(buildMs.toFixed(0), 5),
        pad(read.trips, 5),
        pad(messages.length, 4),
        ' |',
        jobCols,
      ].join(' '),
    );
    console.log(
      `  archive ${size.toLocaleString('en')}: seeded in ${(seedMs / 1000).toFixed(1)} s; read side ${(read.wallMs / 1000).toFixed(1)} s${jobNote}`,
    );
  }

  console.log('\nDigest of 1,000 new items (one channel), by archive size; times in ms');
  console.log(
    '          new  ------ read side + build ------  Slack | ------ whole job run (Slack stubbed) ------',
  );
  console.log(
    ' archive items    wall      db    smx build trips  msgs |  wall ms   db ms    smx trips  database commands',
  );
  for (const r of rows) console.log(r);
  const first = dbTimes[0];
  const last = dbTimes[dbTimes.length - 1];
  if (first && last && last !== first) {
    const job = first.job && last.job ? `, whole job ${(last.job / first.job).toFixed(2)}×` : '';
    console.log(
      `database time at ${last.size.toLocaleString('en')} stored against ${first.size.toLocaleString('en')} (goal ≤ 1.5×): read side ${(last.read / first.read).toFixed(2)}×${job}; load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
  }
  console.log('\nBulk-ingest rate');
  for (const r of ingestRows) console.log(r);

  console.log('\nIndexes of the digest queries (designed for MongoDB; explain() output of this database):');
  for (const [name, designed, plan] of await explainAll(target)) {
    console.log(`  ${pad(name, 52, true)} MongoDB index: ${pad(designed, 26, true)} here: ${plan}`);
  }
  if (kind === 'ferretdb') {
    console.log(
      [
        '',
        'Note: FerretDB v1 on SQLite filters most queries outside SQL (explain: filterPushdown=false): it reads and decodes',
        'every document of the collection it queries, except a plain {_id: x} lookup. The digest therefore reads and',
        'deletes only in the small digest inbox (new items, done items), reads its 7-day rating window from the roll-ups',
        '(month documents by _id plus the small deltas collection) and the previous digest by exact claim _ids, inserts',
        'its log, and updates no review. None of its reads is of the review archive, so its database time follows the new',
        "items and the roll-ups' size, not the archive. On MongoDB the inbox and claim queries use the indexes named above.",
      ].join('\n'),
    );
  }
  console.log(`\nTotal run time ${((performance.now() - started) / 1000).toFixed(1)} s`);

  await mongoose.connection.dropDatabase();
  await mongoose.disconnect();
  await stopDb?.();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
}

async function ingestBench(): Promise<string[]> {
  const make = () => doc(new Date(NOW.getTime() - DAY));
  // One save() per item.
  const single = Array.from({ length: INGEST_ITEMS }, make);
  const one = await measure(async () => {
    for (const d of single) await new Review(d).save();
  });
  // bulkWrite of upserts in batches of 500 (what the ingest job does: re-fetching stores nothing twice).
  const bulkDocs = Array.from({ length: UPSERT_ITEMS }, make);
  const bulk = await measure(async () => {
    for (let i = 0; i < bulkDocs.length; i += 500) {
      await Review.bulkWrite(
        bulkDocs.slice(i, i + 500).map(({ _id, ...d }) => ({
          updateOne: {
            filter: { source: d.source, externalId: d.externalId },
            update: { $setOnInsert: d },
            upsert: true,
          },
        })),
        { ordered: false },
      );
    }
  });
  // storeItems as ingest uses it: per batch of 500, a find of the stored ids + the inbox insert + the reviews insert.
  const incoming = Array.from({ length: INGEST_ITEMS }, (_, i) => ({
    source: 'bench-store',
    externalId: `store-${i}`,
    rating: (i % 5) + 1,
    text: `Stored through storeItems ${i}`,
    postedAt: new Date(NOW.getTime() - DAY),
  }));
  const store = await measure(() => storeItems(incoming, { now: () => NOW, config: { timezone: TZ } }));
  if (store.value.created !== INGEST_ITEMS) throw new Error(`storeItems created ${store.value.created}`);
  const insertDocs = Array.from({ length: INGEST_ITEMS }, make);
  const inserts = await measure(async () => {
    for (let i = 0; i < insertDocs.length; i += 500) {
      await Review.bulkWrite(
        insertDocs.slice(i, i + 500).map((d) => ({ insertOne: { document: d } })),
        { ordered: false },
      );
    }
  });
  // Start the digest rounds from an empty collection (dropping is one command; deleting is a write per item).
  await Review.collection.drop();
  await Review.createIndexes();
  await DigestInbox.collection.drop();
  await DigestInbox.createIndexes();
  const line = (label: string, items: number, m: { wallMs: number; trips: number }) =>
    `  ${pad(label, 52, true)} ${pad(items, 5)} items ${pad((items / (m.wallMs / 1000)).toFixed(0), 7)} items/s  ${pad(m.wallMs.toFixed(0), 6)} ms  ${pad(m.trips, 5)} round trips`;
  return [
    '  (into an empty collection)',
    line('one save() per item', INGEST_ITEMS, one),
    line('bulkWrite updateOne+upsert, batches of 500', UPSERT_ITEMS, bulk),
    line('bulkWrite insertOne, batches of 500', INGEST_ITEMS, inserts),
    line('storeItems (reviews + digest inbox), batches of 500', INGEST_ITEMS, store),
  ];
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
