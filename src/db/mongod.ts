/**
 * Which embedded database to run, decided once: a real mongod (mongodb-memory-server) where its binary can be had,
 * else FerretDB. Where mongod cannot be had (no download host), the answer is cached with its reason and date, so
 * later starts go straight to FerretDB instead of spending seconds on a download that fails. SMX_EMBEDDED_DB
 * overrides the choice.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { EmbeddedKind } from './embedded';
import type { RunningServer } from './ferretdb';

interface Availability {
  available: boolean;
  reason: string;
  checkedAt: string;
}

/** A cached "no mongod here" is trusted this long, then probed again. */
const RECHECK_MS = 30 * 24 * 3600 * 1000;

export function availabilityFile(cacheRoot = path.join(os.homedir(), '.cache', 'smx')): string {
  return path.join(cacheRoot, 'mongod-availability.json');
}

function readAvailability(file: string): Availability | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Availability;
  } catch {
    return undefined;
  }
}

function writeAvailability(file: string, a: Availability): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(a, null, 2));
  } catch {
    /* a read-only home only costs the probe next time */
  }
}

/** The first line of an error, without a stack, short enough for a log line. */
function reasonOf(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return (msg.split('\n')[0] ?? '').slice(0, 200);
}

async function probeMongod(): Promise<string> {
  const { MongoBinary } = await import('mongodb-memory-server');
  // Finds (or downloads) the binary; where it cannot be downloaded this fails without printing a stack of its own.
  return MongoBinary.getPath();
}

export async function chooseEmbeddedKind(
  config: Config,
  logger: Logger,
  file = availabilityFile(),
): Promise<{ kind: EmbeddedKind; why: string }> {
  if (config.embeddedDb === 'ferretdb') return { kind: 'ferretdb', why: 'SMX_EMBEDDED_DB=ferretdb' };
  if (config.embeddedDb === 'mongod') {
    try {
      await probeMongod();
    } catch (err) {
      throw new Error(
        `SMX_EMBEDDED_DB=mongod but no mongod can be had here (${reasonOf(err)}); use SMX_EMBEDDED_DB=ferretdb or set MONGODB_URI`,
      );
    }
    return { kind: 'mongodb-memory-server', why: 'SMX_EMBEDDED_DB=mongod' };
  }
  const cached = readAvailability(file);
  if (cached && !cached.available && Date.now() - Date.parse(cached.checkedAt) < RECHECK_MS) {
    return {
      kind: 'ferretdb',
      why: `no mongod here (found on ${cached.checkedAt.slice(0, 10)}: ${cached.reason}; cached in ${file}, SMX_EMBEDDED_DB=mongod tries again)`,
    };
  }
  try {
    await probeMongod();
    writeAvailability(file, {
      available: true,
      reason: 'mongod binary found',
      checkedAt: new Date().toISOString(),
    });
    return { kind: 'mongodb-memory-server', why: 'a mongod binary is available' };
  } catch (err) {
    const reason = reasonOf(err);
    writeAvailability(file, { available: false, reason, checkedAt: new Date().toISOString() });
    logger.debug({ reason }, 'mongod cannot be had; remembered');
    return { kind: 'ferretdb', why: `no mongod here (${reason}; remembered in ${file})` };
  }
}

/** A real mongod via mongodb-memory-server, data kept in `dbPath`, on `address` (host:port) when given. */
export async function startMongod(dbPath: string, logger: Logger, address?: string): Promise<RunningServer> {
  const { MongoMemoryServer } = await import('mongodb-memory-server');
  fs.mkdirSync(dbPath, { recursive: true });
  const port = address ? Number(address.split(':').pop()) : undefined;
  const server = await MongoMemoryServer.create({
    instance: { dbPath, storageEngine: 'wiredTiger', ip: '127.0.0.1', ...(port ? { port } : {}) },
  });
  const info = server.instanceInfo;
  const bound = `127.0.0.1:${info?.port ?? port}`;
  logger.debug({ dbPath, address: bound }, 'mongodb-memory-server started');
  let stopping = false;
  return {
    uri: `mongodb://${bound}/?directConnection=true`,
    address: bound,
    pid: info?.instance.mongodProcess?.pid,
    onExit(cb) {
      info?.instance.once('instanceClosed' as never, (code: number | null) => {
        if (!stopping) cb(code, null);
      });
    },
    async stop() {
      stopping = true;
      await server.stop({ doCleanup: false });
    },
  };
}
