/**
 * The posts working set (models/post-working-set.ts): `/smx queue`, `plan`, `audit`, `cancel` and the publisher read
 * the posts desk and the short-id keys instead of the `posts` archive — and show exactly what the archive says,
 * for data from before the working set (inserted straight into the collection) and through a post's whole life.
 */
import { Types } from 'mongoose';
import { publishJob } from '../../jobs/publish';
import { Post } from '../../models/post';
import { FINAL_KEEP_MS, followPostWrite, PostDesk, PostKey } from '../../models/post-working-set';
import { buildPlan } from '../../src/services/plan';
import {
  backfillPostWorkingSet,
  reconcilePostWorkingSet,
  resetPostWorkingSetCheck,
} from '../../src/services/post-desk';
import { toView } from '../../src/services/post-view';
import { queue as listQueue, QUEUE_STATUSES } from '../../src/services/posts';
import { outboxSettled } from '../../src/services/slack-outbox';
import { queueMessage } from '../../src/slack/blocks/post-queue';
import { POST_ACTION_IDS } from '../../src/slack/ids';
import type { FakeSlack } from '../fakes/slack';
import { FakeX } from '../fakes/x';
import { startApprovalsApp, stopApprovalsApp, type TestApp, visibleText } from '../support/app';
import { useTestDatabase } from '../support/db';

const AUTHOR = 'U0STAFF';
const APPROVER = 'U0BOSS';
const CHANNEL = 'C0APPROVALS';
/** Tue 24 Nov 2026, 10:00 in Asia/Kolkata. */
const NOW = new Date('2026-11-24T04:30:00.000Z');
const DAY = 24 * 3600_000;

