/**
 * Connects mongoose to MONGODB_URI or, when unset, to an embedded database that keeps its data under the data dir:
 * mongodb-memory-server (a real mongod) where its binary can be had, else FerretDB on SQLite.
 */
import fs from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import { allModels } from '../../models';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { ensureFerretdbBinary, startFerretdb } from './ferretdb';

export type DatabaseKind = 'mongodb' | 'mongodb-memory-server' | 'ferretdb';

export interface Database {
  kind: DatabaseKind;
  /** Where the data lives, for the start-up log line (a host for external servers, a folder for embedded ones). */
  location: string;
  connection: mongoose.Connection;
  /** True when the database answers within the timeout. Never throws. */
  ping(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

export const CONNECT_OPTIONS: mongoose.ConnectOptions = {
  // Fail fast instead of queueing: a command must answer "database down" within Slack's patience, not hang.
  serverSelectionTimeoutMS: 2500,
  bufferCommands: false,
  autoIndex: false,
};

async function ping(connection: mongoose.Connection, timeoutMs = 2000): Promise<boolean> {
  const db = connection.db;
  if (!db || connection.readyState !== mongoose.ConnectionStates.connected) {
    // The driver reconnects by itself; a ping still tells whether it has.
    if (!db) return false;
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const answer = db
      .admin()
      .ping()
      .then(() => true)
      .catch(() => false);
    return await Promise.race([answer, timeout]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/** Creates every collection's indexes and waits for them, so an unsupported index fails start-up loudly. */
export async function initModels(): Promise<void> {
  for (const model of allModels) {
    await model.init();
    await model.createIndexes();
  }
}

export async function connectUri(
  uri: string,
  kind: DatabaseKind,
  location: string,
  dbName?: string,
  onClose?: () => Promise<void>,
): Promise<Database> {
  await mongoose.connect(uri, { ...CONNECT_OPTIONS, ...(dbName ? { dbName } : {}) });
  await initModels();
  const connection = mongoose.connection;
  return {
    kind,
    location,
    connection,
    ping: (timeoutMs) => ping(connection, timeoutMs),
    close: async () => {
      await mongoose.disconnect();
      await onClose?.();
    },
  };
}

async function startMemoryServer(dataDir: string, logger: Logger) {
  const { MongoBinary, MongoMemoryServer } = await import('mongodb-memory-server');
  // Fetch (or find) the mongod binary first: where it cannot be downloaded this fails quietly and fast, whereas
  // MongoMemoryServer.create would also print a stack trace of its own.
  await MongoBinary.getPath();
  const dbPath = path.join(dataDir, 'mongodb');
  fs.mkdirSync(dbPath, { recursive: true });
  const server = await MongoMemoryServer.create({ instance: { dbPath, storageEngine: 'wiredTiger' } });
  logger.debug({ dbPath }, 'mongodb-memory-server started');
  return { uri: server.getUri(), dbPath, stop: async () => void (await server.stop({ doCleanup: false })) };
}

export async function connectDatabase(config: Config, logger: Logger): Promise<Database> {
  if (config.mongodbUri) {
    const host = redactUri(config.mongodbUri);
    const db = await connectUri(config.mongodbUri, 'mongodb', host);
    logger.info({ database: db.kind, location: db.location }, 'database: MongoDB at MONGODB_URI');
    return db;
  }

  // A running smx (or import) may already serve the embedded database: share it rather than start a second server
  // on the same files.
  const shared = await joinRunningEmbedded(config.dataDir, logger);
  if (shared) return shared;

  try {
    const mms = await startMemoryServer(config.dataDir, logger);
    const db = await connectUri(mms.uri, 'mongodb-memory-server', mms.dbPath, 'smx', async () => {
      forgetEmbedded(config.dataDir);
      await mms.stop();
    });
    announceEmbedded(config.dataDir, { kind: db.kind, uri: mms.uri, location: mms.dbPath });
    logger.info(
      { database: db.kind, location: db.location },
      `database: embedded MongoDB, data in ${mms.dbPath}`,
    );
    return db;
  } catch (err) {
    logger.warn(
      { err: (err as Error).message },
      'embedded MongoDB (mongodb-memory-server) is not available here; falling back to FerretDB',
    );
  }

  const dataPath = path.join(config.dataDir, 'ferretdb');
  const bin = await ensureFerretdbBinary(logger);
  const ferret = await startFerretdb(bin, dataPath, logger);
  const db = await connectUri(ferret.uri, 'ferretdb', dataPath, 'smx', async () => {
    forgetEmbedded(config.dataDir);
    await ferret.stop();
  });
  announceEmbedded(config.dataDir, { kind: db.kind, uri: ferret.uri, location: dataPath });
  logger.info(
    { database: db.kind, location: dataPath },
    `database: embedded FerretDB (SQLite), data in ${dataPath}`,
  );
  return db;
}

interface EmbeddedAnnouncement {
  kind: DatabaseKind;
  uri: string;
  location: string;
  pid?: number;
}

const announcementFile = (dataDir: string) => path.join(dataDir, 'embedded-server.json');

function announceEmbedded(dataDir: string, a: EmbeddedAnnouncement): void {
  fs.writeFileSync(announcementFile(dataDir), JSON.stringify({ ...a, pid: process.pid }));
}

function forgetEmbedded(dataDir: string): void {
  try {
    const a = JSON.parse(fs.readFileSync(announcementFile(dataDir), 'utf8')) as EmbeddedAnnouncement;
    if (a.pid === process.pid) fs.rmSync(announcementFile(dataDir), { force: true });
  } catch {
    /* nothing announced */
  }
}

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function joinRunningEmbedded(dataDir: string, logger: Logger): Promise<Database | undefined> {
  let a: EmbeddedAnnouncement;
  try {
    a = JSON.parse(fs.readFileSync(announcementFile(dataDir), 'utf8')) as EmbeddedAnnouncement;
  } catch {
    return undefined;
  }
  if (!alive(a.pid)) return undefined;
  try {
    const db = await connectUri(a.uri, a.kind, a.location, 'smx');
    logger.info(
      { database: db.kind, location: a.location, ownerPid: a.pid },
      `database: the embedded ${a.kind} already run by process ${a.pid}, data in ${a.location}`,
    );
    return db;
  } catch {
    return undefined;
  }
}

/** The URI without credentials, for logs. */
export function redactUri(uri: string): string {
  return uri.replace(/\/\/[^@/]*@/, '//[redacted]@').replace(/\?.*$/, '');
}
