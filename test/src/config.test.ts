import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FIND_ID, loadConfig } from '../../src/config';

const base = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' };

function problems(env: Record<string, string>): string[] {
  const r = loadConfig(env);
  return r.ok ? [] : r.problems;
}

describe('config', () => {
  test('minimal Slack settings give HTTP mode on port 3000 with defaults', () => {
    const r = loadConfig(base);
    if (!r.ok) throw new Error(r.problems.join('\n'));
    expect(r.config.slack.socketMode).toBe(false);
    expect(r.config.port).toBe(3000);
    expect(r.config.timezone).toBe('UTC');
    expect(r.config.logLevel).toBe('info');
    expect(r.config.google).toBeUndefined();
    expect(r.config.twitter).toBeUndefined();
    expect(r.config.digest.cron).toBe('0 8 * * *');
    expect(r.config.digest.showNames).toBe(false);
  });

  test('the date order follows the time zone unless SMX_DATE_ORDER says otherwise', () => {
    const order = (env: Record<string, string>) => {
      const r = loadConfig({ ...base, ...env });
      return r.ok ? r.config.dateOrder : r.problems.join('\n');
    };
    expect(order({ SMX_TIMEZONE: 'Asia/Kolkata' })).toBe('dmy');
    expect(order({ SMX_TIMEZONE: 'Europe/London' })).toBe('dmy');
    expect(order({ SMX_TIMEZONE: 'Australia/Sydney' })).toBe('dmy');
    expect(order({ SMX_TIMEZONE: 'America/Chicago' })).toBe('mdy');
    expect(order({ SMX_TIMEZONE: 'America/Chicago', SMX_DATE_ORDER: 'DMY' })).toBe('dmy');
    expect(order({ SMX_DATE_ORDER: 'ymd' })).toMatch(/SMX_DATE_ORDER must be dmy/);
    const r = loadConfig(base);
    expect(r.ok && r.config.digest.backfillDays).toBe(7);
    expect(r.ok && r.config.facebook).toBeUndefined();
    expect(problems({ SMX_DIGEST_BACKFILL_DAYS: 'week' }).join('\n')).toMatch(
      /SMX_DIGEST_BACKFILL_DAYS must be/,
    );
  });

  test('every missing or invalid variable is reported at once, with how to fix it', () => {
    const list = problems({ SMX_TIMEZONE: 'Mars/Olympus', PORT: 'eighty', LOG_LEVEL: 'loud' });
    expect(list.join('\n')).toMatch(/SLACK_BOT_TOKEN is missing/);
    expect(list.join('\n')).toMatch(/SLACK_SIGNING_SECRET is missing/);
    expect(list.join('\n')).toMatch(/SMX_TIMEZONE must be an IANA time zone name, e\.g\./);
    expect(list.join('\n')).toMatch(/PORT must be a whole number/);
    expect(list.join('\n')).toMatch(/LOG_LEVEL must be one of/);
    expect(list).toHaveLength(5);
  });

  test('an app token switches to Socket Mode; a wrong kind of token is refused', () => {
    const r = loadConfig({ ...base, SLACK_APP_TOKEN: 'xapp-1' });
    expect(r.ok && r.config.slack.socketMode).toBe(true);
    expect(problems({ ...base, SLACK_APP_TOKEN: 'xoxb-oops' })[0]).toMatch(/xapp-/);
    expect(problems({ ...base, SLACK_BOT_TOKEN: 'xoxp-user' })[0]).toMatch(/xoxb-/);
  });

  test('a partly configured source names what is missing; an unconfigured one is simply off', () => {
    const list = problems({ ...base, TWITTER_APP_KEY: 'k', TWITTER_APP_SECRET: 's' });
    expect(list).toEqual([
      expect.stringMatching(
        /X \(Twitter\) is partly configured: TWITTER_ACCESS_TOKEN, TWITTER_ACCESS_SECRET are missing/,
      ),
    ]);
  });

  test('user, group and channel ids are checked for their shape, with how to find the right one', () => {
    const list = problems({
      ...base,
      SMX_APPROVERS: '@meera, #compliance, U0BOSS, S0LEADS, W0ENT',
      SMX_APPROVALS_CHANNEL: '#approvals',
      SMX_DIGEST_CHANNEL: 'general',
      SMX_FACILITY_CHANNELS: 'North Clinic=#north,City Hospital=C0456',
    });
    expect(list).toHaveLength(4);
    expect(list).toContain(
      `SMX_APPROVERS must list Slack user IDs (U…/W…) and user-group IDs (S…), comma-separated; not '@meera', '#compliance'. ${FIND_ID.user}; ${FIND_ID.group}`,
    );
    expect(list).toContain(
      `SMX_APPROVALS_CHANNEL must be a channel ID such as C0123ABCD, not '#approvals': ${FIND_ID.channel}`,
    );
    expect(list.join('\n')).toContain(
      "SMX_DIGEST_CHANNEL must be a channel ID such as C0123ABCD, not 'general'",
    );
    expect(list.join('\n')).toContain("SMX_FACILITY_CHANNELS gives 'North Clinic' the channel '#north'");
    const ok = loadConfig({ ...base, SMX_APPROVERS: 'U0BOSS,S0LEADS', SMX_APPROVALS_CHANNEL: 'G0PRIVATE' });
    expect(ok.ok && ok.config.posts).toMatchObject({
      approvers: ['U0BOSS', 'S0LEADS'],
      approvalsChannel: 'G0PRIVATE',
    });
  });

  test('a half-configured X is reported together with every other problem', () => {
    const list = problems({ SLACK_SIGNING_SECRET: 's', TWITTER_APP_KEY: 'k', SMX_APPROVALS_CHANNEL: '#a' });
    expect(list).toHaveLength(3);
    expect(list.join('\n')).toMatch(/SLACK_BOT_TOKEN is missing/);
    expect(list.join('\n')).toMatch(/SMX_APPROVALS_CHANNEL must be a channel ID/);
    expect(list.join('\n')).toMatch(
      /X \(Twitter\) is partly configured: TWITTER_APP_SECRET, TWITTER_ACCESS_TOKEN/,
    );
  });

  test('bind address and embedded database choice', () => {
    const r = loadConfig({ ...base, SMX_BIND_ADDRESS: '127.0.0.1', SMX_EMBEDDED_DB: 'ferretdb' });
    expect(r.ok && [r.config.bindAddress, r.config.embeddedDb]).toEqual(['127.0.0.1', 'ferretdb']);
    const d = loadConfig(base);
    expect(d.ok && [d.config.bindAddress, d.config.embeddedDb]).toEqual([undefined, 'auto']);
    expect(problems({ ...base, SMX_BIND_ADDRESS: 'all' })[0]).toMatch(
      /SMX_BIND_ADDRESS must be an IP address/,
    );
    expect(problems({ ...base, SMX_EMBEDDED_DB: 'postgres' })[0]).toMatch(
      /SMX_EMBEDDED_DB must be one of auto, ferretdb, mongod/,
    );
  });

  test('lists of pairs are parsed, malformed entries explained', () => {
    const r = loadConfig({ ...base, SMX_FACILITY_CHANNELS: 'North Clinic=C0123, City Hospital=C0456' });
    expect(r.ok && r.config.digest.facilityChannels).toEqual({
      'North Clinic': 'C0123',
      'City Hospital': 'C0456',
    });
    expect(problems({ ...base, SMX_FACILITY_CHANNELS: 'North Clinic' })[0]).toMatch(/without '='/);
  });

  test('cron expressions and URLs are validated', () => {
    expect(problems({ ...base, SMX_DIGEST_CRON: 'every morning' })[0]).toMatch(
      /SMX_DIGEST_CRON is not a valid cron/,
    );
    expect(problems({ ...base, SLACK_API_URL: 'slack' })[0]).toMatch(
      /SLACK_API_URL must be an http\(s\) URL/,
    );
    const r = loadConfig({ ...base, SLACK_API_URL: 'http://127.0.0.1:9/api' });
    expect(r.ok && r.config.slack.apiUrl).toBe('http://127.0.0.1:9/api/');
  });

  test('starting without Slack variables exits 1 naming each missing variable', () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'smx-noenv-'));
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? cwd };
    const main = path.join(__dirname, '..', '..', 'src', 'main.ts');
    const res = spawnSync(process.execPath, [require.resolve('tsx/cli'), main], {
      cwd,
      env,
      encoding: 'utf8',
    });
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('SLACK_BOT_TOKEN is missing');
    expect(res.stderr).toContain('SLACK_SIGNING_SECRET is missing');
    expect(res.stderr).not.toMatch(/at .*\.ts:\d+/);
    fs.rmSync(cwd, { recursive: true, force: true });
  });
});
