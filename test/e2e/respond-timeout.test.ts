/**
 * Bolt's respond() (response_url posts) has a timeout, and an answer a response_url would not take reaches the person
 * another way (chat.postEphemeral in the channel): a fake Slack whose response_url hangs, the real app over HTTP.
 */
import { POST_MESSAGES } from '../../src/services/post-messages';
import { POST_ACTION_IDS } from '../../src/slack/ids';
import { FakeSlack } from '../fakes/slack';
import { startTestApp, type TestApp } from '../support/app';
import { useTestDatabase } from '../support/db';

describe('a hung response_url', () => {
  const db = useTestDatabase();
  let t: TestApp;
  let slack: FakeSlack;

  beforeAll(async () => {
    slack = await new FakeSlack().start();
    t = await startTestApp({
      db: db(),
      slack,
      respondTimeoutMs: 300,
      env: { SMX_APPROVALS_CHANNEL: 'C0APPROVALS' },
    });
  });
  afterAll(async () => {
    slack.release();
    await t.stop();
    await slack.close();
  });

  const ephemeralsTo = (user: string, channel: string) =>
    slack
      .callsOf('chat.postEphemeral')
      .filter((c) => c.args.user === user && c.args.channel === channel)
      .map((c) => String(c.args.text));

  test('a slash command answer times out on response_url and comes as an ephemeral message instead', async () => {
    slack.hangResponses();
    const hung = slack.hung;
    const { status, responses } = await t.command('cancel PNOPE1', {
      expect: 0,
      user: 'U0ASHA',
      channel: 'C0TEAM',
    });
    expect(status).toBe(200);
    expect(responses).toEqual([]);
    expect(slack.hung).toBe(hung + 1);
    expect(ephemeralsTo('U0ASHA', 'C0TEAM')).toEqual([POST_MESSAGES.notFound('PNOPE1')]);
  });

  test('a button answer the same way', async () => {
    slack.hangResponses();
    const r = await t.action({
      actionId: POST_ACTION_IDS.approve,
      value: 'PNOPE2:1',
      user: 'U0RAVI',
      channel: 'C0APPROVALS',
      expect: 0,
    });
    expect(r.status).toBe(200);
    expect(ephemeralsTo('U0RAVI', 'C0APPROVALS')).toEqual([POST_MESSAGES.notFound('PNOPE2')]);
  });

  test('once the response_url answers again, answers go there as before', async () => {
    slack.release();
    const before = slack.callsOf('chat.postEphemeral').length;
    const { responses } = await t.command('cancel PNOPE3', { user: 'U0ASHA', channel: 'C0TEAM' });
    expect(JSON.stringify(responses[0]?.body)).toContain('PNOPE3');
    expect(slack.callsOf('chat.postEphemeral').length).toBe(before);
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });
});
