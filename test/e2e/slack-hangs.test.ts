/**
 * No call waits forever (issue 15): with Slack hanging on thread replies, approved posts still
 * publish in one tick; a job run is bounded so a hung call cannot hold it past its next tick; a hung card post ends
 * in an answer to the author instead of silence. Real app over HTTP, fake Slack that hangs, real database.
 */
import { runBounded } from '../../jobs';
import { slackOutboxJob } from '../../jobs/slack-outbox';
import type { Job } from '../../jobs/types';
import { Post } from '../../models/post';
import { SlackOutbox } from '../../models/slack-outbox';
import { ANNOUNCE_WAIT_MS } from '../../src/services/decisions';
import { publishDue } from '../../src/services/publisher';
import { deliverDueOutbox, outboxSettled } from '../../src/services/slack-outbox';
import { POST_ACTION_IDS, POST_BLOCK_IDS, POST_CALLBACK_IDS, POST_INPUT_IDS } from '../../src/slack/ids';
import { waitFor } from '../fakes/http';
import type { FakeSlack } from '../fakes/slack';
import { FakeX } from '../fakes/x';
import {
  startApprovalsApp,
  startTestApp,
  stopApprovalsApp,
  type TestApp,
  testContext,
  visibleText,
} from '../support/app';
import { useTestDatabase } from '../support/db';

const CHANNEL = 'C0APPROVALS';
const APPROVER = 'U0BOSS';

