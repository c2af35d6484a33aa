/**
 * bench:ack — how fast smx acknowledges a signed `/smx help`, against a bare Bolt app with one trivial command,
 * in the same process, same machine, same load. Prints requests/s, p50 and p99 for both and the ratios.
 *
 *   npm run bench:ack                 # 3000 requests per app at concurrency 16
 *   BENCH_REQUESTS=10000 BENCH_CONCURRENCY=32 npm run bench:ack
 */
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { App, HTTPReceiver } from '@slack/bolt';
import pino from 'pino';
import { createSmxApp } from '../src/app';
import { loadConfig } from '../src/config';
import { connectUri, type Database } from '../src/db';
import { ensureFerretdbBinary, startFerretdb } from '../src/db/ferretdb';
import { newOwnerId } from '../src/services/claims';
import { waitFor } from '../test/fakes/http';
import { FAKE_BOT_TOKEN, FakeSlack } from '../test/fakes/slack';
import { slackSignature, TEST_SIGNING_SECRET } from '../test/support/signing';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 3000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const WARMUP = 200;

interface Result {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function load(name: string, url: string, slack: FakeSlack, count: number): Promise<Result> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
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
  latencies.sort((a, b) => a - b);
  return {
    name,
    rps: count / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    errors,
  };
}

async function bareBolt(slack: FakeSlack): Promise<{ url: string; stop: () => Promise<void> }> {
  const receiver = new HTTPReceiver({ signingSecret: TEST_SIGNING_SECRET, processBeforeResponse: false });
  const app = new App({
    token: FAKE_BOT_TOKEN,
    receiver,
    clientOptions: { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } },
  });
  app.command('/smx', async ({ ack, respond }) => {
    await ack();
    await respond({ response_type: 'ephemeral', text: 'help' });
  });
  const server = (await receiver.start(0)) as Server;
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: async () => void (await app.stop()),
  };
}

async function database(): Promise<{ db: Database; stop: () => Promise<void> }> {
  const uri = process.env.MONGODB_URI;
  if (uri)
    return { db: await connectUri(uri, 'mongodb', 'MONGODB_URI', 'smx_bench_ack'), stop: async () => {} };
  const logger = pino({ level: 'warn' });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smx-bench-'));
  const server = await startFerretdb(await ensureFerretdbBinary(logger), dir, logger);
  const db = await connectUri(server.uri, 'ferretdb', dir, 'smx_bench_ack');
  return {
    db,
    stop: async () => {
      await db.close();
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

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
  const smx = createSmxApp(
    {
      config: cfg.config,
      logger: pino({ level: 'silent' }),
      db,
      now: () => new Date(),
      instanceId: newOwnerId(),
    },
    { slackRetries: 0 },
  );
  const { port } = await smx.start();
  const bare = await bareBolt(slack);

  // Warm both up, then alternate so neither gets a warmer machine.
  await load('warmup', `http://127.0.0.1:${port}`, slack, WARMUP);
  await load('warmup', bare.url, slack, WARMUP);
  const base1 = await load('bare Bolt', bare.url, slack, REQUESTS / 2);
  const smx1 = await load('smx', `http://127.0.0.1:${port}`, slack, REQUESTS / 2);
  const smx2 = await load('smx', `http://127.0.0.1:${port}`, slack, REQUESTS / 2);
  const base2 = await load('bare Bolt', bare.url, slack, REQUESTS / 2);
  const merge = (a: Result, b: Result): Result => ({
    name: a.name,
    rps: (a.rps + b.rps) / 2,
    p50: (a.p50 + b.p50) / 2,
    p99: Math.max(a.p99, b.p99),
    errors: a.errors + b.errors,
  });
  const base = merge(base1, base2);
  const mine = merge(smx1, smx2);

  const row = (r: Result) =>
    `${r.name.padEnd(10)} ${r.rps.toFixed(0).padStart(8)} ${r.p50.toFixed(2).padStart(8)} ${r.p99.toFixed(2).padStart(8)} ${String(r.errors).padStart(7)}`;
  console.log(
    `\nbench:ack — ${REQUESTS} signed /smx help per app, concurrency ${CONCURRENCY}, ${os.cpus().length} cores`,
  );
  console.log(
    `${'app'.padEnd(10)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'non-200'.padStart(7)}`,
  );
  console.log(row(base));
  console.log(row(mine));
  console.log(
    `ratio smx/bare: throughput ${(mine.rps / base.rps).toFixed(2)}x, p50 ${(mine.p50 / base.p50).toFixed(2)}x, p99 ${(mine.p99 / base.p99).toFixed(2)}x`,
  );

  // Let every answer reach the fake response_url before closing it (they are sent after the ack).
  const sent = 2 * WARMUP + 2 * REQUESTS;
  await waitFor('all answers', () => (slack.responses.length >= sent ? true : undefined), 60000);
  console.log(`answered on response_url: ${slack.responses.length}/${sent}`);

  await smx.stop();
  await bare.stop();
  await slack.close();
  await stopDb();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
