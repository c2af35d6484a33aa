/**
 * No call waits forever (issue 15): with Slack hanging on thread replies, approved posts still
 * publish in one tick; a job run is bounded so a hung call cannot hold it past its next tick; a hung card post ends
 * in an answer to the author instead of silence. Real app over HTTP, fake Slack that hangs, real database.
 */
import { runBounded } from '../../jobs';
import type { Job } from '../../jobs/types';
import { Post } from '../../models/post';
import { publishDue } from '../../src/services/publisher';
import { POST_ACTION_IDS } from '../../src/slack/ids';
import { FakeSlack } from '../fakes/slack';
import { FakeX } from '../fakes/x';
import { startTestApp, type TestApp, visibleText } from '../support/app';
import { useTestDatabase } from '../support/db';

const CHANNEL = 'C0APPROVALS';
const APPROVER = 'U0BOSS';

describe('Slack hanging never stalls the work', () => {
  const db = useTestDatabase();
  let t: TestApp;
  let slack: FakeSlack;
  let x: FakeX;

  beforeAll(async () => {
    slack = await new FakeSlack().start();
    x = await new FakeX().start();
    t = await startTestApp({
      db: db(),
      slack,
      // Long enough that only smx's own bounds (not the client timeout) can keep the tick moving.
      slackTimeoutMs: 60_000,
      env: { ...x.env(), SMX_APPROVALS_CHANNEL: CHANNEL, SMX_APPROVERS: APPROVER },
    });
  });
  afterAll(async () => {
    slack.release();
    await t.stop();
    await slack.close();
    await x.close();
  });

  async function approvedPost(text: string): Promise<string> {
    const { responses } = await t.command(`schedule to:x now | ${text}`);
    const id = /Post \*(P[A-Z0-9]{5})\*/.exec(visibleText(responses[0]?.body))?.[1];
    if (!id) throw new Error('no post id');
    await t.action({ actionId: POST_ACTION_IDS.approve, value: `${id}:1`, user: APPROVER, channel: CHANNEL });
    expect((await Post.findOne({ shortId: id }).lean())?.status).toBe('approved');
    return id;
  }

  test('with Slack hanging on thread replies, three approved posts still publish on time', async () => {
    const ids = [
      await approvedPost('Blood drive on Friday #CityHospital'),
      await approvedPost('Flu shots all week #CityHospital'),
      await approvedPost('New MRI wing opens #CityHospital'),
    ];
    slack.hang('chat.postMessage', (args) => args.thread_ts !== undefined);
    const tweetsBefore = x.tweets.length;

    const summary = await publishDue(t.ctx, t.smx.app.client, { notifyWaitMs: 200 });

    expect(summary.published).toBe(3);
    expect(x.tweets.length).toBe(tweetsBefore + 3);
    for (const id of ids) expect((await Post.findOne({ shortId: id }).lean())?.status).toBe('published');
    // The notifications were attempted and are still hanging: the tick did not wait for them.
    expect(slack.hung).toBeGreaterThanOrEqual(3);

    // Slack recovers: the notifications that were in flight arrive.
    slack.release();
    const card = slack
      .channelMessages(CHANNEL)
      .find((m) => !m.thread_ts && m.text.includes(`Post ${ids[0]} `));
    await slack.waitForCall('chat.postMessage', (c) => c.args.thread_ts === card?.ts);
  });

  test('a job run is bounded: a hung run cannot hold the next tick', async () => {
    let runs = 0;
    const hanging: Job = {
      name: 'hangs',
      schedule: () => '* * * * *',
      budgetMs: 100,
      run: () => {
        runs++;
        return new Promise<void>(() => undefined);
      },
    };
    expect(await runBounded(hanging, { ctx: t.ctx, client: t.smx.app.client })).toBe('overran');
    expect(await runBounded(hanging, { ctx: t.ctx, client: t.smx.app.client })).toBe('overran');
    expect(runs).toBe(2);
  });

  test('a hung approval-card post still ends in an answer to the author', async () => {
    await t.stop();
    t = await startTestApp({
      db: db(),
      slack,
      slackTimeoutMs: 300,
      env: { ...x.env(), SMX_APPROVALS_CHANNEL: CHANNEL, SMX_APPROVERS: APPROVER },
    });
    slack.hang('chat.postMessage', (args) => args.channel === CHANNEL && args.thread_ts === undefined);
    const { status, responses } = await t.command('schedule to:x tomorrow 9am | Hung card #CityHospital');
    expect(status).toBe(200);
    expect(visibleText(responses[0]?.body)).not.toBe('');
    slack.release();
    // Still serving afterwards.
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });
});
