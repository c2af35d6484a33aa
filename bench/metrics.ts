/**
 * `npm run bench:metrics`: /smx metrics over 100k reviews and 5k posts, with the time and the number of database
 * round trips per figure set (driver command monitoring), next to a same-process baseline over 10k reviews.
 * Starts its own FerretDB (SQLite, temp dir) unless MONGODB_URI is set.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import mongoose from 'mongoose';
import pino from 'pino';
import { AudienceSnapshot } from '../models/audience-snapshot';
import { Post } from '../models/post';
import { Publication } from '../models/publication';
import { Review } from '../models/review';
import { Visit } from '../models/visit';
import { loadConfig } from '../src/config';
import type { SmxContext } from '../src/context';
import { CONNECT_OPTIONS, initModels } from '../src/db';
import { ensureFerretdbBinary, type RunningFerretdb, startFerretdb } from '../src/db/ferretdb';
import { computeMetrics, type PeriodKind, weeklySeries } from '../src/services/metrics';
import { localDay, localWeek } from '../src/slack/time';

const TZ = 'Asia/Kolkata';
const NOW = new Date('2026-11-24T12:00:00Z');
const DAYS = 200;
const SOURCES = ['google', 'facebook', 'x', 'feedback', 'practo'];
const FACILITIES = [null, 'City Hospital', 'North Clinic'];
const BATCH = 5000;

const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' });
let commands = 0;

/** Deterministic pseudo-random numbers, so every run seeds the same data. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function insertBatches(model: mongoose.Model<never>, docs: () => Generator<Record<string, unknown>>) {
  let batch: Record<string, unknown>[] = [];
  for (const d of docs()) {
    batch.push(d);
    if (batch.length === BATCH) {
      await model.collection.insertMany(batch, { ordered: false });
      batch = [];
    }
  }
  if (batch.length > 0) await model.collection.insertMany(batch, { ordered: false });
}

async function seed(fromReview: number, reviews: number, fromPost: number, posts: number): Promise<void> {
  const rand = rng(reviews);
  const end = DateTime.fromJSDate(NOW, { zone: TZ });
  await insertBatches(Review as never, function* () {
    for (let i = fromReview; i < reviews; i++) {
      const ingestedAt = end.minus({ minutes: Math.floor(rand() * DAYS * 24 * 60) }).toJSDate();
      const negative = rand() < 0.2;
      const acted = negative && rand() < 0.8;
      const source = SOURCES[Math.floor(rand() * SOURCES.length)] as string;
      yield {
        source,
        externalId: `b${i}`,
        facility: FACILITIES[Math.floor(rand() * FACILITIES.length)] ?? null,
        rating:
          source === 'feedback' ? null : negative ? 1 + Math.floor(rand() * 2) : 3 + Math.floor(rand() * 3),
        text: 'benchmark review',
        authorName: null,
        postedAt: ingestedAt,
        ingestedAt,
        localDay: localDay(ingestedAt, TZ),
        localWeek: localWeek(ingestedAt, TZ),
        sentiment: negative ? 'negative' : 'positive',
        sentimentScore: negative ? -2 : 2,
        status: acted ? 'handled' : 'new',
        firstActionAt: acted ? new Date(ingestedAt.getTime() + rand() * 72 * 3600_000) : null,
      };
    }
  });
  await insertBatches(Post as never, function* () {
    for (let i = fromPost; i < posts; i++) {
      const submittedAt = end.minus({ minutes: Math.floor(rand() * DAYS * 24 * 60) }).toJSDate();
      const waiting = i % 50 === 0;
      yield {
        shortId: `B${i}`,
        text: 'benchmark post',
        targets: ['facebook', 'x'],
        scheduledAt: submittedAt,
        status: waiting ? 'pending_approval' : 'published',
        authorId: 'U0AUTHOR',
        submittedAt,
        approvedAt: waiting ? null : new Date(submittedAt.getTime() + rand() * 24 * 3600_000),
      };
    }
  });
  await insertBatches(Publication as never, function* () {
    for (let i = fromPost; i < posts; i++) {
      const publishedAt = end.minus({ minutes: Math.floor(rand() * DAYS * 24 * 60) }).toJSDate();
      yield {
        postId: `B${i}`,
        target: i % 3 === 0 ? 'facebook' : 'x',
        externalId: `e${i}`,
        publishedAt,
        localDay: localDay(publishedAt, TZ),
        localWeek: localWeek(publishedAt, TZ),
      };
    }
  });
  if (fromReview > 0) return;
  const months = new Set<string>();
  for (let d = 0; d <= DAYS + 120; d++) months.add(end.minus({ days: d }).toFormat('yyyy-MM'));
  await Visit.collection.insertMany(
    [...months].map((month) => ({
      _id: `${month}|` as never,
      month,
      facility: '',
      count: 20000,
      updatedBy: 'bench',
      updatedAt: NOW,
    })),
  );
  await AudienceSnapshot.collection.insertMany(
    Array.from({ length: DAYS }, (_, d) => {
      const day = end.minus({ days: d }).toISODate() as string;
      return {
        _id: `facebook:${day}` as never,
        target: 'facebook',
        day,
        likes: 5000 - d,
        followers: 6000 - d,
        takenAt: NOW,
      };
    }),
  );
}

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

/** One timed run: on FerretDB each figure set costs whole-collection scans, so repeats would only add minutes. */
async function measure(label: string, fn: () => Promise<unknown>): Promise<Measured> {
  const c0 = commands;
  const t0 = performance.now();
  await fn();
  return { label, ms: performance.now() - t0, trips: commands - c0 };
}

