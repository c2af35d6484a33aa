/**
 * One archive size of bench:commands in a process of its own (forked by bench/commands.ts): its own embedded FerretDB
 * (or its own database on MONGODB_URI), its own fake Slack, the real app, and the archive seeded and prepared here
 * before the first request — so the 100k archive's heap, garbage and database process are its own, as a hospital
 * with 100k reviews has, and the 1k size pays nothing for the 100k seeding or the other way round.
 *
 * argv: `<label> <reviews> <posts>`. The archive is seeded in two steps, the first 1k reviews / 50 posts and then the
 * rest (as the bench always did), so the newest 1k reviews and 50 posts are the same documents at every size
 * (bench/seed.ts). Then the same preparation at every size: the repair job builds the roll-ups, the posts working set
 * is built as a first start does, this morning's digest carries everything waiting, FRESH_ITEMS new items arrive;
 * then the garbage of all that is collected (--expose-gc) before `ready`.
 *
 * Messages from the parent: `time` (run one request once, answer with its time measured here, from sending it to the
 * last response_url answer, and the database commands it caused), `trace`, `exit`. To the parent: `ready` (the
 * preparation's figures and the requests this process can run), `timed`, `traced`, `failed`, `exited`.
 */
import mongoose from 'mongoose';
import pino from 'pino';
import { Claim } from '../models/claim';
import { ReviewDesk } from '../models/review-desk';
import { connectUri } from '../src/db';
import { signWebhook } from '../src/http/signed-webhook';
import { digestKey, runDigest } from '../src/services/digest';
import { backfillPostWorkingSet } from '../src/services/post-desk';
import { storeItems } from '../src/services/review-store';
import { repairRollups } from '../src/services/rollup-repair';
import { type DigestItem, reviewListMessage } from '../src/slack/blocks/digest';
import { REVIEW_ACTION_IDS } from '../src/slack/ids';
import { localDay } from '../src/slack/time';
import { FakeSlack } from '../test/fakes/slack';
import { startTestApp, type TestApp } from '../test/support/app';
import { benchDatabase } from './db';
import { NOW, RECENT_POSTS, RECENT_REVIEWS, seed, TZ } from './seed';

export type ToSize = { type: 'time'; request: string; key: string } | { type: 'trace' } | { type: 'exit' };
export type FromSize =
  | { type: 'ready'; kind: string; requests: string[]; prepared: string[] }
  | { type: 'timed'; ms: number; dbMs: number; trips: number }
  | { type: 'traced'; lines: string[] }
  | { type: 'failed'; message: string }
  | { type: 'exited' };

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
export const BUTTON = 'button: assign (follow-up)';
export const WEBHOOK = 'webhook: one signed item';

/** New items waiting for the digest at each size (the preview shows them). */
const FRESH_ITEMS = 20;
const SECRET = 'bench-webhook-secret';
const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' });

/** Database commands sent and the time from each one's start to its answer, summed (connected with monitorCommands). */
const monitor = { trips: 0, dbMs: 0 };

