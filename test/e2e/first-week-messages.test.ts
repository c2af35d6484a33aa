/**
 * A hospital's first week, messages a person reads (issue 10): the card shows the text as X prints it, a post out on
 * one target but failed on the other says "partly published", and its author hears about the failure by DM — not
 * only in the card's thread, as they do when smx cannot know whether a post went out (needs check). Against the fake Slack, X and Graph servers and the real test database.
 */
import { publishJob } from '../../jobs/publish';
import { Post } from '../../models/post';
import { outboxSettled } from '../../src/services/slack-outbox';
import { POST_ACTION_IDS } from '../../src/slack/ids';
import { FakeGraph } from '../fakes/graph';
import { waitFor } from '../fakes/http';
import { FakeSlack } from '../fakes/slack';
import { FakeX } from '../fakes/x';
import { publishTick, startTestApp, type TestApp, visibleText } from '../support/app';
import { useTestDatabase } from '../support/db';

const CHANNEL = 'C0APPROVALS';
const AUTHOR = 'U0STAFF';
const APPROVER = 'U0BOSS';
/** Tue 1 Dec 2026, 10:00 IST. */
const NOW = new Date('2026-12-01T04:30:00.000Z');

describe('first week: what people read about their posts', () => {
  const db = useTestDatabase();
  let t: TestApp;
  let slack: FakeSlack;
  let x: FakeX;
  let graph: FakeGraph;

  beforeAll(async () => {
    slack = await new FakeSlack().start();
    x = await new FakeX().start();
    graph = await new FakeGraph().start();
    t = await startTestApp({
      db: db(),
      slack,
      now: () => NOW,
      env: { ...x.env(), ...graph.env(), SMX_APPROVALS_CHANNEL: CHANNEL, SMX_APPROVERS: APPROVER },
    });
  });
  afterAll(async () => {
    await t.stop();
    await slack.close();
    await x.close();
    await graph.close();
  });

  const card = (shortId: string) => {
    const m = slack.channelMessages(CHANNEL).find((c) => !c.thread_ts && c.text.includes(`Post ${shortId} `));
    if (!m) throw new Error(`no card for ${shortId}`);
    return m;
  };

  test('X published, Facebook failed: "partly published", the author is told by DM, the text shows as X prints it', async () => {
    const { responses } = await t.command(
      'schedule to:x,facebook now | Flu shots are *free* this week #FluSeason',
      {
        user: AUTHOR,
      },
    );
    const shortId = /Post \*(P[A-Z0-9]{5})\*/.exec(visibleText(responses[0]?.body))?.[1] ?? '';
    const pending = card(shortId);
    expect(pending.blocks[1]).toEqual({
      type: 'section',
      text: { type: 'plain_text', text: 'Flu shots are *free* this week #FluSeason', emoji: false },
    });
    const queue = await t.command('queue', { user: AUTHOR });
    expect(String(queue.responses[0]?.body.text)).toContain(`${shortId} (waiting for approval)`);
    expect(String(queue.responses[0]?.body.text)).not.toContain('pending_approval');

    await t.action({
      actionId: POST_ACTION_IDS.approve,
      value: `${shortId}:1`,
      user: APPROVER,
      channel: CHANNEL,
      messageTs: pending.ts,
    });
    graph.failNext('POST', '/feed$', {
      status: 403,
      body: {
        error: {
          message: '(#200) The page token lacks the pages_manage_posts permission',
          type: 'OAuthException',
          code: 200,
        },
      },
    });
    await publishJob.run({ ctx: t.ctx, client: t.smx.app.client });
    await outboxSettled(15_000);

    const post = await Post.findOne({ shortId }).lean();
    expect(post?.results).toMatchObject({ x: { status: 'published' }, facebook: { status: 'failed' } });
    const header = JSON.stringify(card(shortId).blocks[0]);
    expect(header).toContain('X + Facebook · partly published');

    const dms = slack.channelMessages(`D${AUTHOR}`).map((m) => m.text);
    const problem = dms.find((d) => d.includes('could not be published on Facebook'));
    expect(problem).toContain(`:warning: Your post *${shortId}* could not be published on Facebook:`);
    expect(problem).toContain(`press *Retry* on its card in <#${CHANNEL}>`);
    expect(dms.some((d) => d.includes('could not be published on X'))).toBe(false);
    expect(slack.violations).toEqual([]);
  });

  test('an outcome smx cannot know (X answers after the timeout): "needs check", the author is told by DM', async () => {
    const { responses } = await t.command('schedule to:x now | Blood drive on Saturday #CityHospital', {
      user: AUTHOR,
    });
    const shortId = /Post \*(P[A-Z0-9]{5})\*/.exec(visibleText(responses[0]?.body))?.[1] ?? '';
    await t.action({
      actionId: POST_ACTION_IDS.approve,
      value: `${shortId}:1`,
      user: APPROVER,
      channel: CHANNEL,
      messageTs: card(shortId).ts,
    });
    // X takes the tweet but answers too late: smx cannot tell whether it is out.
    x.route('POST', '/2/tweets', async (req) => {
      x.tweets.push({ id: '7777', text: String(req.fields.text ?? ''), body: req.fields });
      await new Promise((r) => setTimeout(r, 800));
      return { status: 201, body: { data: { id: '7777', text: req.fields.text } } };
    });
    try {
      await publishTick(t.ctx, t.smx.app.client, { timeoutMs: 200 });
    } finally {
      x.routes.shift();
    }
    expect((await Post.findOne({ shortId }).lean())?.status).toBe('needs_check');
    expect(visibleText({ text: '', blocks: card(shortId).blocks })).toContain('Outcome unknown');
    const dm = await waitFor('the needs-check DM', () =>
      slack.channelMessages(`D${AUTHOR}`).find((m) => m.text.includes(`*${shortId}* reached X`)),
    );
    expect(dm.text).toContain(`:mag: smx does not know whether your post *${shortId}* reached X:`);
    expect(dm.text).toContain('It will not resend it by itself.');
    expect(dm.text).toContain(`press *Mark as published* or *Retry* on its card in <#${CHANNEL}>`);
    // No UTC stamp or internal name in what the author reads.
    expect(dm.text).not.toMatch(/\d{4}-\d{2}-\d{2}T|needs_check/);
    expect(slack.violations).toEqual([]);
  });
});
