/**
 * Health that tells the truth: a token Slack refuses stops start-up with a message naming the token; /healthz,
 * `/smx status` and the Home tab agree on which part fails; the start-up channel check says how to fix a missing
 * invite.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createSmxApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { StartupError } from '../../src/errors';
import { checkChannels } from '../../src/services/channel-check';
import { FAKE_APP_TOKEN, FakeSlack } from '../fakes/slack';
import { startTestApp, type TestApp, testContext, visibleText } from '../support/app';
import { testDbUri, useTestDatabase } from '../support/db';
import { slackSignature } from '../support/signing';

describe('health', () => {
  const db = useTestDatabase();
  let slack: FakeSlack;

  beforeAll(async () => {
    slack = await new FakeSlack().start();
  });
  afterAll(async () => {
    await slack.close();
  });

  test("the .env.example placeholder token stops start-up, naming SLACK_BOT_TOKEN and Slack's answer", async () => {
    const smx = createSmxApp(testContext(db(), slack, { env: { SLACK_BOT_TOKEN: 'xoxb-your-bot-token' } }), {
      slackRetries: 0,
    });
    const err = await smx.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StartupError);
    expect((err as Error).message).toMatch(
      /^Slack refuses SLACK_BOT_TOKEN \(invalid_auth\)\. Copy the Bot User OAuth Token/,
    );
  });

  test('a wrong app token stops Socket Mode start-up, naming SLACK_APP_TOKEN', async () => {
    const smx = createSmxApp(testContext(db(), slack, { env: { SLACK_APP_TOKEN: 'xapp-1-revoked' } }), {
      slackRetries: 0,
    });
    const err = await smx.start().catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^Slack refuses SLACK_APP_TOKEN \(invalid_auth\)/);
    expect(slack.callsOf('apps.connections.open').at(-1)?.token).toBe('xapp-1-revoked');
    void FAKE_APP_TOKEN;
  });

  test('`npm start` with a bad token exits 1 with one clear line and no stack trace', async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'smx-badtoken-'));
    const u = new URL(testDbUri());
    u.pathname = `/${db().connection.name}`;
    const main = path.join(__dirname, '..', '..', 'src', 'main.ts');
    const res = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [require.resolve('tsx/cli'), main], {
        cwd,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: cwd,
          SLACK_BOT_TOKEN: 'xoxb-your-bot-token',
          SLACK_SIGNING_SECRET: 'x',
          SLACK_API_URL: slack.apiUrl,
          MONGODB_URI: u.toString(),
          PORT: '0',
          LOG_LEVEL: 'silent',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      child.on('close', (code) => resolve({ code, stderr }));
    });
    fs.rmSync(cwd, { recursive: true, force: true });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^smx can't start: Slack refuses SLACK_BOT_TOKEN \(invalid_auth\)/);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
  });

  describe('a running smx whose token Slack stops accepting', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ db: db(), slack });
    });
    afterAll(async () => {
      await t.stop();
    });

    test('/healthz, /smx status and the Home tab all name Slack as the failing part', async () => {
      expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
      slack.failNext('auth.test', { error: 'token_revoked' });
      await t.ctx.health?.slackAuth(true);

      const res = await fetch(`${t.url}/healthz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({
        status: 'degraded',
        db: 'up',
        slack: 'token_revoked',
        failing: ['slack'],
      });

      const { responses } = await t.command('status');
      const status = visibleText(responses[0]?.body);
      const slackLine =
        ':red_circle: Slack: Slack refuses the bot token (token_revoked) — whoever runs smx must set a valid SLACK_BOT_TOKEN.';
      expect(status).toContain(':large_green_circle: Database: up');
      expect(status).toContain(slackLine);

      const body = JSON.stringify({
        token: 'legacy',
        team_id: 'T0TEST',
        api_app_id: 'A0SMX',
        type: 'event_callback',
        event_id: `EvHealth${Date.now()}`,
        event_time: Math.floor(Date.now() / 1000),
        event: {
          type: 'app_home_opened',
          user: 'U0STAFF',
          channel: 'DU0STAFF',
          tab: 'home',
          event_ts: '1.0',
        },
      });
      const before = slack.callsOf('views.publish').length;
      await t.post('/slack/events', body, { 'content-type': 'application/json', ...slackSignature(body) });
      const call = await slack.waitForCall(
        'views.publish',
        (c) => slack.callsOf('views.publish').indexOf(c) >= before,
      );
      const home = visibleText(call.args.view as Record<string, unknown>);
      expect(home).toContain(slackLine);
      expect(home).not.toContain('Database: up');
    });
  });

  test('the start-up channel check names each channel smx is not in, with the /invite fix', async () => {
    slack.channels.set('C0DIGEST', { name: 'digest', isMember: true });
    slack.channels.set('C0APPROVALS', { name: 'approvals', isMember: false });
    const r = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: 's',
      SMX_DIGEST_CHANNEL: 'C0DIGEST',
      SMX_APPROVALS_CHANNEL: 'C0APPROVALS',
      SMX_FACILITY_CHANNELS: 'North Clinic=G0NORTH',
    });
    if (!r.ok) throw new Error(r.problems.join('\n'));
    const smx = createSmxApp(
      {
        config: { ...r.config, slack: { ...r.config.slack, apiUrl: slack.apiUrl } },
        logger: pino({ level: 'silent' }),
        db: db(),
        now: () => new Date(),
        instanceId: 't',
      },
      { slackRetries: 0 },
    );
    const problems = await checkChannels(smx.app.client, smx.ctx.config);
    expect(problems).toEqual([
      {
        variable: 'SMX_APPROVALS_CHANNEL',
        channel: 'C0APPROVALS',
        problem: 'smx is not a member of #approvals (C0APPROVALS): type `/invite @smx` in that channel',
      },
      {
        variable: 'SMX_FACILITY_CHANNELS (North Clinic)',
        channel: 'G0NORTH',
        problem:
          "smx can't see channel G0NORTH: check the ID, and for a private channel type `/invite @smx` in it first",
      },
    ]);
    expect(slack.argProblems.filter((p) => p.method === 'conversations.info')).toEqual([]);
  });
});
