import { digestJob } from '../../jobs/digest';
import { AudienceSnapshot } from '../../models/audience-snapshot';
import { QuotaSpend } from '../../models/quota-spend';
import { Review } from '../../models/review';
import { SourceState } from '../../models/source-state';
import { youtube } from '../../src/adapters/youtube';
import type { SmxContext } from '../../src/context';
import { runIngest } from '../../src/services/ingest';
import { takeAudienceSnapshots } from '../../src/services/snapshots';
import { FakeSlack } from '../fakes/slack';
import { FakeYouTube, YT_CHANNEL } from '../fakes/youtube';
import { startTestApp, type TestApp, visibleText } from '../support/app';
import { useTestDatabase } from '../support/db';
import { recordedSleep } from '../support/ingest';

const DIGEST = 'CDIGEST';
const NOW = new Date('2026-11-24T04:30:00Z'); // 10:00 IST, 20:30 Pacific on the 23rd
const VIEWER = 'UCviewer0000000000000001';

const at = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString();

describe('YouTube: comments as feedback, quota, audience, /smx videos', () => {
  const db = useTestDatabase();
  let slack: FakeSlack;
  let yt: FakeYouTube;
  let t: TestApp;
  const sleep = recordedSleep();
  const ingest = (ctx: SmxContext = t.ctx) => runIngest(ctx, { sources: [youtube], retry: sleep.retry });

  beforeAll(async () => {
    slack = await new FakeSlack().start();
    yt = await new FakeYouTube().start();
    // 150 threads: two pages of 100. One top-level comment is the channel's own; one thread has the channel's reply.
    for (let i = 0; i < 148; i++) {
      yt.thread(`t${i}`, 'vid1', {
        author: `Viewer ${i}`,
        authorChannelId: VIEWER,
        text: `Comment number ${i}`,
        publishedAt: at(10 + i),
      });
    }
    yt.thread('own', 'vid1', {
      author: 'City Hospital',
      authorChannelId: YT_CHANNEL,
      text: 'Thanks for watching!',
      publishedAt: at(5),
    });
    yt.thread(
      'cold',
      'vid2',
      {
        author: 'Asha',
        authorChannelId: VIEWER,
        text: 'The waiting room was freezing during my visit',
        publishedAt: at(6),
      },
      [
        {
          id: 'cold.r1',
          author: 'City Hospital',
          authorChannelId: YT_CHANNEL,
          text: 'Sorry, we are on it',
          publishedAt: at(4),
        },
        {
          id: 'cold.r2',
          author: 'Ravi',
          authorChannelId: VIEWER,
          text: 'Same for me last week',
          publishedAt: at(3),
        },
      ],
    );
    yt.video({
      id: 'vid1',
      title: 'Flu shots at City Hospital',
      description: 'Get your flu shot this week.',
      tags: ['flu'],
      publishedAt: '2026-11-20T10:00:00Z',
    });
    yt.video({
      id: 'vid2',
      title: 'Our new wing',
      description: 'A tour of the new wing #CityHospital',
      publishedAt: '2026-11-18T10:00:00Z',
    });
    t = await startTestApp({
      db: db(),
      slack,
      now: () => NOW,
      env: { ...yt.env(), SMX_DIGEST_CHANNEL: DIGEST, SMX_APPROVERS: 'U0BOSS' },
    });
  });
  afterAll(async () => {
    await t.stop();
    await slack.close();
    await yt.close();
  });

  test('comments arrive paged and newest first; the channel’s own comments and replies are skipped; the cursor holds', async () => {
    const [first] = await ingest();
    expect(first).toMatchObject({ source: 'youtube', ok: true, created: 150 });
    const calls = yt.callsTo('GET', /\/commentThreads$/);
    expect(calls).toHaveLength(2);
    expect(calls[0]?.query).toMatchObject({
      part: 'snippet,replies',
      allThreadsRelatedToChannelId: YT_CHANNEL,
      order: 'time',
      maxResults: '100',
    });
    expect(calls[1]?.query.pageToken).toBe('p100');
    const stored = await Review.find({ source: 'youtube' }).lean();
    const texts = stored.map((r) => r.text);
    expect(texts).toContain('The waiting room was freezing during my visit');
    expect(texts).toContain('Same for me last week');
    expect(texts).not.toContain('Thanks for watching!');
    expect(texts).not.toContain('Sorry, we are on it');
    const reply = stored.find((r) => r.text === 'Same for me last week');
    expect(reply?.url).toBe('https://www.youtube.com/watch?v=vid2&lc=cold.r2');

    // A new comment: the next run reads one page, stops at the cursor and stores only it.
    yt.thread('new', 'vid2', {
      author: 'Meera',
      authorChannelId: VIEWER,
      text: 'Great staff',
      publishedAt: at(1),
    });
    const [second] = await ingest();
    expect(second).toMatchObject({ ok: true, created: 1 });
    expect(yt.callsTo('GET', /\/commentThreads$/)).toHaveLength(3);
  });

  test('a comment on a hospital video appears in the next digest', async () => {
    await digestJob.run({ ctx: t.ctx, client: t.smx.app.client });
    const text = slack
      .channelMessages(DIGEST)
      .map((m) => visibleText({ text: m.text, blocks: m.blocks }))
      .join('\n');
    expect(text).toContain('The waiting room was freezing during my visit');
  });

  test('subscribers and views go into the audience snapshot and /smx metrics', async () => {
    const out = await takeAudienceSnapshots(t.ctx);
    expect(out.find((o) => o.target === 'youtube')).toMatchObject({ ok: true, followers: 1520 });
    const snap = await AudienceSnapshot.findOne({ target: 'youtube' }).lean();
    expect(snap).toMatchObject({ followers: 1520, likes: 48210, day: '2026-11-24' });
    const { responses } = await t.command('metrics 7d');
    const text = visibleText(responses[0]?.body);
    expect(text).toContain('YouTube channel: 48,210 views · *1,520 subscribers*');
  });

  test('/smx videos flags the video whose description lacks the required tag and passes the one that has it', async () => {
    await t.command('tags require #CityHospital', { user: 'U0BOSS' });
    const { responses } = await t.command('videos');
    const body = responses[0]?.body;
    const text = visibleText(body);
    expect(text).toContain('Flu shots at City Hospital');
    expect(text).toContain('missing required #CityHospital');
    expect(text).not.toContain('Our new wing');
    expect(text).toContain('1 of 2 recent videos miss tags');
  });

  test('every unit is counted and shown in /smx sources; reads back off before the quota runs out', async () => {
    const spent = await QuotaSpend.find({ service: 'youtube' }).lean();
    const units = spent.reduce((n, s) => n + s.units, 0);
    // Everything the fake charged, smx counted (token exchanges are free).
    expect(units).toBe(yt.unitsUsed);
    let { responses } = await t.command('sources');
    expect(visibleText(responses[0]?.body)).toContain(`Quota today: ${units} of 10,000 units used`);

    // A budget with only the reserve left: the read is not sent at all.
    const tight: SmxContext = {
      ...t.ctx,
      config: {
        ...t.ctx.config,
        youtube: {
          ...(t.ctx.config.youtube as NonNullable<SmxContext['config']['youtube']>),
          dailyQuota: units + 100,
          quotaReserve: 100,
        },
      },
    };
    const apiCalls = () => yt.calls.filter((c) => c.path !== '/token').length;
    const before = apiCalls();
    const [refused] = await ingest(tight);
    expect(refused).toMatchObject({ ok: false });
    expect(refused && !refused.ok && refused.error).toContain('kept for approved updates');
    expect(apiCalls()).toBe(before);
    expect((await SourceState.findById('youtube').lean())?.lastError).toContain('YouTube quota');

    // YouTube itself says the quota is gone (another app on the same project spent it): smx stops for the day.
    yt.dailyQuota = yt.unitsUsed;
    const [exhausted] = await ingest();
    expect(exhausted).toMatchObject({ ok: false });
    expect(exhausted && !exhausted.ok && exhausted.error).toContain('quotaExceeded');
    expect(sleep.waits).toEqual([]); // not retried: waiting would not bring units back today
    const afterExhausted = apiCalls();
    const [again] = await ingest();
    expect(again && !again.ok && again.error).toContain('YouTube said today');
    expect(apiCalls()).toBe(afterExhausted);
    ({ responses } = await t.command('sources'));
    expect(visibleText(responses[0]?.body)).toContain('YouTube said it is used up');
  });
});
