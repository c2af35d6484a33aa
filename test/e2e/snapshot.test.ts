import { snapshotJob } from '../../jobs/snapshot';
import { AudienceSnapshot } from '../../models/audience-snapshot';
import { SourceState } from '../../models/source-state';
import { computeMetrics } from '../../src/services/metrics';
import { type FakeAudience, startFakeAudience } from '../fakes/audience';
import { startTestApp, type TestApp, visibleText } from '../support/app';
import { useTestDatabase } from '../support/db';

describe('daily audience snapshot job', () => {
  const db = useTestDatabase();
  let t: TestApp;
  let fake: FakeAudience;
  let now = new Date('2026-11-23T18:20:00Z'); // 23:50 IST on Mon 23 Nov

  beforeAll(async () => {
    fake = await startFakeAudience('page1');
    t = await startTestApp({
      db: db(),
      now: () => now,
      env: {
        FACEBOOK_PAGE_ID: 'page1',
        FACEBOOK_PAGE_TOKEN: 'page-token',
        FACEBOOK_GRAPH_URL: fake.graphUrl,
        TWITTER_APP_KEY: 'k',
        TWITTER_APP_SECRET: 's',
        TWITTER_ACCESS_TOKEN: 't',
        TWITTER_ACCESS_SECRET: 'ts',
        TWITTER_API_URL: fake.xUrl,
      },
    });
  });
  afterAll(async () => {
    await t.stop();
    await fake.close();
  });

  test('stores Facebook likes/followers and X followers for the local day, and marks both sources fine', async () => {
    await snapshotJob.run({ ctx: t.ctx, client: t.smx.app.client });
    const rows = await AudienceSnapshot.find({}).sort({ _id: 1 }).lean();
    expect(rows).toMatchObject([
      { _id: 'facebook:2026-11-23', target: 'facebook', day: '2026-11-23', likes: 900, followers: 1000 },
      { _id: 'x:2026-11-23', target: 'x', day: '2026-11-23', likes: null, followers: 250 },
    ]);
    const fbReq = fake.requests.find((r) => r.url.startsWith('/v21.0/page1'));
    expect(fbReq?.url).toContain('fields=fan_count%2Cfollowers_count');
    expect(fbReq?.authorization).toBe('Bearer page-token');
    const xReq = fake.requests.find((r) => r.url.startsWith('/2/users/me'));
    expect(xReq?.authorization).toMatch(/^OAuth /);
    const states = await SourceState.find({ _id: { $in: ['audience:facebook', 'audience:x'] } }).lean();
    expect(states).toHaveLength(2);
    for (const s of states) expect(s).toMatchObject({ lastError: null, lastSuccessAt: now });
  });

  test('a failed fetch is recorded per source, the other still stored, and retried the next day', async () => {
    now = new Date('2026-11-24T18:20:00Z');
    fake.failX = 1;
    fake.fb = { fan_count: 930, followers_count: 1040 };
    await snapshotJob.run({ ctx: t.ctx, client: t.smx.app.client });
    expect(await AudienceSnapshot.findById('facebook:2026-11-24').lean()).toMatchObject({ followers: 1040 });
    expect(await AudienceSnapshot.findById('x:2026-11-24').lean()).toBeNull();
    const xState = await SourceState.findById('audience:x').lean();
    expect(xState?.lastError).toMatch(/429/);
    expect(xState?.lastErrorAt).toEqual(now);

    // `/smx sources` lists the failed reading (the ingest helper's command shows every SourceState row)
    const { responses } = await t.command('sources');
    const listed = visibleText(responses[0]?.body);
    expect(listed).toContain('*X audience (followers)*');
    expect(listed).toMatch(/429/);

    // metrics shows X from its last good reading, and Facebook growth since the previous period
    const r = await computeMetrics(t.ctx, '7d');
    expect(r.audience.find((a) => a.target === 'x')).toMatchObject({
      available: true,
      followers: 250,
      day: '2026-11-23',
    });

    now = new Date('2026-11-25T18:20:00Z');
    fake.xFollowers = 260;
    await snapshotJob.run({ ctx: t.ctx, client: t.smx.app.client });
    expect(await AudienceSnapshot.findById('x:2026-11-25').lean()).toMatchObject({ followers: 260 });
    expect(await SourceState.findById('audience:x').lean()).toMatchObject({ lastError: null });
  });

  test('a Graph error is recorded with its message; no snapshot means metrics says why', async () => {
    await AudienceSnapshot.deleteMany({ target: 'facebook' });
    now = new Date('2026-11-26T18:20:00Z');
    fake.failFacebook = 1;
    await snapshotJob.run({ ctx: t.ctx, client: t.smx.app.client });
    const fbState = await SourceState.findById('audience:facebook').lean();
    expect(fbState?.lastError).toBe(
      'auth: Graph refused the page token (code 190): Invalid OAuth access token',
    );
    const r = await computeMetrics(t.ctx, '7d');
    expect(r.audience.find((a) => a.target === 'facebook')).toEqual({
      target: 'facebook',
      label: 'Facebook Page',
      names: { followers: 'followers', likes: 'likes' },
      available: false,
      reason:
        'no Facebook Page audience reading yet — the last daily snapshot failed (auth: Graph refused the page token (code 190): Invalid OAuth access token); it is retried tomorrow',
    });
  });
});
