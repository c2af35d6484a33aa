/**
 * `npm run bench:commands`: every `/smx` subcommand, a button click's follow-up and one signed webhook item, driven
 * over HTTP against the real app (fake Slack), at 1k reviews / 50 posts and at 100k reviews / 5k posts in the same
 * run. Each figure is the median of REPEATS (9) requests, from sending the request to the last response_url answer.
 * Starts its own FerretDB (SQLite, temp dir) unless MONGODB_URI is set. Prints figures; asserts nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import pino from 'pino';
import { Claim } from '../models/claim';
import { ReviewDesk } from '../models/review-desk';
import { connectUri, type Database } from '../src/db';
import { ensureFerretdbBinary, type RunningFerretdb, startFerretdb } from '../src/db/ferretdb';
import { signWebhook } from '../src/http/signed-webhook';
import { digestKey, runDigest } from '../src/services/digest';
import { median } from '../src/services/metrics';
import { backfillPostWorkingSet } from '../src/services/post-desk';
import { storeItems } from '../src/services/review-store';
import { repairRollups } from '../src/services/rollup-repair';
import { type DigestItem, reviewListMessage } from '../src/slack/blocks/digest';
import { REVIEW_ACTION_IDS } from '../src/slack/ids';
import { localDay } from '../src/slack/time';
import { FakeSlack } from '../test/fakes/slack';
import { startTestApp, type TestApp } from '../test/support/app';
import { LAYOUT, NOW, seed, TZ } from './seed';

const REPEATS = Number(process.env.SMX_BENCH_REPEATS ?? 9);
const TRACE = process.env.SMX_BENCH_TRACE === '1';
/** New items waiting for the digest at each size (the preview shows them). */
const FRESH_ITEMS = 20;
const SECRET = 'bench-webhook-secret';
const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' });

