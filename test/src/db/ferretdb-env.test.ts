/**
 * The embedded FerretDB runs with Go runtime settings that leave the machine's other core to smx
 * (FERRETDB_GO_DEFAULTS), and an operator's own GOMAXPROCS / GOGC / GOMEMLIMIT win over them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { FERRETDB_GO_DEFAULTS, loadConfig } from '../../../src/config';
import { ensureFerretdbBinary, startFerretdb } from '../../../src/db/ferretdb';

const logger = pino({ level: 'silent' });
const base = { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: 'secret' };

function goEnv(env: Record<string, string>) {
  const cfg = loadConfig({ ...base, ...env });
  if (!cfg.ok) throw new Error(cfg.problems.join('; '));
  return cfg.config.ferretdbGoEnv;
}

describe("the embedded FerretDB's Go runtime settings", () => {
  test('unset ones get the defaults; set ones are kept', () => {
    expect(goEnv({})).toEqual(FERRETDB_GO_DEFAULTS);
    expect(goEnv({ GOMAXPROCS: '4', GOMEMLIMIT: '1GiB' })).toEqual({
      GOMAXPROCS: '4',
      GOGC: FERRETDB_GO_DEFAULTS.GOGC,
      GOMEMLIMIT: '1GiB',
    });
  });

  const linux = process.platform === 'linux' ? test : test.skip;
  linux('the running server has them in its environment', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smx-ferretdb-env-'));
    const settings = goEnv({ GOGC: '300' });
    const server = await startFerretdb(await ensureFerretdbBinary(logger), dir, logger, undefined, settings);
    try {
      const environ = fs.readFileSync(`/proc/${server.pid}/environ`, 'utf8').split('\0');
      expect(environ).toEqual(
        expect.arrayContaining(['GOMAXPROCS=1', 'GOGC=300', `GOMEMLIMIT=${FERRETDB_GO_DEFAULTS.GOMEMLIMIT}`]),
      );
    } finally {
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
