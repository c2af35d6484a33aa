/**
 * The embedded FerretDB runs with Go runtime settings that leave the machine's other core to smx (FERRETDB_GO_ENV),
 * and an operator's own GOMAXPROCS / GOGC / GOMEMLIMIT win over them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { ensureFerretdbBinary, FERRETDB_GO_ENV, ferretdbEnv, startFerretdb } from '../../../src/db/ferretdb';

const logger = pino({ level: 'silent' });

describe("the embedded FerretDB's Go runtime settings", () => {
  test('unset ones get the defaults; set ones are kept', () => {
    expect(ferretdbEnv({ PATH: '/bin' })).toEqual({ PATH: '/bin', ...FERRETDB_GO_ENV });
    expect(ferretdbEnv({ GOMAXPROCS: '4', GOGC: '' })).toEqual({
      GOMAXPROCS: '4',
      GOGC: FERRETDB_GO_ENV.GOGC,
      GOMEMLIMIT: FERRETDB_GO_ENV.GOMEMLIMIT,
    });
  });

  const linux = process.platform === 'linux' ? test : test.skip;
  linux('the running server has them in its environment', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smx-ferretdb-env-'));
    const server = await startFerretdb(await ensureFerretdbBinary(logger), dir, logger);
    try {
      const environ = fs.readFileSync(`/proc/${server.pid}/environ`, 'utf8').split('\0');
      for (const [k, v] of Object.entries(FERRETDB_GO_ENV)) {
        expect(environ).toContain(`${k}=${process.env[k] || v}`);
      }
    } finally {
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
