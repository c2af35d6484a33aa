/**
 * Connects mongoose to MONGODB_URI or, when unset, to the embedded database of the data dir (embedded.ts): a real
 * mongod (mongodb-memory-server) where its binary can be had, else FerretDB on SQLite; one server per data dir,
 * supervised by the process that owns the dir.
 */
import mongoose from 'mongoose';
import { allModels } from '../../models';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { type EmbeddedKind, EmbeddedNode, reconnect } from './embedded';

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
    // mongoose starts each model's init() when the model is compiled, and keeps its first outcome. A first connect
    // that needed another try (connectAtStart) can leave it failed ("Cannot read properties of undefined (reading
    // 'createCollection')", seen on a loaded host) although the database is up now. createIndexes() below does the
    // same work again (the collection and every index) and fails loudly if anything is really wrong.
    await model.init().catch(() => undefined);
    await model.createIndexes();
  }
}

/**
 * The first connect gets a few tries: on a loaded host a server that has just started can miss the 2.5 s server
 * selection window, which is kept short for later commands so they fail fast while the database is down.
 */
async function connectAtStart(uri: string, options: mongoose.ConnectOptions, tries = 4): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await mongoose.connect(uri, options);
      return;
    } catch (err) {
      const selection = err instanceof Error && err.name === 'MongooseServerSelectionError';
      if (!selection || attempt >= tries) throw err;
      await mongoose.disconnect().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }
}

export async function connectUri(
  uri: string,
  kind: DatabaseKind,
  location: string,
  dbName?: string,
  onClose?: () => Promise<void>,
): Promise<Database> {
  await connectAtStart(uri, { ...CONNECT_OPTIONS, ...(dbName ? { dbName } : {}) });
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

export async function connectDatabase(config: Config, logger: Logger): Promise<Database> {
  if (config.mongodbUri) {
    const host = redactUri(config.mongodbUri);
    const db = await connectUri(config.mongodbUri, 'mongodb', host);
    logger.info({ database: db.kind, location: db.location }, 'database: MongoDB at MONGODB_URI');
    return db;
  }
  return connectEmbedded(config, logger);
}

const LABEL: Record<EmbeddedKind, string> = {
  ferretdb: 'embedded FerretDB (SQLite)',
  'mongodb-memory-server': 'embedded MongoDB',
};

/** The embedded database of SMX_DATA_DIR: owned (started and supervised here) or joined (run by another process). */
async function connectEmbedded(config: Config, logger: Logger): Promise<Database> {
  const node = new EmbeddedNode(config, logger);
  const uri = await node.begin();
  const options = { ...CONNECT_OPTIONS, dbName: 'smx' };
  try {
    await mongoose.connect(uri, options);
    await initModels();
  } catch (err) {
    await mongoose.disconnect().catch(() => undefined);
    await node.close();
    throw err;
  }
  node.watch({ onUri: (next) => reconnect(next, options) });
  logger.info(
    { database: node.kind, role: node.role, location: node.location, why: node.why },
    `database: ${LABEL[node.kind]}, data in ${node.location} — ${node.role === 'owner' ? 'started here' : 'shared'}, ${node.why}`,
  );
  const connection = mongoose.connection;
  return {
    get kind() {
      return node.kind;
    },
    get location() {
      return node.location;
    },
    connection,
    ping: (timeoutMs) => ping(connection, timeoutMs),
    close: async () => {
      await mongoose.disconnect();
      await node.close();
    },
  };
}

/** The URI without credentials, for logs. */
export function redactUri(uri: string): string {
  return uri.replace(/\/\/[^@/]*@/, '//[redacted]@').replace(/\?.*$/, '');
}
