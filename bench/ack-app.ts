/**
 * One app of bench:ack in a process of its own (forked by bench/ack.ts): `smx` or `bare`. Each app has its own heap,
 * so a garbage collection in a round is that app's own — in one shared process, the GC that one app's garbage made
 * due landed in whichever round ran next, and a single 30–80 ms full GC is a round's p99 on its own.
 *
 * Messages from the parent: `start` (reset the counters, start the CPU profile), `stop` (answer with the figures),
 * `exit`. To the parent: `ready` with the app's URL, then one `stats` per `stop`.
 */
import fs from 'node:fs';
import type { Server } from 'node:http';
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  constants,
  type IntervalHistogram,
  monitorEventLoopDelay,
  type PerformanceEntry,
  PerformanceObserver,
} from 'node:perf_hooks';

export type AppKind = 'smx' | 'bare';

/** What one load cost inside the app's process. */
export interface AppStats {
  gcMs: number;
  /** Of which full (mark-compact) collections, and the longest single pause. */
  majorGcMs: number;
  worstGcMs: number;
  loopP99Ms: number;
  /** CPU time of the app's process (user + system), answers on response_url included. */
  cpuMs: number;
  /** CPU time of the embedded FerretDB process, when it is measurable. */
  dbCpuMs: number | undefined;
}

export type ToApp = { type: 'start'; profile?: string } | { type: 'stop' } | { type: 'exit' };
export type FromApp =
  | { type: 'ready'; url: string }
  | { type: 'stats'; stats: AppStats }
  | { type: 'exited'; logLines?: number };

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

/** CPU time (ms) a process has used so far, from /proc (Linux); undefined elsewhere. */
function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th, in 1/100 s.
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

interface Running {
  url: string;
  dbCpuMs: () => number | undefined;
  stop: () => Promise<{ logLines?: number }>;
}

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (bench/ack.ts sets it)`);
  return v;
};

/**
 * bare Bolt: Bolt's HTTPReceiver with its defaults (signature verification on), one `/smx` listener that acks and
 * then respond()s with the same help message smx sends (rendered once); no guard, no database, no logging of its own.
 * It loads undici as smx does (which makes undici's agent the global one fetch uses), so both post their answers
 * through the same HTTP client.
 */
async function bare(): Promise<Running> {
  require('undici');
  const { App, HTTPReceiver } = require('@slack/bolt') as typeof import('@slack/bolt');
  const answer = JSON.parse(env('BENCH_HELP')) as Record<string, unknown>;
  const receiver = new HTTPReceiver({
    signingSecret: env('BENCH_SIGNING_SECRET'),
    processBeforeResponse: false,
  });
  const app = new App({
    token: env('BENCH_BOT_TOKEN'),
    receiver,
    clientOptions: { slackApiUrl: env('BENCH_SLACK_API_URL'), retryConfig: { retries: 0 } },
  });
  app.command('/smx', async ({ ack, respond }) => {
    await ack();
    await respond({ response_type: 'ephemeral', ...answer });
  });
  const server = (await receiver.start(0)) as Server;
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    dbCpuMs: () => undefined,
    stop: async () => {
      await app.stop();
      return {};
    },
  };
}

/**
 * smx: the whole app as `npm start` builds it — the request guard, the seen-request claim in the embedded FerretDB
 * (or MONGODB_URI), every listener registered, pino logging JSON at info (to a file here, synchronously like stdout).
 */
async function smx(): Promise<Running> {
  const pino = require('pino') as typeof import('pino');
  const { createSmxApp } = require('../src/app') as typeof import('../src/app');
  const { loadConfig } = require('../src/config') as typeof import('../src/config');
  const { connectUri } = require('../src/db') as typeof import('../src/db');
  const { ensureFerretdbBinary, startFerretdb } =
    require('../src/db/ferretdb') as typeof import('../src/db/ferretdb');
  const { createLogger } = require('../src/logger') as typeof import('../src/logger');
  const { newOwnerId } = require('../src/services/claims') as typeof import('../src/services/claims');

  const cfg = loadConfig({
    SLACK_BOT_TOKEN: env('BENCH_BOT_TOKEN'),
    SLACK_SIGNING_SECRET: env('BENCH_SIGNING_SECRET'),
    SLACK_API_URL: env('BENCH_SLACK_API_URL'),
    PORT: '0',
    // The embedded FerretDB as `npm start` runs it, unless set (SMX_FERRETDB_NICE=0 to compare).
    SMX_FERRETDB_NICE: process.env.SMX_FERRETDB_NICE,
  });
  if (!cfg.ok) throw new Error(cfg.problems.join('; '));
  let stopDb = async () => {};
  let dbPid: number | undefined;
  let db: import('../src/db').Database;
  const uri = process.env.MONGODB_URI;
  if (uri) {
    db = await connectUri(uri, 'mongodb', 'MONGODB_URI', 'smx_bench_ack');
  } else {
    const logger = pino({ level: 'warn' });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smx-bench-'));
    const server = await startFerretdb(await ensureFerretdbBinary(logger), dir, logger, {
      goEnv: cfg.config.ferretdbGoEnv,
      nice: cfg.config.ferretdbNice,
    });
    db = await connectUri(server.uri, 'ferretdb', dir, 'smx_bench_ack');
    dbPid = server.pid;
    stopDb = async () => {
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    };
  }
  const logFile = path.join(os.tmpdir(), `smx-bench-ack-${process.pid}.log`);
  const logDest = pino.destination({ dest: logFile, sync: true });
  const app = createSmxApp(
    {
      config: cfg.config,
      logger: createLogger(cfg.config, logDest),
      db,
      now: () => new Date(),
      instanceId: newOwnerId(),
    },
    { slackRetries: 0 },
  );
  const { port } = await app.start();
  return {
    url: `http://127.0.0.1:${port}`,
    dbCpuMs: () => processCpuMs(dbPid),
    stop: async () => {
      await app.stop();
      logDest.flushSync();
      const logLines = fs.readFileSync(logFile, 'utf8').split('\n').filter(Boolean).length;
      fs.rmSync(logFile, { force: true });
      await db.close();
      await stopDb();
      return { logLines };
    },
  };
}

