/**
 * Starts one database server for the whole run: MONGODB_URI when set, else the embedded FerretDB (built once and
 * cached). Each test file then works in its own database on it (see db.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { ensureFerretdbBinary, startFerretdb } from '../../src/db/ferretdb';

export default async function globalSetup(): Promise<void> {
  if (process.env.MONGODB_URI) {
    process.env.SMX_TEST_MONGODB_URI = process.env.MONGODB_URI;
    process.env.SMX_TEST_DB_KIND = 'mongodb';
    return;
  }
  const logger = pino({ level: 'info', base: { app: 'smx-test-setup' } });
  const bin = await ensureFerretdbBinary(logger);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smx-test-ferretdb-'));
  const server = await startFerretdb(bin, dir, logger);
  process.env.SMX_TEST_MONGODB_URI = server.uri;
  process.env.SMX_TEST_DB_KIND = 'ferretdb';
  process.env.SMX_TEST_FERRETDB_BIN = bin;
  (globalThis as Record<string, unknown>).__smxTestDb = { server, dir };
}