describe('posts working set', () => {
  const db = useTestDatabase();
  let t: TestApp;
  let slack: FakeSlack;
  let x: FakeX;
  let clock = NOW;

  beforeAll(async () => {
    ({
      slack,
      t,
      target: x,
    } = await startApprovalsApp(db(), new FakeX(), {
      now: () => clock,
      channel: CHANNEL,
      approvers: APPROVER,
    }));
  });
  afterAll(async () => {
    await stopApprovalsApp({ t, slack, target: x });
  });

  /** What the archive itself says the queue is (the query `/smx queue` ran before the working set). */
  const archiveQueue = async () =>
    (
      await Post.find({ status: { $in: QUEUE_STATUSES } })
        .sort({ scheduledAt: 1 })
        .limit(40)
    ).map(toView);
  const deskMatchesArchive = async () => {
    const [desk, posts] = await Promise.all([PostDesk.find({}).lean(), Post.find({}).lean()]);
    const byId = new Map(posts.map((p) => [String(p._id), p]));
    for (const d of desk) expect(d).toEqual(byId.get(String(d._id)));
  };

  test('data from before: queue, audit and cancel find posts stored straight into the collection', async () => {
    const old = (i: number, status: string, scheduledAt: Date) => ({
      shortId: `PQ${String(i).padStart(3, '0')}`,
      text: `Old post ${i}`,
      targets: ['x'],
      scheduledAt,
      publishNow: false,
      status,
      authorId: AUTHOR,
      submittedAt: new Date(scheduledAt.getTime() - DAY),
      results: {},
      revision: 1,
      version: 1,
    });
    await Post.collection.insertMany([
      ...Array.from({ length: 30 }, (_, i) => old(i, 'published', new Date(NOW.getTime() - (i + 1) * DAY))),
      old(100, 'pending_approval', new Date(NOW.getTime() + DAY)),
      old(101, 'approved', new Date(NOW.getTime() + 2 * DAY)),
      old(102, 'failed', new Date(NOW.getTime() - 20 * DAY)),
    ]);
    resetPostWorkingSetCheck();
    await PostDesk.deleteMany({});
    await PostKey.deleteMany({});
    // The first command builds the working set (once), then answers from it.
    const q = visibleText((await t.command('queue')).responses[0]?.body);
    expect(q).toBe(visibleText({ ...queueMessage(await archiveQueue(), t.ctx.config.timezone) }));
    expect(q).toContain('PQ100');
    expect(q).toContain('PQ102');
    expect(await PostKey.countDocuments({})).toBe(33);
    // Final posts scheduled more than FINAL_KEEP_MS ago are not copied; every other one is.
    // (published 1…8 days ago are within FINAL_KEEP_MS; the 22 older ones are not copied.)
    expect(FINAL_KEEP_MS).toBe(8 * DAY);
    expect(await PostDesk.countDocuments({})).toBe(3 + 8);
    const audit = visibleText((await t.command('audit pq025')).responses[0]?.body);
    expect(audit).toContain('PQ025');
    const unknown = visibleText((await t.command('cancel P9999')).responses[0]?.body);
    expect(unknown).toContain('P9999');
    expect(unknown).toMatch(/can't find|no post/i);
    await deskMatchesArchive();
  });

  test("through a post's life the desk copy is the post; queue and plan equal the archive; final old ones are trimmed", async () => {
    const { responses } = await t.command('schedule to:x now | Flu shots are free this week', {
      user: AUTHOR,
    });
    const id = /Post \*(P[A-Z0-9]{5})\*/.exec(visibleText(responses[0]?.body))?.[1] as string;
    expect(id).toBeDefined();
    await deskMatchesArchive();
    expect(await PostKey.findById(id).lean()).toBeTruthy();
    await t.action({ actionId: POST_ACTION_IDS.approve, value: `${id}:1`, user: APPROVER, channel: CHANNEL });
    await deskMatchesArchive();
    expect((await PostDesk.findOne({ shortId: id }).lean<{ status: string }>())?.status).toBe('approved');
    // The publisher finds it on the desk and publishes it once.
    const tweets = x.tweets.length;
    await publishJob.run({ ctx: t.ctx, client: t.smx.app.client });
    await outboxSettled(15_000);
    expect(x.tweets.length).toBe(tweets + 1);
    expect((await Post.findOne({ shortId: id }).lean())?.status).toBe('published');
    await deskMatchesArchive();
    expect(visibleText((await t.command('queue')).responses[0]?.body)).toBe(
      visibleText({ ...queueMessage(await archiveQueue(), t.ctx.config.timezone) }),
    );
    // The plan of this week from the desk equals the plan from the archive's posts (published ones included).
    const plan = await buildPlan(t.ctx, 4);
    const thisWeek = plan.weeks[0]?.cells.find((c) => c.target === 'x');
    const start = plan.weeks[0]?.start as Date;
    const archived = await Post.find({
      status: { $in: ['pending_approval', 'approved', 'publishing', 'published', 'needs_check'] },
      targets: 'x',
      scheduledAt: { $gte: start, $lt: new Date(start.getTime() + 7 * DAY) },
    }).lean();
    expect(thisWeek?.published).toBe(archived.filter((p) => p.status === 'published').length);
    expect(thisWeek?.published).toBeGreaterThan(0);
    // Nine days on, the trim (every publisher tick) drops final posts scheduled before the window, keeps the rest.
    clock = new Date(NOW.getTime() + 9 * DAY);
    await publishJob.run({ ctx: t.ctx, client: t.smx.app.client });
    const left = await PostDesk.find({}).lean<Array<{ shortId: string }>>();
    expect(left.some((p) => p.shortId === id)).toBe(false);
    expect(left.map((p) => p.shortId).sort()).toEqual(
      (await Post.find({ status: { $in: QUEUE_STATUSES } }).lean()).map((p) => p.shortId).sort(),
    );
    expect((await listQueue(clock)).map((p) => p.shortId)).toEqual(
      (await archiveQueue()).map((p) => p.shortId),
    );
    clock = NOW;
  });

  test('a second backfill (another instance at the same time) changes nothing', async () => {
    const before = await PostDesk.find({}).sort({ _id: 1 }).lean();
    // At the clock of the last trim (nine days on), as another instance would run it.
    const res = await backfillPostWorkingSet(new Date(NOW.getTime() + 9 * DAY));
    expect(res.copies).toBe(0);
    expect(await PostDesk.find({}).sort({ _id: 1 }).lean()).toEqual(before);
  });
  test('a copy a write hook could not make never fails the write; the next desk read makes it', async () => {
    const [post] = await Post.find({ status: 'pending_approval' }).limit(1).lean();
    if (!post) throw new Error('no waiting post');
    // The post changes, and its hook's copying fails (the database failing right after the post's own write).
    await Post.collection.updateOne({ _id: post._id }, { $set: { text: 'Changed after the copy failed' } });
    await followPostWrite([post._id], async () => {
      throw new Error('connection closed');
    });
    expect((await PostDesk.collection.findOne({ _id: post._id }))?.text).toBe(post.text); // stale until the next read
    const q = visibleText((await t.command('queue')).responses[0]?.body);
    expect(q).toBe(visibleText({ ...queueMessage(await archiveQueue(), t.ctx.config.timezone) }));
    expect((await PostDesk.collection.findOne({ _id: post._id }))?.text).toBe(
      'Changed after the copy failed',
    );
    await deskMatchesArchive();
  });

  test('the nightly reconciliation mends a stale, a missing and a ghost copy (a crash between two writes)', async () => {
    const waiting = await Post.find({ status: { $in: QUEUE_STATUSES } }).lean();
    const [stale, missing] = waiting;
    if (!stale || !missing) throw new Error('need two posts in the queue');
    await PostDesk.collection.updateOne({ _id: stale._id }, { $set: { status: 'publishing' } });
    await PostDesk.collection.deleteOne({ _id: missing._id });
    const ghost = new Types.ObjectId();
    await PostDesk.collection.insertOne({ _id: ghost, status: 'pending_approval', text: 'deleted long ago' });
    // At the clock of the last trim (nine days on), as the nightly job would run it.
    const at = new Date(NOW.getTime() + 9 * DAY);
    const res = await reconcilePostWorkingSet(at);
    expect(res.recopied).toBe(3);
    expect(await PostDesk.findById(ghost).lean()).toBeNull();
    await deskMatchesArchive();
    const copies = await PostDesk.find({ _id: { $in: [stale._id, missing._id] } }).lean();
    expect(copies).toHaveLength(2);
    // Nothing left to mend.
    expect((await reconcilePostWorkingSet(at)).recopied).toBe(0);
  });
});
