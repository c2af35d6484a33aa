/**
 * A hospital's first week, ingest (issue 10): history on first connect reaches the archive but not the digest
 * cards, one failing Facebook feed never blocks the other, and a digest due while an ingest runs waits for it.
 * Against the fake Slack and Graph servers and the real test database.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { digestJob } from '../../jobs/digest';
import { startJobs } from '../../jobs/index';
import { ingestJob } from '../../jobs/ingest';
import type { Job } from '../../jobs/types';
import { Claim } from '../../models/claim';
import { DigestInbox } from '../../models/digest-inbox';
import { Review } from '../../models/review';
import { SourceState } from '../../models/source-state';
import { FEED_FAILED } from '../../src/adapters/facebook';
import { SourceError } from '../../src/adapters/http';
import { runDigest } from '../../src/services/digest';
import { importFile } from '../../src/services/import';
import { ingestsInProgress, runIngest } from '../../src/services/ingest';
import { computeMetrics } from '../../src/services/metrics';
import { REVIEW_ACTION_IDS } from '../../src/slack/ids';
import { FakeGraph } from '../fakes/graph';
import { waitFor } from '../fakes/http';
import { FakeSlack, type StoredMessage } from '../fakes/slack';
import { startTestApp, type TestApp, visibleText } from '../support/app';
import { useTestDatabase } from '../support/db';

const DIGEST = 'CDIGEST';
/** Tue 1 Dec 2026, 08:00 in Asia/Kolkata. */
const NOW = new Date('2026-12-01T02:30:00.000Z');
const hoursAgo = (h: number) =>
  new Date(NOW.getTime() - h * 3600_000).toISOString().replace('.000Z', '+0000');

const PERMISSION_MISSING = {
  status: 403,
  body: {
    error: {
      message: "(#10) This endpoint requires the 'pages_read_user_content' permission",
      type: 'OAuthException',
      code: 10,
    },
  },
};

