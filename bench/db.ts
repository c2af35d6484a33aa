/** The database a bench runs on: MONGODB_URI when set, else its own embedded FerretDB in a temp dir. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { ensureFerretdbBinary, startFerretdb } from '../src/db/ferretdb';

export interface BenchDatabase {
  uri: string;
  /** How the output names it, e.g. "embedded FerretDB v1.24.2 (SQLite)". */
  kind: string;
  stop(): Promise<void>;
}

export async function benchDatabase(name: string, logger: Logger): Promise<BenchDatabase> {
  const given = process.env.MONGODB_URI;
  if (given) return { uri: given, kind: 'MongoDB at MONGODB_URI', stop: async () => undefined };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `smx-bench-${name}-`));
  const ferret = await startFerretdb(await ensureFerretdbBinary(logger), dir, logger);
  return {
    uri: ferret.uri,
    kind: 'embedded FerretDB v1.24.2 (SQLite)',
    async stop() {
      await ferret.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
