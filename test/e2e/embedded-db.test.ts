/**
 * The embedded database as an operator runs it: real smx processes (src/main.ts) on one SMX_DATA_DIR, FerretDB
 * killed under them, the owner killed, `npx smx import` with and without a running smx. Every process started
 * here has its own temp data dir and free ports, and is killed at the end.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import mongoose from 'mongoose';
import { Claim } from '../../models/claim';
import { Review } from '../../models/review';
import { connectUri, type Database } from '../../src/db';
import { readAnnouncement } from '../../src/db/embedded';
import { readLock } from '../../src/db/lock';
import { FAKE_BOT_TOKEN, FakeSlack } from '../fakes/slack';
import { runSmx } from '../support/cli';

const ROOT = path.join(__dirname, '..', '..');
const MAIN = path.join(ROOT, 'src', 'main.ts');
const RECOVERY_LIMIT_MS = 30000;

interface Smx {
  child: ChildProcess;
  port: number;
  logs: Array<Record<string, unknown>>;
}

const started: ChildProcess[] = [];
let slack: FakeSlack;
let root: string;

function baseEnv(dataDir: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? os.homedir(),
    SMX_DATA_DIR: dataDir,
    SMX_EMBEDDED_DB: 'ferretdb',
    ...(process.env.SMX_TEST_FERRETDB_BIN ? { SMX_FERRETDB_BIN: process.env.SMX_TEST_FERRETDB_BIN } : {}),
    SMX_TIMEZONE: 'Asia/Kolkata',
  };
}

function startSmx(dataDir: string): Promise<Smx> {
  // `--import tsx` runs smx in this one process (tsx's CLI would start a second one), so its pid is smx's.
  const child = spawn(process.execPath, ['--import', require.resolve('tsx'), MAIN], {
    cwd: root,
    env: {
      ...baseEnv(dataDir),
      SLACK_BOT_TOKEN: FAKE_BOT_TOKEN,
      SLACK_SIGNING_SECRET: 'local',
      SLACK_API_URL: slack.apiUrl,
      PORT: '0',
      SMX_BIND_ADDRESS: '127.0.0.1',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`smx did not start within 60 s: ${stderr}`)), 60000);
    readline.createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      logs.push(entry);
      if (typeof entry.port === 'number' && entry.mode === 'http') {
        clearTimeout(timer);
        resolve({ child, port: entry.port, logs });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`smx exited with ${code}: ${stderr}`));
    });
  });
}

async function health(s: Smx): Promise<number> {
  try {
    return (await fetch(`http://127.0.0.1:${s.port}/healthz`, { signal: AbortSignal.timeout(5000) })).status;
  } catch {
    return 0;
  }
}

/** Polls until every process answers 200; resolves with how long it took. */
async function healthyWithin(limitMs: number, ...procs: Smx[]): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    const statuses = await Promise.all(procs.map(health));
    if (statuses.every((s) => s === 200)) return Date.now() - t0;
    if (Date.now() - t0 > limitMs) throw new Error(`not healthy after ${limitMs} ms: ${statuses.join(', ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** FerretDB processes serving `dataDir` (their command line names its ferretdb folder). */
function ferretdbProcesses(dataDir: string): number[] {
  const want = path.join(dataDir, 'ferretdb');
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (cmd.some((a) => a.includes('smx-ferretdb')) && cmd.includes(want)) pids.push(Number(entry));
    } catch {
      /* gone */
    }
  }
  return pids;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

const runImport = (args: string[], dataDir: string) =>
  runSmx(args, { cwd: root, env: baseEnv(dataDir), onSpawn: (c) => started.push(c) });

beforeAll(async () => {
  slack = await new FakeSlack().start();
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'smx-embedded-'));
  fs.writeFileSync(
    path.join(root, 'good.csv'),
    'external_id,rating,text\nE1,5,Kind nurses\nE2,1,Long wait\n',
  );
  fs.writeFileSync(path.join(root, 'headerless.csv'), 'A1,5,great\nA2,1,bad\n');
});

afterAll(async () => {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(started.map(exited));
  await slack.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('two smx on one data dir', () => {
  let dir: string;
  let a: Smx;
  let b: Smx;
  let db: Database;

  beforeAll(async () => {
    dir = path.join(root, 'shared');
    [a, b] = await Promise.all([startSmx(dir), startSmx(dir)]);
  });
  afterAll(async () => {
    if (mongoose.connection.readyState !== mongoose.ConnectionStates.disconnected) await db?.close();
  });

  test('started at once: one database, both healthy, one owner', async () => {
    await healthyWithin(RECOVERY_LIMIT_MS, a, b);
    expect(ferretdbProcesses(dir)).toHaveLength(1);
    const owner = readLock(dir)?.pid;
    expect([a.child.pid, b.child.pid]).toContain(owner);
    const announced = readAnnouncement(dir);
    expect(announced?.ownerPid).toBe(owner);
    expect(ferretdbProcesses(dir)).toEqual([announced?.serverPid]);
    // Each says in one line which database runs and why, without a stack.
    for (const s of [a, b]) {
      const line = s.logs.find((l) => String(l.msg).startsWith('database: embedded FerretDB'));
      expect(String(line?.msg)).toMatch(/data in .*ferretdb — (started here|shared), /);
      expect(JSON.stringify(s.logs)).not.toContain('"stack"');
    }
  });

  test('FerretDB killed under the owner and the joined process: both recover within 30 s, nothing lost', async () => {
    const announced = readAnnouncement(dir);
    db = await connectUri(announced?.uri as string, 'ferretdb', dir, 'smx');
    await Claim.create({ _id: 'before-kill', owner: 'test', claimedAt: new Date() });
    process.kill(announced?.serverPid as number, 'SIGKILL');
    const took = await healthyWithin(RECOVERY_LIMIT_MS, a, b);
    process.stdout.write(`embedded FerretDB killed: both smx healthy again after ${took} ms\n`);
    const owner = [a, b].find((s) => s.child.pid === readLock(dir)?.pid) as Smx;
    expect(owner.logs.some((l) => String(l.msg).includes('restarting it in'))).toBe(true);
    expect(ferretdbProcesses(dir)).toHaveLength(1);
    expect(await Claim.findById('before-kill').lean()).toMatchObject({ owner: 'test' });
    await Claim.create({ _id: 'after-kill', owner: 'test', claimedAt: new Date() });
  });

  test('npx smx import joins the running smx: 0 when it ran, 1 for unusable input, 2 for usage', async () => {
    const good = await runImport(['import', 'good.csv', '--source', 'mouthshut'], dir);
    expect(good).toMatchObject({ code: 0 });
    expect(good.stdout).toContain('2 inserted');
    expect(await Review.countDocuments({ source: 'mouthshut' })).toBe(2);
    expect((await runImport(['import', 'headerless.csv', '--source', 'other'], dir)).code).toBe(1);
    expect((await runImport(['import', 'good.csv'], dir)).code).toBe(2);
    expect(ferretdbProcesses(dir)).toHaveLength(1);
  });

  test('the owner killed: the joined process takes the database over within 30 s, nothing lost', async () => {
    const ownerPid = readLock(dir)?.pid;
    const uriBefore = readAnnouncement(dir)?.uri;
    const [owner, joined] = ownerPid === a.child.pid ? [a, b] : [b, a];
    const killedAt = Date.now();
    owner.child.kill('SIGKILL');
    await exited(owner.child);
    // Taken over means: the joined process holds the lock and has announced its own server; then it must answer 200.
    while (readLock(dir)?.pid !== joined.child.pid || readAnnouncement(dir)?.ownerPid !== joined.child.pid) {
      if (Date.now() - killedAt > RECOVERY_LIMIT_MS) throw new Error('the joined process did not take over');
      await new Promise((r) => setTimeout(r, 100));
    }
    await healthyWithin(RECOVERY_LIMIT_MS, joined);
    const took = Date.now() - killedAt;
    expect(took).toBeLessThan(RECOVERY_LIMIT_MS);
    process.stdout.write(`owner killed: the joined smx took over and was healthy after ${took} ms\n`);
    expect(joined.logs.some((l) => String(l.msg).includes('this process takes it over'))).toBe(true);
    const now = readAnnouncement(dir);
    expect(now?.ownerPid).toBe(joined.child.pid);
    if (now && now.uri !== uriBefore) {
      // It could not have the old port back: follow it, as the smx processes do.
      await db.close();
      db = await connectUri(now.uri, 'ferretdb', dir, 'smx');
    }
    expect(ferretdbProcesses(dir)).toHaveLength(1);
    expect(await Claim.findById('before-kill').lean()).toMatchObject({ owner: 'test' });
    expect(await Claim.findById('after-kill').lean()).toMatchObject({ owner: 'test' });
    expect(await Review.countDocuments({ source: 'mouthshut' })).toBe(2);
  });
});

describe('npx smx import without a running smx', () => {
  test('starts its own database each time and exits 1, 1, 0 as it should, leaving nothing running', async () => {
    const dir = path.join(root, 'alone');
    const codes: Array<number | null> = [];
    for (const args of [
      ['import', 'headerless.csv', '--source', 'other'],
      ['import', 'headerless.csv', '--source', 'other'],
      ['import', 'good.csv', '--source', 'practo'],
    ]) {
      codes.push((await runImport(args, dir)).code);
    }
    expect(codes).toEqual([1, 1, 0]);
    expect(ferretdbProcesses(dir)).toEqual([]);
    expect(readLock(dir)).toBeUndefined();
  });
});