async function prepare(t: TestApp, label: string, reviews: number, posts: number): Promise<string[]> {
  const ctx = t.ctx;
  const t0 = performance.now();
  await seed(0, Math.min(reviews, RECENT_REVIEWS), 0, Math.min(posts, RECENT_POSTS));
  if (reviews > RECENT_REVIEWS) await seed(RECENT_REVIEWS, reviews, RECENT_POSTS, posts);
  const seeded = performance.now() - t0;
  const repair = await repairRollups(ctx, { marginMs: Number.NEGATIVE_INFINITY });
  // The seed inserts posts straight into the collection (bypassing the write hooks), like data from before the
  // posts working set: build it the way a first start does.
  await backfillPostWorkingSet(NOW);
  // A real day: this morning's digest has carried everything waiting (the repair put the last 30 days' new items
  // back in the inbox; the seed's daily volume grows 100-fold with the archive in the dense layout), then the same
  // few items arrive — so the digest preview's new items are the same at both sizes and only the archive grows.
  await Claim.deleteOne({ _id: digestKey('C0DIGEST', localDay(NOW, TZ)) });
  const d0 = performance.now();
  await runDigest(ctx, t.smx.app.client);
  const digestMs = performance.now() - d0;
  const fresh = await storeItems(
    Array.from({ length: FRESH_ITEMS }, (_, i) => ({
      source: 'feedback',
      externalId: `fresh-${i}`,
      rating: i % 3 === 0 ? 1 : 5,
      text: i % 3 === 0 ? 'The wait was long' : 'Kind staff',
      postedAt: new Date(NOW.getTime() - (i + 1) * 60_000),
    })),
    ctx,
  );
  // All of that ran in this process: its garbage is collected before any request is timed.
  (globalThis as { gc?: () => void }).gc?.();
  return [
    `${label}: seeded in ${(seeded / 1000).toFixed(1)} s, repair job ${(repair.ms / 1000).toFixed(1)} s, digest of everything waiting ${(digestMs / 1000).toFixed(1)} s; ${fresh.created} new items arrive`,
  ];
}

interface Request {
  /** Untimed, just before the request: what it needs read first. */
  before?: () => Promise<void>;
  /** Timed; `key` makes each run distinct where it has to be (webhook ids). */
  run: (key: string) => Promise<void>;
}

