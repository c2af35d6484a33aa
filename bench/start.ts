/**
 * bench:start — how long `node dist/src/main.js` takes from launch until /healthz answers 200, offline, with the
 * embedded database (SMX_EMBEDDED_DB=auto, no MONGODB_URI). The first start has no remembered answer about mongod
 * and probes for it (the 5–7 s download attempt where none can be had); later (warm) starts reuse the remembered
 * answer. Uses a temporary HOME (so the real cache is untouched) and data dir, a fake Slack, and the FerretDB binary
 * the tests build.
 *
 *   npm run bench:start            # 1 cold + 5 warm starts
 *   BENCH_STARTS=10 npm run bench:start
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import pino from 'pino';
import { ensureFerretdbBinary } from '../src/db/ferretdb';
import { FAKE_BOT_TOKEN, FakeSlack } from '../test/fakes/slack';

const WARM = Number(process.env.BENCH_STARTS ?? 5);
const ROOT = path.join(__dirname, '..');

/** CPU time (user + system) the process has used so far: on a loaded machine it says what wall time cannot. */
function cpuMs(pid: number | undefined): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // fields 14, 15: utime, stime in ticks (USER_HZ = 100)
  } catch {
    return Number.NaN;
  }
}

async function startOnce(
  env: NodeJS.ProcessEnv,
): Promise<{ ms: number; cpuMs: number; dbLine: string; stop: () => Promise<void> }> {
  const t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'src', 'main.js')], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let dbLine = '';
  const port = await new Promise<number>((resolve, reject) => {
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const e = JSON.parse(line) as { msg?: string; port?: number; mode?: string };
        if (e.msg?.startsWith('database:')) dbLine = e.msg;
        if (e.mode === 'http' && typeof e.port === 'number') resolve(e.port);
      } catch {
        /* not a log line */
      }
    });
    child.once('exit', (code) => reject(new Error(`smx exited with ${code}`)));
  });
  for (;;) {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
    if (res?.status === 200) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return {
    ms,
    cpuMs: cpuMs(child.pid),
    dbLine,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function main(): Promise<void> {
  process.stdout.write('building (tsc -p tsconfig.build.json)…\n');
  const build = spawnSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
  if (build.status !== 0) throw new Error('build failed');
  const bin = await ensureFerretdbBinary(pino({ level: 'warn' }));
  const slack = await new FakeSlack().start();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'smx-bench-start-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '',
    HOME: tmp,
    SLACK_BOT_TOKEN: FAKE_BOT_TOKEN,
    SLACK_SIGNING_SECRET: 'bench',
    SLACK_API_URL: slack.apiUrl,
    PORT: '0',
    SMX_BIND_ADDRESS: '127.0.0.1',
    SMX_DATA_DIR: path.join(tmp, 'data'),
    SMX_EMBEDDED_DB: 'auto',
    SMX_FERRETDB_BIN: bin,
  };
  try {
    const cold = await startOnce(env);
    await cold.stop();
    process.stdout.write(
      `cold start (mongod probed, answer remembered): ${cold.ms.toFixed(0)} ms\n  ${cold.dbLine}\n`,
    );
    const warm: number[] = [];
    const cpu: number[] = [];
    let line = '';
    for (let i = 0; i < WARM; i++) {
      const w = await startOnce(env);
      warm.push(w.ms);
      cpu.push(w.cpuMs);
      line = w.dbLine;
      await w.stop();
    }
    warm.sort((a, b) => a - b);
    cpu.sort((a, b) => a - b);
    process.stdout.write(
      `warm starts (${WARM}): median ${warm[Math.floor(WARM / 2)]?.toFixed(0)} ms, min ${warm[0]?.toFixed(0)} ms, max ${warm.at(-1)?.toFixed(0)} ms (goal ≤ 3000 ms); CPU median ${cpu[Math.floor(WARM / 2)]?.toFixed(0)} ms\n  ${line}\n`,
    );
  } finally {
    await slack.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:start failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
