/**
 * bench:ack — how fast smx acknowledges a signed `/smx help`, against a bare Bolt app doing the same job, in the
 * same process, same machine, same load, same Bolt version. Rounds alternate the two apps (and which goes first);
 * each prints requests/s, p50 and p99 of both and the ratios, then the medians over the rounds.
 *
 * bare Bolt: Bolt's HTTPReceiver with its defaults (signature verification on), one `/smx` listener that acks and
 * then respond()s with the same help message smx sends (rendered once); no guard, no database, no logging of its own.
 * smx: the whole app as `npm start` builds it — the request guard, the seen-request claim in the embedded FerretDB,
 * every listener registered, pino logging JSON at info (to a file here, synchronously like stdout).
 * Both answer on a fake response_url in this process; the load generator is this process too. Each round also prints
 * where a slow ack's time goes in this process: GC (all, full collections, the longest pause), the event loop's p99
 * delay, and CPU per request (answers on response_url included; the load generator and fake Slack are in both).
 * The fake's record of answers is counted and emptied after each load, so neither app's full GCs walk the other's.
 *
 *   npm run bench:ack                        # 5 rounds of 1000 requests per app, concurrency 16
 *   BENCH_ROUNDS=3 BENCH_REQUESTS=2000 BENCH_CONCURRENCY=32 npm run bench:ack
 *   BENCH_PROFILE=/tmp/ack-profiles npm run bench:ack     # CPU profiles of each app's rounds
 */
import fs from 'node:fs';
import type { Server } from 'node:http';
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  constants,
  monitorEventLoopDelay,
  type PerformanceEntry,
  PerformanceObserver,
} from 'node:perf_hooks';
import { App, HTTPReceiver } from '@slack/bolt';
import pino from 'pino';
import { renderHelp } from '../listeners/commands/smx/help';
import { createSmxApp } from '../src/app';
import { loadConfig } from '../src/config';
import { connectUri, type Database } from '../src/db';
import { ensureFerretdbBinary, startFerretdb } from '../src/db/ferretdb';
import { createLogger } from '../src/logger';
import { newOwnerId } from '../src/services/claims';
import { waitFor } from '../test/fakes/http';
import { FAKE_BOT_TOKEN, FakeSlack } from '../test/fakes/slack';
import { slackSignature, TEST_SIGNING_SECRET } from '../test/support/signing';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
/** Per app before the rounds: enough for both to be compiled hot (with 200 the first rounds ran up to 2x slower). */
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1000);
const boltVersion = (require('@slack/bolt/package.json') as { version: string }).version;

interface Result {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  /** Where a slow ack's time went, in this process: GC pauses (sum) and the event loop's worst delay. */
  gcMs: number;
  /** Of which full (mark-compact) collections, and the longest single pause. */
  majorGcMs: number;
  worstGcMs: number;
  loopP99Ms: number;
  /** CPU time of this process per request (user + system), the answers on response_url included. */
  cpuMsPerRequest: number;
  /** CPU time of the embedded FerretDB process per request (the seen-request inserts), when it is measurable. */
  dbCpuMsPerRequest: number | undefined;
  /** Every ack's latency, sorted. */
  latencies: number[];
}

let gcMs = 0;
let majorGcMs = 0;
let worstGcMs = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gcMs += e.duration;
    const kind = (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
    if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) majorGcMs += e.duration;
    worstGcMs = Math.max(worstGcMs, e.duration);
  }
}).observe({ entryTypes: ['gc'] });

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

let answered = 0;

async function load(name: string, url: string, slack: FakeSlack, count: number): Promise<Result> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const gcBefore = gcMs;
  const majorBefore = majorGcMs;
  worstGcMs = 0;
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const profile = await startProfile(name);
  const cpuBefore = process.cpuUsage();
  const dbCpuBefore = dbCpuMs();
  const started = performance.now();
  const worker = async () => {
    while (next < count) {
      next += 1;
      const r = slack.responseUrl();
      const body = new URLSearchParams({
        team_id: 'T0TEST',
        channel_id: 'C0BENCH',
        user_id: 'U0BENCH',
        command: '/smx',
        text: 'help',
        response_url: r.url,
        trigger_id: 't',
      }).toString();
      const t0 = performance.now();
      const res = await fetch(`${url}/slack/events`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...slackSignature(body) },
      });
      await res.arrayBuffer();
      latencies.push(performance.now() - t0);
      if (res.status !== 200) errors += 1;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  loop.disable();
  latencies.sort((a, b) => a - b);
  const result: Result = {
    name,
    rps: count / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1] ?? Number.NaN,
    errors,
    gcMs: gcMs - gcBefore,
    majorGcMs: majorGcMs - majorBefore,
    worstGcMs,
    loopP99Ms: loop.percentile(99) / 1e6,
    cpuMsPerRequest: 0,
    dbCpuMsPerRequest: undefined,
    latencies,
  };
  // Each round starts quiet: the answers still on their way to response_url (sent after the ack) arrive first.
  await waitFor('answers', () => (slack.responses.length >= count ? true : undefined), 60000);
  // Counted, then dropped: the fake keeps every answer's parsed body, and thousands of help messages kept alive
  // would make each full GC slower for whichever app happens to be running then.
  answered += slack.responses.splice(0).length;
  const cpu = process.cpuUsage(cpuBefore);
  result.cpuMsPerRequest = (cpu.user + cpu.system) / 1000 / count;
  const dbCpuAfter = dbCpuMs();
  if (dbCpuBefore !== undefined && dbCpuAfter !== undefined)
    result.dbCpuMsPerRequest = (dbCpuAfter - dbCpuBefore) / count;
  await profile.stop();
  return result;
}