describe('Slack hanging never stalls the work', () => {
  const db = useTestDatabase();
  let t: TestApp;
  let slack: FakeSlack;
  let x: FakeX;

  beforeAll(async () => {
    ({
      slack,
      t,
      target: x,
    } = await startApprovalsApp(db(), new FakeX(), {
      // Long enough that only smx's own bounds (not the client timeout) can keep the tick moving.
      slackTimeoutMs: 60_000,
      channel: CHANNEL,
      approvers: APPROVER,
    }));
  });
  afterAll(async () => {
    slack.release();
    await stopApprovalsApp({ t, slack, target: x });
  });

  async function approvedPost(text: string): Promise<string> {
    const { responses } = await t.command(`schedule to:x now | ${text}`);
    const id = /Post \*(P[A-Z0-9]{5})\*/.exec(visibleText(responses[0]?.body))?.[1];
    if (!id) throw new Error('no post id');
    await t.action({ actionId: POST_ACTION_IDS.approve, value: `${id}:1`, user: APPROVER, channel: CHANNEL });
    expect((await Post.findOne({ shortId: id }).lean())?.status).toBe('approved');
    return id;
  }

  async function dbIds(shortIds: string[]): Promise<string[]> {
    const docs = await Post.find({ shortId: { $in: shortIds } }).lean();
    return docs.map((d) => String(d._id));
  }

  const cardOf = (shortId: string) =>
    slack.channelMessages(CHANNEL).find((m) => !m.thread_ts && m.text.includes(`Post ${shortId} `));
  const threadRepliesOf = (shortId: string) =>
    slack
      .channelMessages(CHANNEL)
      .filter((m) => m.thread_ts !== undefined && m.thread_ts === cardOf(shortId)?.ts);

  test('with Slack hanging on card updates and thread replies, three posts approved for the same minute all publish in that tick; the cards catch up once Slack answers', async () => {
    const ids = [
      await approvedPost('Blood drive on Friday #CityHospital'),
      await approvedPost('Flu shots all week #CityHospital'),
      await approvedPost('New MRI wing opens #CityHospital'),
    ];
    slack.hang('chat.update');
    slack.hang('chat.postMessage', (args) => args.thread_ts !== undefined);
    const hungBefore = slack.hung;
    const tweetsBefore = x.tweets.length;

    // The Web API client would wait 60 s per hung call: the tick ends long before, since it never waits on Slack.
    const summary = await publishDue(t.ctx, t.smx.app.client);

    expect(summary.published).toBe(3);
    expect(x.tweets.length).toBe(tweetsBefore + 3);
    for (const id of ids) expect((await Post.findOne({ shortId: id }).lean())?.status).toBe('published');
    // Every notification is stored, none delivered yet, and each is hanging in Slack right now.
    const postIds = await dbIds(ids);
    const queued = await SlackOutbox.find({ postId: { $in: postIds } }).lean();
    expect(queued.filter((e) => e.what === 'card')).toHaveLength(3);
    expect(queued.filter((e) => e.what === 'message')).toHaveLength(3);
    expect(queued.every((e) => e.deliveredAt === null)).toBe(true);
    await waitFor('six hung Slack calls', () => (slack.hung >= hungBefore + 6 ? true : undefined));
    for (const id of ids) expect(JSON.stringify(cardOf(id)?.blocks)).not.toContain('Published');

    // Slack recovers: the notifications in flight arrive, and the outbox records them delivered.
    slack.release();
    expect(await outboxSettled(20_000)).toBe(0);
    const after = await SlackOutbox.find({ postId: { $in: postIds } }).lean();
    expect(after.every((e) => e.deliveredAt !== null)).toBe(true);
    for (const id of ids) {
      expect(JSON.stringify(cardOf(id)?.blocks)).toContain(':tada: Published');
      expect(threadRepliesOf(id).map((m) => m.text)).toEqual([
        expect.stringContaining(`Published ${id} on X`),
      ]);
    }
  });

  test('notifications Slack refused are re-sent by the outbox job after a restart, once', async () => {
    const id = await approvedPost('Health camp on Sunday #CityHospital');
    slack.failNext('chat.update', { error: 'internal_error' });
    slack.failNext('chat.postMessage', { error: 'fatal_error' });

    expect((await publishDue(t.ctx, t.smx.app.client)).published).toBe(1);
    expect(await outboxSettled(20_000)).toBe(0);
    const [postId] = await dbIds([id]);
    const failed = await SlackOutbox.find({ postId }).lean();
    expect(failed.map((e) => [e.what, e.attempts, e.lastError, e.deliveredAt])).toEqual(
      expect.arrayContaining([
        ['card', 1, 'internal_error', null],
        ['message', 1, 'fatal_error', null],
      ]),
    );
    expect(JSON.stringify(cardOf(id)?.blocks)).not.toContain('Published');
    expect(threadRepliesOf(id)).toHaveLength(0);

    // Before its backoff has passed nothing is re-sent; a new instance ten minutes later (a restart) re-sends both.
    const early = await deliverDueOutbox(t.ctx, t.smx.app.client);
    expect(early.delivered).toBe(0);
    const restarted = testContext(db(), slack, {
      env: { ...x.env(), SMX_APPROVALS_CHANNEL: CHANNEL, SMX_APPROVERS: APPROVER },
      now: () => new Date(Date.now() + 10 * 60_000),
    });
    await slackOutboxJob.run({ ctx: restarted, client: t.smx.app.client });
    expect(JSON.stringify(cardOf(id)?.blocks)).toContain(':tada: Published');
    expect(threadRepliesOf(id).map((m) => m.text)).toEqual([expect.stringContaining(`Published ${id} on X`)]);
    const delivered = await SlackOutbox.find({ postId }).lean();
    expect(delivered.every((e) => e.deliveredAt !== null && e.attempts === 2)).toBe(true);

    // Run again (another instance, the next minute): nothing is sent twice.
    await slackOutboxJob.run({ ctx: restarted, client: t.smx.app.client });
    expect(threadRepliesOf(id)).toHaveLength(1);
  });

  test('a notification Slack refuses for good is given up, and /smx status says which post and why', async () => {
    const before = visibleText((await t.command('status')).responses[0]?.body);
    expect(before).not.toContain('stopped trying');
    const id = await approvedPost('Blood donation camp on Saturday #CityHospital');
    slack.failNext('chat.postMessage', { error: 'not_in_channel' });

    expect((await publishDue(t.ctx, t.smx.app.client)).published).toBe(1);
    expect(await outboxSettled(20_000)).toBe(0);
    const [postId] = await dbIds([id]);
    const entries = await SlackOutbox.find({ postId, what: 'message' }).lean();
    expect(entries.map((e) => [e.attempts, e.lastError, e.gaveUpAt !== null])).toEqual([
      [1, 'not_in_channel', true],
    ]);

    const status = visibleText((await t.command('status')).responses[0]?.body);
    expect(status).toContain('1 Slack notification could not be delivered and smx stopped trying');
    expect(status).toContain(`*${id}*: publish result thread reply — Slack said \`not_in_channel\``);
    // The outcome itself is stored, as the line says.
    expect((await Post.findOne({ shortId: id }).lean())?.status).toBe('published');
  });

  test('a notification whose sender stopped mid-call is taken over by another instance once its lease passed', async () => {
    const id = await approvedPost('Yoga class on Monday #CityHospital');
    let first = true;
    // Only the first thread reply hangs (its sender is as good as dead); the take-over's call is answered.
    slack.hang('chat.postMessage', (args) => {
      if (args.thread_ts === undefined || !first) return false;
      first = false;
      return true;
    });
    const hungBefore = slack.hung;
    expect((await publishDue(t.ctx, t.smx.app.client)).published).toBe(1);
    await waitFor('the hung thread reply', () => (slack.hung > hungBefore ? true : undefined));
    const [postId] = await dbIds([id]);

    const other = testContext(db(), slack, {
      env: { ...x.env(), SMX_APPROVALS_CHANNEL: CHANNEL, SMX_APPROVERS: APPROVER },
      now: () => new Date(Date.now() + 5 * 60_000),
    });
    // First pass: the attempt in flight is past its lease, so it counts as failed; second pass: re-sent.
    await slackOutboxJob.run({ ctx: other, client: t.smx.app.client });
    await slackOutboxJob.run({ ctx: other, client: t.smx.app.client });
    const thread = await SlackOutbox.findOne({ postId, what: 'message' }).lean();
    expect(thread?.attempts).toBe(2);
    expect(thread?.deliveredAt).not.toBeNull();
    expect(threadRepliesOf(id).map((m) => m.text)).toEqual([expect.stringContaining(`Published ${id} on X`)]);
  });

  test('an approval whose card update reaches Slack after a later edit’s is corrected: the card ends on the edit', async () => {
    const { responses } = await t.command(
      'schedule to:x tomorrow 9am | Free eye camp on Sunday #CityHospital',
    );
    const id = /Post \*(P[A-Z0-9]{5})\*/.exec(visibleText(responses[0]?.body))?.[1] as string;
    // Slack holds the approval's card update longer than the next announcement waits for it.
    const heldBefore = slack.hung;
    slack.hang('chat.update', (args) => JSON.stringify(args).includes('Approved by'));
    const approving = t.action({
      actionId: POST_ACTION_IDS.approve,
      value: `${id}:1`,
      user: APPROVER,
      channel: CHANNEL,
    });
    await waitFor('the approval card update held', () => (slack.hung > heldBefore ? true : undefined));
    const edited = 'Free eye camp on Sunday, 9 to 1 #CityHospital';
    const t0 = Date.now();
    await t.viewSubmission({
      callbackId: POST_CALLBACK_IDS.edit,
      privateMetadata: `${id}:1`,
      values: {
        [POST_BLOCK_IDS.text]: { [POST_INPUT_IDS.text]: { type: 'plain_text_input', value: edited } },
      },
    });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(ANNOUNCE_WAIT_MS - 100); // it waited, then went ahead
    expect(visibleText({ text: cardOf(id)?.text ?? '', blocks: cardOf(id)?.blocks ?? [] })).toContain(
      'needs approval',
    );

    slack.release(); // the approval's stale card lands last …
    await approving;
    const card = cardOf(id);
    const shown = visibleText({ text: card?.text ?? '', blocks: card?.blocks ?? [] });
    // … and is redrawn from the stored post: the edit, waiting for approval again.
    expect(card?.history.map((h) => JSON.stringify(h.blocks).includes('Approved by'))).toEqual([
      false,
      false,
      true,
      false,
    ]);
    expect(shown).toContain('needs approval');
    expect(shown).toContain('9 to 1');
    expect(shown).not.toContain('Approved by');
    expect((await Post.findOne({ shortId: id }).lean())?.status).toBe('pending_approval');
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
