/**
 * Socket Mode end to end: smx asks the fake Web API (SLACK_API_URL) for a WebSocket URL with the app token, connects
 * to the fake Slack WebSocket server, acks every envelope, answers a slash command and a button, and reconnects by
 * itself when Slack drops the connection — with /healthz telling the truth throughout.
 */
import { Review } from '../../models/review';
import { createSmxApp, type SmxApp } from '../../src/app';
import { REVIEW_ACTION_MESSAGES } from '../../src/services/review-actions';
import { REVIEW_ACTION_IDS } from '../../src/slack/ids';
import { FAKE_APP_TOKEN, FAKE_TEAM, FakeSlack } from '../fakes/slack';
import { FakeSlackSocket } from '../fakes/slack-socket';
import { slashCommandFields, testContext, visibleText } from '../support/app';
import { useTestDatabase } from '../support/db';
import { seedReviews } from '../support/reviews';

describe('Socket Mode', () => {
  const db = useTestDatabase();
  let slack: FakeSlack;
  let socket: FakeSlackSocket;
  let smx: SmxApp;
  let url: string;

  beforeAll(async () => {
    slack = await new FakeSlack().start();
    socket = await new FakeSlackSocket().start(slack);
    const ctx = testContext(db(), slack, {
      env: { SLACK_APP_TOKEN: FAKE_APP_TOKEN, SMX_BIND_ADDRESS: '127.0.0.1' },
    });
    smx = createSmxApp(ctx, { slackRetries: 0, socketReconnectMs: 1000 });
    const { port } = await smx.start();
    url = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await smx.stop();
    await socket.close();
    await slack.close();
  });

  const health = async () => {
    const res = await fetch(`${url}/healthz`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  const command = async (text: string, user = 'U0STAFF') => {
    const r = slack.responseUrl();
    const ack = await socket.send('slash_commands', slashCommandFields(text, r.url, { user }));
    return { ack, responses: await slack.waitForResponse(r.id) };
  };

  test('connects through SLACK_API_URL with the app token; /healthz reports the connection', async () => {
    const opens = slack.callsOf('apps.connections.open');
    expect(opens).toHaveLength(1);
    expect(opens[0]?.token).toBe(FAKE_APP_TOKEN);
    expect(await health()).toEqual({
      status: 200,
      body: { status: 'ok', db: 'up', slack: 'ok', socket: 'connected' },
    });
  });

  test('a slash command is acked and answered on its response_url', async () => {
    const { ack, responses } = await command('help');
    expect(ack.envelope_id).toEqual(expect.any(String));
    expect(responses[0]?.body.response_type).toBe('ephemeral');
    expect(visibleText(responses[0]?.body)).toContain('/smx schedule');
  });

  test('a button is acked and does its work; a second click is told who was first', async () => {
    const [id] = await seedReviews([{ rating: 1, text: 'Waited four hours' }]);
    const click = async (user: string) => {
      const r = slack.responseUrl();
      const ack = await socket.send('interactive', {
        type: 'block_actions',
        user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: FAKE_TEAM },
        api_app_id: 'A0SMX',
        token: 'legacy-verification-token',
        team: { id: FAKE_TEAM, domain: 'test' },
        channel: { id: 'C0DIGEST', name: 'digest' },
        container: { type: 'message', message_ts: '1.000', channel_id: 'C0DIGEST', is_ephemeral: false },
        message: { ts: '1.000', text: '', blocks: [] },
        response_url: r.url,
        trigger_id: `trigger.${Date.now()}`,
        actions: [
          {
            action_id: REVIEW_ACTION_IDS.assign,
            block_id: 'b',
            value: id,
            type: 'button',
            action_ts: String(Date.now() / 1000),
          },
        ],
      });
      return { ack, r };
    };
    const first = await click('U0ALICE');
    expect(first.ack.envelope_id).toEqual(expect.any(String));
    await until(async () => (await Review.findById(id).lean())?.assignedTo === 'U0ALICE');
    const second = await click('U0BOB');
    const [answer] = await slack.waitForResponse(second.r.id);
    expect(answer?.body.text).toBe(REVIEW_ACTION_MESSAGES.alreadyAssigned('U0ALICE'));
    expect((await Review.findById(id).lean())?.assignedTo).toBe('U0ALICE');
  });

  test('when Slack drops the connection, /healthz says so and smx reconnects by itself', async () => {
    socket.dropCurrent();
    await pollHealth((h) => h.status === 503 && h.body.socket !== 'connected');
    const up = await pollHealth((h) => h.status === 200);
    expect(up.body.socket).toBe('connected');
    expect(slack.callsOf('apps.connections.open').length).toBeGreaterThanOrEqual(2);
    expect(socket.connections.length).toBeGreaterThanOrEqual(2);
    const { responses } = await command('status');
    expect(visibleText(responses[0]?.body)).toContain('Socket Mode: connected to Slack');
  });

  async function until(check: () => Promise<boolean>) {
    const deadline = Date.now() + 10000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async function pollHealth(ok: (h: { status: number; body: Record<string, unknown> }) => boolean) {
    const deadline = Date.now() + 20000;
    for (;;) {
      const h = await health();
      if (ok(h)) return h;
      if (Date.now() > deadline) throw new Error(`health never matched; last ${JSON.stringify(h)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
});
