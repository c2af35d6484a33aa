/**
 * FerretDB v1.24.2 with its SQLite backend: the embedded database where no mongod can be had. The binary is built
 * once from the Go module proxy (scripts/ferretdb/build.sh, which also makes lookups by `_id` use FerretDB's own
 * `_id` index — see there) into a cache outside the checkout and reused afterwards.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { FERRETDB_GO_DEFAULTS, FERRETDB_NICE_DEFAULT, inheritedEnv } from '../config';
import type { Logger } from '../logger';
import { projectRoot } from '../paths';

export const FERRETDB_VERSION = 'v1.24.2';

const SOURCE_FILES = ['main.go', 'go.mod', 'go.sum', 'build.sh'];

function sourceDir(): string {
  return path.join(projectRoot(), 'scripts', 'ferretdb');
}

/** Where the built binary lives: keyed by a hash of its sources, so a change rebuilds and nothing stale is used. */
export function ferretdbBinaryPath(cacheRoot = path.join(os.homedir(), '.cache', 'smx')): string {
  const hash = createHash('sha256');
  for (const f of SOURCE_FILES) hash.update(fs.readFileSync(path.join(sourceDir(), f)));
  return path.join(
    cacheRoot,
    `ferretdb-${FERRETDB_VERSION}-${hash.digest('hex').slice(0, 12)}`,
    'smx-ferretdb',
  );
}

function run(cmd: string, args: string[], cwd: string, logger: Logger, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const started = Date.now();
    const progress = setInterval(() => {
      logger.info({ seconds: Math.round((Date.now() - started) / 1000) }, `${what}: still working`);
    }, 15000);
    const onLine = (line: string) => {
      tail = `${tail}\n${line}`.slice(-4000);
      // `go build -v` names each package as it compiles: that is the progress a waiting person sees.
      logger.debug({ line }, what);
    };
    readline.createInterface({ input: child.stdout }).on('line', onLine);
    readline.createInterface({ input: child.stderr }).on('line', onLine);
    child.on('error', (err) => {
      clearInterval(progress);
      reject(err);
    });
    child.on('close', (code) => {
      clearInterval(progress);
      if (code === 0) resolve();
      else reject(new Error(`${what} failed (exit ${code}):${tail}`));
    });
  });
}

/** Builds the binary when the cache lacks it. Idempotent; concurrent callers end with the same file. */
export async function ensureFerretdbBinary(logger: Logger, binPath = ferretdbBinaryPath()): Promise<string> {
  if (fs.existsSync(binPath)) return binPath;
  logger.info(
    { binPath },
    `building FerretDB ${FERRETDB_VERSION} from the Go module proxy — first run only, this takes a few minutes`,
  );
  fs.mkdirSync(path.dirname(binPath), { recursive: true });
  const tmp = `${binPath}.${process.pid}.tmp`;
  try {
    await run('go', ['version'], sourceDir(), logger, 'finding Go'); // ENOENT when Go is missing
    await run('bash', [path.join(sourceDir(), 'build.sh'), tmp], sourceDir(), logger, 'building FerretDB');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(
        'the embedded database needs Go to build FerretDB once (https://go.dev/dl), or set MONGODB_URI to a MongoDB server',
      );
    }
    throw err;
  }
  fs.renameSync(tmp, binPath); // atomic: a parallel build simply replaces an identical file
  logger.info({ binPath }, 'FerretDB built');
  return binPath;
}

/** A database server process smx started: where it listens, and how to learn that it died. */
export interface RunningServer {
  uri: string;
  address: string;
  pid: number | undefined;
  /** Called once if the server exits without `stop()` having been called (it crashed or was killed). */
  onExit(cb: (code: number | null, signal: string | null) => void): void;
  stop(): Promise<void>;
}

export type RunningFerretdb = RunningServer;

/** How the embedded FerretDB runs: the config's `ferretdbGoEnv` and `ferretdbNice` unless given. */
export interface FerretdbOptions {
  /** Where to listen; a free loopback port unless given. */
  listenAddr?: string;
  /** Its Go runtime settings (FERRETDB_GO_DEFAULTS unless the operator set them). */
  goEnv?: Readonly<Record<string, string>>;
  /** Its niceness, 0–19 (FERRETDB_NICE_DEFAULT); 0 runs it at smx's own priority. */
  nice?: number;
}

/** POSIX `nice`, where it is installed (coreutils, busybox, macOS). */
const NICE_PATHS = ['/usr/bin/nice', '/bin/nice'];
function niceBinary(): string | undefined {
  if (process.platform === 'win32') return undefined;
  return NICE_PATHS.find((p) => {
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * The command line that starts `binPath` at niceness `nice`: through `nice`, which execs it, so it keeps the pid smx
 * signals and every thread of the Go runtime starts at that niceness (renicing after the start would miss the threads
 * already running). Without a `nice` to run, at smx's priority, and the log says so.
 */
function niced(binPath: string, args: string[], nice: number, logger: Logger): [string, string[]] {
  if (nice === 0) return [binPath, args];
  const nicePath = niceBinary();
  if (nicePath) return [nicePath, ['-n', String(nice), binPath, ...args]];
  logger.warn({ nice }, 'no nice command here: the embedded FerretDB runs at the same CPU priority as smx');
  return [binPath, args];
}

/** Starts FerretDB with its SQLite files in `dataDir` (FerretdbOptions: where it listens, how it runs). */
export async function startFerretdb(
  binPath: string,
  dataDir: string,
  logger: Logger,
  opts: FerretdbOptions = {},
): Promise<RunningServer> {
  const { listenAddr = '127.0.0.1:0', goEnv = FERRETDB_GO_DEFAULTS, nice = FERRETDB_NICE_DEFAULT } = opts;
  fs.mkdirSync(dataDir, { recursive: true });
  const args = ['--data-dir', dataDir, '--listen-addr', listenAddr, '--exit-with-stdin'];
  const [cmd, argv] = niced(binPath, args, nice, logger);
  const child: ChildProcess = spawn(cmd, argv, {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: inheritedEnv(goEnv),
  });
  const stderrLines: string[] = [];
  readline.createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (line) => {
    stderrLines.push(line);
    if (stderrLines.length > 50) stderrLines.shift();
    logger.debug({ line }, 'ferretdb');
  });
  let stopping = false;
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const address = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('FerretDB did not start within 30 s')), 30000);
    readline.createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      const m = /listening on (\S+)/.exec(line);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`FerretDB exited with code ${code}: ${stderrLines.join('\n')}`));
    });
  });
  child.unref();
  return {
    address,
    uri: `mongodb://${address}/?directConnection=true`,
    pid: child.pid,
    onExit(cb) {
      void exited.then(({ code, signal }) => {
        if (!stopping) cb(code, signal);
      });
    },
    stop: async () => {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      // The child was unref'd at start; waiting for its exit must keep the process alive, or a caller awaiting
      // stop() (jest's global teardown, the import CLI) ends with code 0 before the promise settles.
      child.ref();
      child.kill('SIGTERM');
      await exited;
    },
  };
}
