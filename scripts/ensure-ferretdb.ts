/**
 * Builds the FerretDB binary the embedded database and the tests use, once per source change; later runs reuse the
 * cached binary (~/.cache/smx). Prints where it is. Used by .ci/run and handy after a fresh clone.
 */
import pino from 'pino';
import { ensureFerretdbBinary } from '../src/db/ferretdb';

ensureFerretdbBinary(pino({ base: { app: 'smx-setup' } }))
  .then((bin) => {
    process.stdout.write(`FerretDB ready: ${bin}\n`);
  })
  .catch((err: unknown) => {
    process.stderr.write(`could not build FerretDB: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