/** `[label, text]` — every subcommand with typical arguments (a read-only form where one exists). */
const COMMANDS: Array<[string, string]> = [
  ['help', 'help'],
  ['metrics 30d', 'metrics 30d'],
  ['metrics this-month', 'metrics this-month'],
  ['reviews open', 'reviews open'],
  ['reviews negative', 'reviews negative North Clinic'],
  ['reviews all', 'reviews all'],
  ['sources', 'sources'],
  ['digest (preview)', 'digest'],
  ['queue', 'queue'],
  ['audit', 'audit B1'],
  ['goals', 'goals'],
  ['visits', 'visits'],
  ['status', 'status'],
  ['tags', 'tags'],
  ['canned', 'canned'],
  ['plan', 'plan'],
  ['videos', 'videos'],
  ['photos', 'photos'],
  ['cancel (unknown id)', 'cancel P9999'],
  ['reschedule (unknown id)', 'reschedule P9999 tomorrow 9am'],
];

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function run(t: TestApp, size: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const medianOf = async (label: string, fn: (i: number) => Promise<unknown>) => {
    const times: number[] = [];
    for (let i = 0; i < REPEATS; i++) times.push(await timed(() => fn(i)));
    out.set(label, median(times) as number);
  };
  // The seeding and the repair job ran in this process: their garbage is collected before the requests are timed
  // (`npm run bench:commands` passes --expose-gc), so neither size pays for it in its figures.
  (globalThis as { gc?: () => void }).gc?.();
  for (const [label, text] of COMMANDS) await medianOf(label, () => t.command(text));
  if (TRACE) {
    // SMX_BENCH_TRACE=1: which queries each request sends that are not an exact `_id` lookup (a scan on FerretDB).
    const seen: string[] = [];
    mongoose.set('debug', (coll: string, method: string, query: unknown) => {
      const q = JSON.stringify(query ?? {});
      if (!/^\{"_id":("[^"]*"|\{"\$oid":"[^"]*"\})\}$/.test(q))
        seen.push(`${coll}.${method} ${q.slice(0, 160)}`);
    });
    for (const [label, text] of COMMANDS) {
      seen.length = 0;
      await t.command(text);
      console.log(`  trace ${label}:\n    ${[...new Set(seen)].join('\n    ') || '(only _id lookups)'}`);
    }
    mongoose.set('debug', false);
  }
  // A click on "Assign to me" on a different open negative each time; the follow-up replaces the list.
  // The clicked message is the `/smx reviews` list holding that item, as Slack sends it back.
  const open = (await ReviewDesk.find({ sentiment: 'negative', status: 'new' })
    .limit(REPEATS)
    .lean()) as unknown as DigestItem[];
  if (open.length < REPEATS) throw new Error(`only ${open.length} open negatives on the desk`);
  await medianOf('button: assign (follow-up)', (i) => {
    const item = open[i] as DigestItem;
    const msg = reviewListMessage('Open reviews', [item], 0, { timezone: TZ, showNames: false }, '');
    return t.action({
      actionId: REVIEW_ACTION_IDS.assign,
      value: String(item._id),
      user: 'U0BENCH',
      surface: 'ephemeral',
      message: { ts: '1.000', text: msg.text, blocks: msg.blocks },
      expect: 1,
    });
  });
  await medianOf('webhook: one signed item', async (i) => {
    const raw = JSON.stringify({ externalId: `bench-${size}-${i}`, text: 'The wait was long', rating: 2 });
    // Signed at the app's clock (the bench runs it at NOW).
    const ts = Math.floor(NOW.getTime() / 1000);
    const res = await t.post('/hooks/feedback', raw, {
      'content-type': 'application/json',
      'x-smx-timestamp': String(ts),
      'x-smx-signature': signWebhook(raw, SECRET, ts),
    });
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${await res.text()}`);
  });
  return out;
}

async function main(): Promise<void> {
  let ferret: RunningFerretdb | undefined;
  let dir: string | undefined;
  let uri = process.env.MONGODB_URI;
  let kind = 'MongoDB at MONGODB_URI';
  if (!uri) {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smx-bench-commands-'));
    ferret = await startFerretdb(await ensureFerretdbBinary(logger), dir, logger);
    uri = ferret.uri;
    kind = 'embedded FerretDB v1.24.2 (SQLite)';
  }
  console.log(
    `bench:commands on ${kind}, ${os.cpus().length} CPU(s), median of ${REPEATS} per figure, archive layout ${LAYOUT} (SMX_BENCH_LAYOUT; see bench/seed.ts)`,
  );
  const name = `smx_bench_cmd_${Date.now().toString(36)}`;
  let db: Database | undefined;
  const slack = await new FakeSlack().start();
  let t: TestApp | undefined;
  try {
    db = await connectUri(uri, ferret ? 'ferretdb' : 'mongodb', name, name);
    t = await startTestApp({
      db,
      slack,
      now: () => NOW,
      env: {
        SMX_TIMEZONE: TZ,
        SMX_WEBHOOK_SECRET: SECRET,
        SMX_DIGEST_CHANNEL: 'C0DIGEST',
        FACEBOOK_PAGE_ID: 'page',
        FACEBOOK_PAGE_TOKEN: 'token',
      },
    });
    const ctx = t.ctx;
    // SMX_BENCH_BIG=10000 compares 1k with a smaller archive (a quick look while developing); posts scale with it.
    const bigSize = Number(process.env.SMX_BENCH_BIG ?? 100_000);
    const sizes: Array<[string, number, number]> = [
      ['1k', 1_000, 50],
      [`${bigSize / 1000}k`, bigSize, bigSize / 20],
    ];
    const results: Array<Map<string, number>> = [];
    let had = { reviews: 0, posts: 0 };
    for (const [label, reviews, posts] of sizes) {
      const t0 = performance.now();
      await seed(had.reviews, reviews, had.posts, posts);
      const repair = await repairRollups(ctx, { marginMs: Number.NEGATIVE_INFINITY });
      // The seed inserts posts straight into the collection (bypassing the write hooks), like data from before the
      // posts working set: build it the way a first start does.
      await backfillPostWorkingSet(NOW);
      // A real day: this morning's digest has carried everything waiting (the repair put the last 30 days' new items
      // back in the inbox; the seed's daily volume grows 100-fold with the archive), then the same few items
      // arrive — so the digest preview's new items are the same at both sizes and only the archive grows.
      await Claim.deleteOne({ _id: digestKey('C0DIGEST', localDay(NOW, TZ)) });
      const d0 = performance.now();
      await runDigest(ctx, t.smx.app.client);
      const fresh = await storeItems(
        Array.from({ length: FRESH_ITEMS }, (_, i) => ({
          source: 'feedback',
          externalId: `fresh-${label}-${i}`,
          rating: i % 3 === 0 ? 1 : 5,
          text: i % 3 === 0 ? 'The wait was long' : 'Kind staff',
          postedAt: new Date(NOW.getTime() - (i + 1) * 60_000),
        })),
        ctx,
      );
      console.log(
        `  ${label}: digest of everything waiting ${((performance.now() - d0) / 1000).toFixed(1)} s; ${fresh.created} new items arrive`,
      );
      console.log(
        `  ${label}: seeded in ${((performance.now() - t0 - repair.ms) / 1000).toFixed(1)} s, repair job ${(repair.ms / 1000).toFixed(1)} s`,
      );
      had = { reviews, posts };
      if (results.length === 0) await run(t, 'warmup');
      results.push(await run(t, label));
    }
    const [small, big] = results as [Map<string, number>, Map<string, number>];
    console.log(
      `\n${'request (median)'.padEnd(30)} ${'1k'.padStart(10)} ${sizes[1]?.[0].padStart(10)} ${'ratio'.padStart(7)}`,
    );
    let worst = 0;
    for (const [label, a] of small) {
      const b = big.get(label) as number;
      worst = Math.max(worst, b / a);
      console.log(
        `${label.padEnd(30)} ${`${a.toFixed(1)} ms`.padStart(10)} ${`${b.toFixed(1)} ms`.padStart(10)} ${`${(b / a).toFixed(2)}×`.padStart(7)}`,
      );
    }
    console.log(
      `\nworst ratio 100k/1k: ${worst.toFixed(2)}×; load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
    console.log(
      'before (landed main, issue 14, 54,492 reviews vs empty): webhook item 11.7 s (780×), reviews open 36.8 s (682×), digest preview 54.5 s (956×), sources 60 s (1,818×), metrics 30d 23 s.',
    );
    await mongoose.connection.dropDatabase();
  } finally {
    await t?.stop();
    await slack.close();
    await db?.close();
    await ferret?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