describe('first week: history, independent Facebook feeds, digest after ingest', () => {
  const db = useTestDatabase();
  let t: TestApp;
  let slack: FakeSlack;
  let graph: FakeGraph;
  let dir: string;

  const digestTops = (): StoredMessage[] =>
    slack.channelMessages(DIGEST).filter((m) => m.thread_ts === undefined);

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smx-firstweek-'));
    slack = await new FakeSlack().start();
    graph = await new FakeGraph().start();
    t = await startTestApp({
      db: db(),
      slack,
      now: () => NOW,
      env: { ...graph.env(), SMX_DIGEST_CHANNEL: DIGEST },
    });
  });
  afterAll(async () => {
    await t.stop();
    await slack.close();
    await graph.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await Promise.all([
      Review.deleteMany({}),
      DigestInbox.deleteMany({}),
      Claim.deleteMany({}),
      SourceState.deleteMany({}),
    ]);
    graph.ratings.length = 0;
    graph.posts.length = 0;
    graph.ratingsDeprecated = false;
    graph.calls.length = 0;
    slack.messages.clear();
  });

  test('with Facebook comments failing (permission missing), recommendations still arrive; sources shows the fix', async () => {
    graph.ratings.push({
      created_time: hoursAgo(5),
      recommendation_type: 'positive',
      review_text: 'Kind nurses in the maternity ward',
      open_graph_story: { id: 'story-1' },
    });
    graph.addPost(`${graph.pageId}_1`, hoursAgo(30), [
      { id: 'c1', message: 'Is the OPD open on Sunday?', created_time: hoursAgo(2) },
    ]);
    graph.failNext('GET', '/posts$', PERMISSION_MISSING);

    const [outcome] = await runIngest(t.ctx);
    expect(outcome).toMatchObject({ source: 'facebook', ok: true, created: 1 });
    expect(await Review.find({ source: 'facebook' }).lean()).toMatchObject([
      { externalId: 'story-1', text: 'Kind nurses in the maternity ward' },
    ]);
    const expected = FEED_FAILED(
      'Facebook comments',
      new SourceError(
        'auth',
        "Graph refused the page token (code 10): (#10) This endpoint requires the 'pages_read_user_content' permission",
      ),
      'Recommendations',
    );
    expect((await SourceState.findById('facebook').lean())?.lastError).toBe(expected);
    const sources = visibleText((await t.command('sources')).responses[0]?.body);
    expect(sources).toContain('Facebook comments failed');
    expect(sources).toContain('fix: give the Page token (FACEBOOK_PAGE_TOKEN) the pages_read_engagement');
    expect(sources).toContain('Recommendations still come in.');

    // Fixed: the next run fetches the comments it missed (their cursor did not move) and clears the error.
    const [second] = await runIngest(t.ctx);
    expect(second).toMatchObject({ ok: true, created: 1, duplicate: 0 });
    expect(await Review.countDocuments({ source: 'facebook', externalId: 'comment_c1' })).toBe(1);
    expect((await SourceState.findById('facebook').lean())?.lastError).toBeNull();
  });

  test('with recommendations failing, comments still arrive; with both failing, the source fails', async () => {
    graph.ratings.push({ created_time: hoursAgo(5), recommendation_type: 'negative', review_text: 'Rude' });
    graph.addPost(`${graph.pageId}_1`, hoursAgo(30), [
      { id: 'c2', message: 'Thank you for the quick care', created_time: hoursAgo(1) },
    ]);
    graph.failNext('GET', '/ratings$', PERMISSION_MISSING);
    const [outcome] = await runIngest(t.ctx);
    expect(outcome).toMatchObject({ ok: true, created: 1 });
    expect((await Review.findOne({ source: 'facebook' }).lean())?.externalId).toBe('comment_c2');
    expect((await SourceState.findById('facebook').lean())?.lastError).toMatch(
      /^Facebook recommendations failed .* Comments still come in\.$/,
    );

    graph.failNext('GET', '/ratings$', PERMISSION_MISSING);
    graph.failNext('GET', '/posts$', PERMISSION_MISSING);
    const [both] = await runIngest(t.ctx);
    expect(both).toMatchObject({ ok: false });
    // Recommendations not served by the Graph version and comments failing: nothing came in, the source failed.
    graph.ratingsDeprecated = true;
    graph.failNext('GET', '/posts$', PERMISSION_MISSING);
    const [third] = await runIngest(t.ctx);
    expect(third).toMatchObject({ ok: false });
    expect((await SourceState.findById('facebook').lean())?.lastError).toContain('(code 10)');
  });

  test('two years of imported history: stored for /smx reviews, the digest carries last week plus one line', async () => {
    const lines = ['external_id,rating,text,author,url,posted_at,facility'];
    // 24 months of history, 5 reviews a month, then 3 from the last week.
    for (let m = 0; m < 24; m++) {
      for (let i = 0; i < 5; i++) {
        const day = new Date(Date.UTC(2024, 11 + m, 2 + i, 6));
        lines.push(`H${m}-${i},${(i % 5) + 1},"Visit ${m}/${i}",,,${day.toISOString()},`);
      }
    }
    const iso = (h: number) => new Date(NOW.getTime() - h * 3600_000).toISOString();
    lines.push(`R1,1,"Billing desk kept me waiting",,,${iso(30)},`);
    lines.push(`R2,5,"Wonderful physiotherapy team",,,${iso(50)},`);
    lines.push(`R3,5,"Great doctors - can I book online?",,,${iso(70)},`);
    const file = path.join(dir, 'mouthshut-history.csv');
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    const lastMonthBefore = (await computeMetrics(t.ctx, 'last-month')).reviews.total.value;
    const thisMonthBefore = (await computeMetrics(t.ctx, 'this-month')).reviews.total.value;
    const imported = await importFile(file, { source: 'mouthshut', facility: 'City Hospital' }, t.ctx);
    expect(imported).toMatchObject({ inserted: 123, rejected: [] });

    const [outcome] = await runDigest(t.ctx, t.smx.app.client);
    expect(outcome).toMatchObject({ status: 'posted', items: 123, replies: 0 });
    const [top] = digestTops();
    const text = visibleText({ text: top?.text, blocks: top?.blocks });
    expect(text).toContain('*3 new items*');
    expect(text).toContain(
      ':file_cabinet: 120 older reviews from Mouthshut, 2024–2026, imported — see `/smx reviews all`',
    );
    expect(text).toContain('Billing desk kept me waiting');
    expect(text).not.toContain('Visit 3/1');
    expect(text).not.toContain('mouthshut');
    // Buttons: the negative and the positive that asks a question, not the plain praise.
    const buttons = JSON.stringify(top?.blocks);
    expect(buttons.split(REVIEW_ACTION_IDS.markHandled).length - 1).toBe(2);
    // Every item left the inbox with this digest; the archive keeps all of them.
    expect(await DigestInbox.countDocuments()).toBe(0);
    expect(await Review.countDocuments({ source: 'mouthshut' })).toBe(123);
    // Metrics count each review in the month it was written: November 2026 gains its 5 historic reviews and the 3 of
    // the last week (30–70 h before 08:00 IST on 1 Dec), December gains none of the 123.
    expect((await computeMetrics(t.ctx, 'last-month')).reviews.total.value).toBe(lastMonthBefore + 8);
    expect((await computeMetrics(t.ctx, 'this-month')).reviews.total.value).toBe(thisMonthBefore);
    const metrics = visibleText((await t.command('metrics last-month')).responses[0]?.body);
    expect(metrics).toContain(`${lastMonthBefore + 8} reviews and feedback`);
    const all = visibleText((await t.command('reviews all')).responses[0]?.body);
    expect(all).toContain('Mouthshut');
    expect(slack.violations).toEqual([]);
  });

  test('a digest due while an ingest is storing items waits for it instead of posting a quiet day', async () => {
    graph.ratings.push({
      created_time: hoursAgo(3),
      recommendation_type: 'negative',
      review_text: 'Waited four hours in casualty',
      open_graph_story: { id: 'story-slow' },
    });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    graph.route('GET', '/:page/ratings', async (req) => {
      await gate;
      return graph.list(graph.ratings, req);
    });
    const ingest = runIngest(t.ctx);
    await waitFor('the ingest to reach Graph', () =>
      graph.callsTo('GET', '/ratings$').length > 0 ? true : undefined,
    );
    expect(await ingestsInProgress(NOW)).toBe(1);
    const digest = runDigest(t.ctx, t.smx.app.client, { pollMs: 50 });
    await new Promise((r) => setTimeout(r, 300));
    expect(digestTops()).toHaveLength(0); // still waiting
    release();
    await ingest;
    const [outcome] = await digest;
    expect(outcome).toMatchObject({ status: 'posted', items: 1 });
    const [top] = digestTops();
    expect(visibleText({ text: top?.text, blocks: top?.blocks })).toContain('Waited four hours in casualty');
    expect(await ingestsInProgress(NOW)).toBe(0);
    graph.routes.shift();
  });

  test('an 08:00 digest with an 08:00 ingest (fired a moment after it) carries the newly stored items, not a quiet day', async () => {
    graph.ratings.push({
      created_time: hoursAgo(2),
      recommendation_type: 'negative',
      review_text: 'Parking was full again at eight',
      open_graph_story: { id: 'story-eight' },
    });
    // Storing takes a while: Graph answers after 1.5 s.
    graph.route('GET', '/:page/ratings', async (req) => {
      await new Promise((r) => setTimeout(r, 1500));
      return graph.list(graph.ratings, req);
    });
    // Both jobs on the same schedule, a few seconds from now (the test's "08:00"); the scheduler fires the digest
    // first and the ingest 300 ms later, the order a busy host may pick.
    const second = (new Date().getSeconds() + 3) % 60;
    const cron = `${second} * * * * *`;
    const ctx = {
      ...t.ctx,
      config: { ...t.ctx.config, ingestCron: cron, digest: { ...t.ctx.config.digest, cron } },
    };
    const lateIngest: Job = {
      ...ingestJob,
      async run(deps) {
        await new Promise((r) => setTimeout(r, 300));
        await ingestJob.run(deps);
      },
    };
    const stop = startJobs(ctx, t.smx.app.client, [lateIngest, { ...digestJob, catchUp: undefined }]);
    try {
      await waitFor('the digest', () => (digestTops().length > 0 ? true : undefined), 30_000);
    } finally {
      await stop();
    }
    const [top] = digestTops();
    const text = visibleText({ text: top?.text, blocks: top?.blocks });
    expect(text).toContain('Parking was full again at eight');
    expect(text).not.toMatch(/quiet day/i);
    expect(await ingestsInProgress(NOW)).toBe(0);
    graph.routes.shift();
  });

  test('a marker past its run bound (a dead or hung ingest) does not hold the digest', async () => {
    await Claim.create({
      _id: 'ingest:running:dead-instance:1',
      owner: 'dead-instance',
      claimedAt: new Date(NOW.getTime() - 11 * 60_000),
      until: new Date(NOW.getTime() - 60_000),
    });
    expect(await ingestsInProgress(NOW)).toBe(0);
    const [outcome] = await runDigest(t.ctx, t.smx.app.client, { pollMs: 50 });
    expect(outcome?.status).toBe('quiet');
  });
});