async function bareBolt(
  slack: FakeSlack,
  answer: Record<string, unknown>,
): Promise<{ url: string; stop: () => Promise<void> }> {
  const receiver = new HTTPReceiver({ signingSecret: TEST_SIGNING_SECRET, processBeforeResponse: false });
  const app = new App({
    token: FAKE_BOT_TOKEN,
    receiver,
    clientOptions: { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } },
  });
  app.command('/smx', async ({ ack, respond }) => {
    await ack();
    await respond({ response_type: 'ephemeral', ...answer });
  });
  const server = (await receiver.start(0)) as Server;
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: async () => void (await app.stop()),
  };
}

/** CPU time (ms) a process has used so far, from /proc (Linux); undefined elsewhere. */
function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15, in 1/100 s.
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

let dbCpuMs: () => number | undefined = () => undefined;

async function database(): Promise<{ db: Database; stop: () => Promise<void> }> {
  const uri = process.env.MONGODB_URI;
  if (uri)
    return { db: await connectUri(uri, 'mongodb', 'MONGODB_URI', 'smx_bench_ack'), stop: async () => {} };
  const logger = pino({ level: 'warn' });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smx-bench-'));
  const server = await startFerretdb(await ensureFerretdbBinary(logger), dir, logger);
  const db = await connectUri(server.uri, 'ferretdb', dir, 'smx_bench_ack');
  dbCpuMs = () => processCpuMs(server.pid);
  return {
    db,
    stop: async () => {
      await db.close();
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * BENCH_PROFILE=dir: a CPU profile of every measured load, one file per app and round
 * (`dir/smx-3.cpuprofile`, `dir/bare-3.cpuprofile`; open them in Chrome DevTools), answers on response_url included.
 */
let profiling = false;
const profiled = new Map<string, number>();
async function startProfile(name: string): Promise<{ stop: () => Promise<void> }> {
  const dir = process.env.BENCH_PROFILE;
  if (!dir || !profiling) return { stop: async () => {} };
  fs.mkdirSync(dir, { recursive: true });
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return {
    stop: async () => {
      const { profile } = await session.post('Profiler.stop');
      const app = name === 'smx' ? 'smx' : 'bare';
      const n = (profiled.get(app) ?? 0) + 1;
      profiled.set(app, n);
      fs.writeFileSync(path.join(dir, `${app}-${n}.cpuprofile`), JSON.stringify(profile));
      session.disconnect();
    },
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const load1 = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

async function main(): Promise<void> {
  const slack = await new FakeSlack().start();
  const { db, stop: stopDb } = await database();
  const cfg = loadConfig({
    SLACK_BOT_TOKEN: FAKE_BOT_TOKEN,
    SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    PORT: '0',
  });
  if (!cfg.ok) throw new Error(cfg.problems.join('; '));
  const logFile = path.join(os.tmpdir(), `smx-bench-ack-${process.pid}.log`);
  const logDest = pino.destination({ dest: logFile, sync: true });
  const smx = createSmxApp(
    {
      config: cfg.config,
      logger: createLogger(cfg.config, logDest),
      db,
      now: () => new Date(),
      instanceId: newOwnerId(),
    },
    { slackRetries: 0 },
  );
  const { port } = await smx.start();
  const smxUrl = `http://127.0.0.1:${port}`;
  const bare = await bareBolt(slack, { ...renderHelp(cfg.config) });
  console.log(
    `bench:ack — ${ROUNDS} rounds × ${REQUESTS} signed /smx help per app, concurrency ${CONCURRENCY}, ${os.cpus().length} cores, Bolt ${boltVersion}, load average ${load1()}`,
  );

  // Warm both up, then alternate so neither gets a warmer machine.
  await load('warmup', smxUrl, slack, WARMUP);
  await load('warmup', bare.url, slack, WARMUP);
  profiling = true;
  const rounds: Array<{ base: Result; mine: Result }> = [];
  const header = `${'round'.padEnd(6)} ${'app'.padEnd(10)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'max ms'.padStart(8)} ${'non-200'.padStart(7)} ${'GC ms'.padStart(7)} ${'full GC'.padStart(7)} ${'worst GC'.padStart(8)} ${'loop p99'.padStart(8)} ${'CPU ms/req'.padStart(10)} ${'DB CPU'.padStart(6)}`;
  console.log(header);
  const row = (round: string, r: Result) =>
    `${round.padEnd(6)} ${r.name.padEnd(10)} ${r.rps.toFixed(0).padStart(8)} ${r.p50.toFixed(2).padStart(8)} ${r.p99.toFixed(2).padStart(8)} ${r.max.toFixed(0).padStart(8)} ${String(r.errors).padStart(7)} ${r.gcMs.toFixed(0).padStart(7)} ${r.majorGcMs.toFixed(0).padStart(7)} ${r.worstGcMs.toFixed(1).padStart(8)} ${r.loopP99Ms.toFixed(1).padStart(8)} ${r.cpuMsPerRequest.toFixed(3).padStart(10)} ${(r.dbCpuMsPerRequest?.toFixed(2) ?? '-').padStart(6)}`;
  const ratios = (base: Result, mine: Result) =>
    `smx/bare: throughput ${(mine.rps / base.rps).toFixed(2)}x, p50 ${(mine.p50 / base.p50).toFixed(2)}x, p99 ${(mine.p99 / base.p99).toFixed(2)}x`;
  for (let i = 0; i < ROUNDS; i++) {
    const bareFirst = i % 2 === 0;
    const first = bareFirst
      ? await load('bare Bolt', bare.url, slack, REQUESTS)
      : await load('smx', smxUrl, slack, REQUESTS);
    const second = bareFirst
      ? await load('smx', smxUrl, slack, REQUESTS)
      : await load('bare Bolt', bare.url, slack, REQUESTS);
    const base = bareFirst ? first : second;
    const mine = bareFirst ? second : first;
    rounds.push({ base, mine });
    console.log(row(String(i + 1), base));
    console.log(row('', mine));
    console.log(`${''.padEnd(6)} ${ratios(base, mine)}   (load ${load1()})`);
  }
  if (process.env.BENCH_PROFILE) console.log(`CPU profiles of every round: ${process.env.BENCH_PROFILE}/`);
  const med = (pick: (r: { base: Result; mine: Result }) => number) => median(rounds.map(pick)).toFixed(2);
  const pooled = (pick: (r: { base: Result; mine: Result }) => Result) =>
    rounds.flatMap((r) => pick(r).latencies).sort((a, b) => a - b);
  const [bareAll, smxAll] = [pooled((r) => r.base), pooled((r) => r.mine)];
  const cpu = (pick: (r: { base: Result; mine: Result }) => Result) =>
    median(rounds.map((r) => pick(r).cpuMsPerRequest)).toFixed(3);
  console.log(
    `all ${ROUNDS * REQUESTS} acks of each app pooled: p50 ${percentile(bareAll, 50).toFixed(2)} vs ${percentile(smxAll, 50).toFixed(2)} ms (${(percentile(smxAll, 50) / percentile(bareAll, 50)).toFixed(2)}x), p99 ${percentile(bareAll, 99).toFixed(2)} vs ${percentile(smxAll, 99).toFixed(2)} ms (${(percentile(smxAll, 99) / percentile(bareAll, 99)).toFixed(2)}x); CPU per request (median) bare Bolt ${cpu((r) => r.base)} ms, smx ${cpu((r) => r.mine)} ms`,
  );
  console.log(
    `median of ${ROUNDS} rounds, smx/bare: throughput ${med((r) => r.mine.rps / r.base.rps)}x, p50 ${med((r) => r.mine.p50 / r.base.p50)}x, p99 ${med((r) => r.mine.p99 / r.base.p99)}x (goal p99 ≤ 1.2x); bare Bolt p99 median ${med((r) => r.base.p99)} ms, smx ${med((r) => r.mine.p99)} ms`,
  );

  console.log(
    `answered on response_url: ${answered}/${2 * (WARMUP + ROUNDS * REQUESTS)}; heap used at the end ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MB`,
  );
  logDest.flushSync();
  const logLines = fs.readFileSync(logFile, 'utf8').split('\n').filter(Boolean).length;
  console.log(`smx wrote ${logLines} log lines at info; load average ${load1()}`);
  fs.rmSync(logFile, { force: true });

  await smx.stop();
  await bare.stop();
  await slack.close();
  await stopDb();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