/** The requests this size can run, by label. */
function requests(t: TestApp): Map<string, Request> {
  const ok = (what: string, status: number) => {
    if (status !== 200) throw new Error(`${what} answered HTTP ${status}`);
  };
  const out = new Map<string, Request>();
  for (const [label, text] of COMMANDS) {
    out.set(label, { run: async () => ok(`/smx ${text}`, (await t.command(text)).status) });
  }
  // A click on "Assign to me" on a different open negative each time (an assigned one would take the refusal path);
  // the follow-up replaces the list. The clicked message is the `/smx reviews` list holding that item, as Slack sends
  // it back. The open negatives are read before the timer starts, again when all have been clicked (each webhook
  // item adds one).
  const clicked: string[] = [];
  let open: DigestItem[] = [];
  out.set(BUTTON, {
    before: async () => {
      if (open.length > 0) return;
      open = (await ReviewDesk.find({ sentiment: 'negative', status: 'new', _id: { $nin: clicked } })
        .sort({ _id: 1 })
        .lean()) as unknown as DigestItem[];
    },
    run: async () => {
      const item = open.shift();
      if (!item) throw new Error('no open negative left to click');
      clicked.push(String(item._id));
      const msg = reviewListMessage('Open reviews', [item], 0, { timezone: TZ, showNames: false }, '');
      const r = await t.action({
        actionId: REVIEW_ACTION_IDS.assign,
        value: String(item._id),
        user: 'U0BENCH',
        surface: 'ephemeral',
        message: { ts: '1.000', text: msg.text, blocks: msg.blocks },
        expect: 1,
      });
      ok('the Assign to me click', r.status);
    },
  });
  out.set(WEBHOOK, {
    run: async (key) => {
      const raw = JSON.stringify({ externalId: `bench-${key}`, text: 'The wait was long', rating: 2 });
      // Signed at the app's clock (the bench runs it at NOW).
      const ts = Math.floor(NOW.getTime() / 1000);
      const res = await t.post('/hooks/feedback', raw, {
        'content-type': 'application/json',
        'x-smx-timestamp': String(ts),
        'x-smx-signature': signWebhook(raw, SECRET, ts),
      });
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${await res.text()}`);
    },
  });
  return out;
}

/**
 * SMX_BENCH_TRACE=1: the queries each command sends that are not an exact `_id` lookup (a scan on FerretDB). The
 * button and the webhook are left out, as before: each of their runs changes what the next one finds.
 */
async function trace(t: TestApp): Promise<string[]> {
  const lines: string[] = [];
  const seen: string[] = [];
  mongoose.set('debug', (coll: string, method: string, query: unknown) => {
    const q = JSON.stringify(query ?? {});
    if (!/^\{"_id":("[^"]*"|\{"\$oid":"[^"]*"\})\}$/.test(q))
      seen.push(`${coll}.${method} ${q.slice(0, 160)}`);
  });
  try {
    for (const [label, text] of COMMANDS) {
      seen.length = 0;
      await t.command(text);
      lines.push(`  trace ${label}:\n    ${[...new Set(seen)].join('\n    ') || '(only _id lookups)'}`);
    }
  } finally {
    mongoose.set('debug', false);
  }
  return lines;
}

/** What main() started, stopped in reverse order on exit — also when the bench goes away first (Ctrl-C, a closed pipe). */
const cleanups: Array<() => Promise<unknown>> = [];
let stopped: Promise<void> | undefined;
function shutdown(): Promise<void> {
  stopped ??= (async () => {
    for (const stop of cleanups.reverse()) {
      await stop().catch((err: unknown) =>
        console.error(`cleanup: ${err instanceof Error ? err.message : String(err)}`),
      );
    }
  })();
  return stopped;
}
process.once('disconnect', () => {
  void shutdown().finally(() => process.exit(0));
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void shutdown().finally(() => process.exit(1));
  });
}

const withMonitoring = (uri: string) => `${uri}${uri.includes('?') ? '&' : '?'}monitorCommands=true`;

async function main(): Promise<void> {
  const [label = '?', reviewsArg, postsArg] = process.argv.slice(2);
  const send = (m: FromSize) => process.send?.(m);
  const bench = await benchDatabase(`commands-${label}`, logger);
  cleanups.push(() => bench.stop());
  const name = `smx_bench_cmd_${label}_${Date.now().toString(36)}`;
  const db = await connectUri(
    withMonitoring(bench.uri),
    process.env.MONGODB_URI ? 'mongodb' : 'ferretdb',
    name,
    name,
  );
  cleanups.push(
    () => db.close(),
    () => mongoose.connection.dropDatabase(),
  );
  // Timed here, not from the events' `duration` (whole milliseconds): most of these commands take well under one.
  const client = mongoose.connection.getClient();
  const started = new Map<number, number>();
  client.on('commandStarted', (e) => {
    monitor.trips += 1;
    started.set(e.requestId, performance.now());
  });
  const done = (e: { requestId: number }) => {
    const t0 = started.get(e.requestId);
    started.delete(e.requestId);
    if (t0 !== undefined) monitor.dbMs += performance.now() - t0;
  };
  client.on('commandSucceeded', done);
  client.on('commandFailed', done);
  const slack = await new FakeSlack().start();
  cleanups.push(() => slack.close());
  const t = await startTestApp({
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
  cleanups.push(() => t.stop());
  const prepared = await prepare(t, label, Number(reviewsArg), Number(postsArg));
  const runs = requests(t);
  process.on('message', (m: ToSize) => {
    void (async () => {
      try {
        if (m.type === 'time') {
          const request = runs.get(m.request);
          if (!request) throw new Error(`no request "${m.request}"`);
          await request.before?.();
          const trips0 = monitor.trips;
          const db0 = monitor.dbMs;
          const t0 = performance.now();
          await request.run(m.key);
          const ms = performance.now() - t0;
          send({ type: 'timed', ms, dbMs: monitor.dbMs - db0, trips: monitor.trips - trips0 });
          // The fake keeps every answer's parsed body; none is needed after its request.
          slack.responses.splice(0);
        } else if (m.type === 'trace') {
          send({ type: 'traced', lines: await trace(t) });
        } else {
          await shutdown();
          send({ type: 'exited' });
          process.disconnect();
        }
      } catch (err) {
        send({ type: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
      }
    })();
  });
  send({ type: 'ready', kind: bench.kind, requests: [...runs.keys()], prepared });
}

main().catch((err: unknown) => {
  // When shutting down already, an interrupted preparation's error is expected.
  if (!stopped) console.error(err);
  void shutdown().finally(() => process.exit(1));
});