/** A CPU profile of one load, written to `file` (open it in Chrome DevTools). */
async function startProfile(file: string | undefined): Promise<() => Promise<void>> {
  if (!file) return async () => {};
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  };
}

async function main(): Promise<void> {
  const kind = process.argv[2] as AppKind;
  const running = kind === 'smx' ? await smx() : await bare();
  const send = (m: FromApp) => process.send?.(m);
  let loop: IntervalHistogram | undefined;
  let before = { gcMs: 0, majorGcMs: 0, cpu: process.cpuUsage(), db: undefined as number | undefined };
  let stopProfile = async () => {};
  process.on('message', (m: ToApp) => {
    void (async () => {
      if (m.type === 'start') {
        loop = monitorEventLoopDelay({ resolution: 5 });
        loop.enable();
        stopProfile = await startProfile(m.profile);
        worstGcMs = 0;
        before = { gcMs, majorGcMs, cpu: process.cpuUsage(), db: running.dbCpuMs() };
        send({ type: 'stats', stats: emptyStats() });
      } else if (m.type === 'stop') {
        const cpu = process.cpuUsage(before.cpu);
        const dbAfter = running.dbCpuMs();
        loop?.disable();
        await stopProfile();
        send({
          type: 'stats',
          stats: {
            gcMs: gcMs - before.gcMs,
            majorGcMs: majorGcMs - before.majorGcMs,
            worstGcMs,
            loopP99Ms: (loop?.percentile(99) ?? 0) / 1e6,
            cpuMs: (cpu.user + cpu.system) / 1000,
            dbCpuMs: before.db !== undefined && dbAfter !== undefined ? dbAfter - before.db : undefined,
          },
        });
      } else {
        const { logLines } = await running.stop();
        send({ type: 'exited', ...(logLines === undefined ? {} : { logLines }) });
        process.disconnect();
      }
    })();
  });
  send({ type: 'ready', url: running.url });
}

const emptyStats = (): AppStats => ({
  gcMs: 0,
  majorGcMs: 0,
  worstGcMs: 0,
  loopP99Ms: 0,
  cpuMs: 0,
  dbCpuMs: undefined,
});

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
