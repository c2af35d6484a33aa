/**
 * The embedded FerretDB runs with Go runtime settings that leave the machine's other core to smx
 * (FERRETDB_GO_DEFAULTS), and an operator's own GOMAXPROCS / GOGC / GOMEMLIMIT win over them; and at a lower CPU
 * priority than smx (FERRETDB_NICE_DEFAULT, SMX_FERRETDB_NICE), every thread of it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { FERRETDB_GO_DEFAULTS, FERRETDB_NICE_DEFAULT, loadConfig } from '../../../src/config';
import { ensureFerretdbBinary, startFerretdb } from '../../../src/db/ferretdb';

const logger = pino({ level: 'silent' });
const base = { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: 'secret' };

function configWith(env: Record<string, string>) {
  const cfg = loadConfig({ ...base, ...env });
  if (!cfg.ok) throw new Error(cfg.problems.join('; '));
  return cfg.config;
}
const goEnv = (env: Record<string, string>) => configWith(env).ferretdbGoEnv;

/** The niceness of every thread of process `pid` (field 19 of /proc/pid/task/tid/stat), and its command name. */
function threadNiceness(pid: number): { comm: string; nice: number[] } {
  const nice = fs.readdirSync(`/proc/${pid}/task`).map((tid) => {
    const fields = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return Number(fields[16]);
  });
  return { comm: fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim(), nice };
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
    const server = await startFerretdb(await ensureFerretdbBinary(logger), dir, logger, { goEnv: settings });
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

  test('SMX_FERRETDB_NICE: 10 unless set, 0 to 19, anything else refused', () => {
    expect(configWith({}).ferretdbNice).toBe(FERRETDB_NICE_DEFAULT);
    expect(FERRETDB_NICE_DEFAULT).toBe(10);
    expect(configWith({ SMX_FERRETDB_NICE: '0' }).ferretdbNice).toBe(0);
    expect(configWith({ SMX_FERRETDB_NICE: '19' }).ferretdbNice).toBe(19);
    for (const bad of ['20', '-1', '5.5', 'low']) {
      const cfg = loadConfig({ ...base, SMX_FERRETDB_NICE: bad });
      expect(cfg.ok).toBe(false);
      if (!cfg.ok)
        expect(cfg.problems).toContain(
          'SMX_FERRETDB_NICE must be a whole number of steps of niceness (0: as smx) from 0 to 19, e.g. SMX_FERRETDB_NICE=10',
        );
    }
  });

  linux.each([
    ['the default', {}, FERRETDB_NICE_DEFAULT],
    ['SMX_FERRETDB_NICE=0', { SMX_FERRETDB_NICE: '0' }, 0],
    ['SMX_FERRETDB_NICE=15', { SMX_FERRETDB_NICE: '15' }, 15],
  ] as const)(
    '%s: every thread of the server runs at that niceness, under its own pid',
    async (_, env, want) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smx-ferretdb-nice-'));
      const own = threadNiceness(process.pid).nice[0] as number;
      const cfg = configWith(env);
      const server = await startFerretdb(await ensureFerretdbBinary(logger), dir, logger, {
        goEnv: cfg.ferretdbGoEnv,
        nice: cfg.ferretdbNice,
      });
      try {
        const { comm, nice } = threadNiceness(server.pid as number);
        // `nice` exec'd the server: the pid smx stops is FerretDB's own, not a wrapper's.
        expect(comm).toMatch(/ferretdb/);
        expect(nice.length).toBeGreaterThan(1);
        expect(nice).toEqual(nice.map(() => Math.min(19, own + want)));
      } finally {
        await server.stop();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
