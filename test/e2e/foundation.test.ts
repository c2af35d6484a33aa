import { exampleOf } from '../../listeners/commands/smx/help';
import { subcommands } from '../../listeners/commands/smx/index';
import { Claim } from '../../models/claim';
import { FORM, startTestApp, type TestApp, visibleText } from '../support/app';
import { useTestDatabase } from '../support/db';
import { slackSignature } from '../support/signing';

describe('the /smx app over HTTP', () => {
  const db = useTestDatabase();
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ db: db() });
  });
  afterAll(async () => {
    await t.stop();
  });

  test('GET /healthz reports the database up', async () => {
    const res = await fetch(`${t.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', db: 'up', slack: 'ok' });
  });

  test('/smx help lists every subcommand with an example, only to the requester', async () => {
    const { status, responses } = await t.command('help');
    expect(status).toBe(200);
    const body = responses[0]?.body;
    expect(body?.response_type).toBe('ephemeral');
    const text = visibleText(body);
    for (const s of subcommands) {
      expect(text).toContain(`*${s.name}*`);
      expect(text).toContain(exampleOf(s, t.ctx.config));
    }
  });

  test('/smx alone answers with the same usage', async () => {
    const { responses } = await t.command('');
    expect(visibleText(responses[0]?.body)).toContain('smx — what you can ask me');
  });

  test('an unknown subcommand says so, escapes what was typed, and shows usage', async () => {
    const { responses } = await t.command('frobnicate <!channel> & co');
    const text = visibleText(responses[0]?.body);
    expect(text).toContain("I don't know the command `/smx frobnicate`");
    expect(text).toContain('/smx help');
    expect(text).not.toContain('<!channel>');
  });

  test('/smx status tells the database is up and the local time zone', async () => {
    const { responses } = await t.command('status');
    const text = visibleText(responses[0]?.body);
    expect(text).toContain('Database: up');
    expect(text).toContain('Asia/Kolkata');
  });

  test('a forged signature gets 401 and no answer', async () => {
    const before = t.slack.responses.length;
    const r = t.slack.responseUrl();
    const body = new URLSearchParams({
      command: '/smx',
      text: 'help',
      response_url: r.url,
      user_id: 'U1',
    }).toString();
    const headers = { 'content-type': FORM, ...slackSignature(body, 'not-the-secret') };
    const res = await t.post('/slack/events', body, headers);
    expect(res.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(t.slack.responses.length).toBe(before);
  });

  test('a signature older than five minutes gets 401', async () => {
    const body = new URLSearchParams({ command: '/smx', text: 'help', user_id: 'U1' }).toString();
    const stale = Math.floor(Date.now() / 1000) - 6 * 60;
    const res = await t.post('/slack/events', body, {
      'content-type': FORM,
      ...slackSignature(body, undefined, stale),
    });
    expect(res.status).toBe(401);
  });

  test('models are initialised: a claim is unique on the real database', async () => {
    await Claim.create({ _id: 'k', owner: 'a', claimedAt: new Date() });
    await expect(Claim.create({ _id: 'k', owner: 'b', claimedAt: new Date() })).rejects.toMatchObject({
      code: 11000,
    });
  });
});