/** Grows the database to `reviews`/`posts` (from what the previous suite left), then times each figure set. */
async function suite(
  had: { reviews: number; posts: number },
  reviews: number,
  posts: number,
): Promise<Measured[]> {
  const t0 = performance.now();
  await seed(had.reviews, reviews, had.posts, posts);
  console.log(
    `  seeded up to ${reviews.toLocaleString('en-GB')} reviews, ${posts.toLocaleString('en-GB')} posts and ${posts.toLocaleString('en-GB')} publications in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const ctx = context();
  if (had.reviews === 0) await computeMetrics(ctx, '7d'); // warm-up once: connection pool, JIT
  const out: Measured[] = [];
  for (const kind of ['30d', '90d'] as PeriodKind[]) {
    out.push(await measure(`metrics ${kind}`, () => computeMetrics(ctx, kind)));
  }
  out.push(await measure('metrics 30d North Clinic', () => computeMetrics(ctx, '30d', 'North Clinic')));
  out.push(await measure('chart series (8 weeks)', () => weeklySeries(ctx, '2026-11-24', 8)));
  return out;
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
  console.log(`bench:metrics on ${kind}, ${os.cpus().length} CPU(s), one timed run per figure set`);
  try {
    await mongoose.connect(uri, { ...CONNECT_OPTIONS, dbName: `smx_bench_${suffix}`, monitorCommands: true });
    mongoose.connection.getClient().on('commandStarted', () => {
      commands++;
    });
    await initModels();
    console.log('baseline:');
    const base = await suite({ reviews: 0, posts: 0 }, 10_000, 500);
    console.log('full:');
    const full = await suite({ reviews: 10_000, posts: 500 }, 100_000, 5_000);
    await mongoose.connection.dropDatabase();
    console.log('');
    console.log(
      `${'figure set'.padEnd(26)} ${'10k reviews'.padStart(12)} ${'100k reviews'.padStart(13)} ${'ratio'.padStart(6)} ${'round trips'.padStart(12)}`,
    );
    for (const [i, f] of full.entries()) {
      const b = base[i] as Measured;
      console.log(
        `${f.label.padEnd(26)} ${`${b.ms.toFixed(0)} ms`.padStart(12)} ${`${f.ms.toFixed(0)} ms`.padStart(13)} ${`${(f.ms / b.ms).toFixed(1)}×`.padStart(6)} ${String(f.trips).padStart(12)}`,
      );
    }
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
