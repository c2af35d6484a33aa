import { Review } from '../../../models/review';
import { SourceState } from '../../../models/source-state';
import { x } from '../../../src/adapters/x';
import { runIngest } from '../../../src/services/ingest';
import { FakeX } from '../../fakes/x';
import { useTestDatabase } from '../../support/db';
import { ingestContext, recordedSleep } from '../../support/ingest';

const NOW = new Date('2026-11-24T12:00:00Z');
const asha = { id: '11', username: 'asha_k', name: 'Asha K' };

describe('X mentions', () => {
  const db = useTestDatabase();
  let fx: FakeX;

  beforeEach(async () => {
    fx = await new FakeX().start();
    await Review.deleteMany({});
    await SourceState.deleteMany({});
  });
  afterEach(async () => {
    await fx.close();
  });

  test('pages through mentions, stores them scored by text, and keeps since_id as the cursor', async () => {
    for (let i = 1; i <= 150; i++)
      fx.mention(String(1000 + i), `@CityHospital thanks for the great care ${i}`, asha);
    fx.mention('2000', '@CityHospital the ER wait was awful and nobody cared', asha);
    fx.mention('2001', 'we are hiring nurses @CityHospital', fx.me); // our own tweet
    const ctx = ingestContext(db(), fx.env(), () => NOW);

    const [outcome] = await runIngest(ctx, { sources: [x] });
    expect(outcome).toMatchObject({ source: 'x', ok: true, created: 151 });
    const mentionCalls = fx.callsTo('GET', /\/mentions$/);
    expect(mentionCalls.map((c) => c.query.pagination_token ?? '-')).toEqual(['-', '100']);
    expect(mentionCalls[0]?.query.since_id).toBeUndefined();
    expect(mentionCalls[0]?.headers.authorization).toMatch(/^OAuth /);

    const bad = await Review.findOne({ source: 'x', externalId: '2000' }).lean();
    expect(bad).toMatchObject({
      sentiment: 'negative',
      rating: null,
      authorName: 'Asha K (@asha_k)',
      url: 'https://x.com/asha_k/status/2000',
      postedAt: new Date('2026-11-24T09:00:00.000Z'),
    });
    expect((await SourceState.findById('x').lean())?.cursor).toBe('2001');

    fx.calls.length = 0;
    fx.mention('2002', '@CityHospital where do I park?', asha);
    const [next] = await runIngest(ctx, { sources: [x] });
    expect(next).toMatchObject({ ok: true, created: 1, duplicate: 0 });
    expect(fx.callsTo('GET', /\/mentions$/)[0]?.query.since_id).toBe('2001');
    expect((await SourceState.findById('x').lean())?.cursor).toBe('2002');
  });

  test('429 waits until the rate-limit reset, then retries', async () => {
    fx.mention('3000', '@CityHospital hello', asha);
    const reset = Math.floor(NOW.getTime() / 1000) + 42;
    fx.failNext('GET', /\/mentions$/, {
      status: 429,
      headers: {
        'x-rate-limit-limit': '75',
        'x-rate-limit-remaining': '0',
        'x-rate-limit-reset': String(reset),
      },
      body: { title: 'Too Many Requests', status: 429 },
    });
    const sleep = recordedSleep();
    const ctx = ingestContext(db(), fx.env(), () => NOW);
    const [outcome] = await runIngest(ctx, { sources: [x], retry: sleep.retry });
    expect(outcome).toMatchObject({ ok: true, created: 1 });
    expect(sleep.waits).toEqual([42_000]);
  });

  test('a reset too far away is not waited for: the run reports rate_limited and keeps the cursor', async () => {
    fx.mention('3000', '@CityHospital hello', asha);
    const reset = Math.floor(NOW.getTime() / 1000) + 15 * 60;
    fx.failNext('GET', /\/mentions$/, {
      status: 429,
      headers: {
        'x-rate-limit-limit': '75',
        'x-rate-limit-remaining': '0',
        'x-rate-limit-reset': String(reset),
      },
      body: { title: 'Too Many Requests', status: 429 },
    });
    const sleep = recordedSleep();
    const ctx = ingestContext(db(), fx.env(), () => NOW);
    const [outcome] = await runIngest(ctx, { sources: [x], retry: sleep.retry });
    expect(outcome?.ok === false && outcome.error).toMatch(/^rate_limited: /);
    expect(sleep.waits).toEqual([]);
    expect(await Review.countDocuments({ source: 'x' })).toBe(0);
    expect((await SourceState.findById('x').lean())?.cursor ?? null).toBeNull();
  });

  test('refused credentials are an auth error', async () => {
    const ctx = ingestContext(db(), { ...fx.env(), TWITTER_APP_KEY: 'wrong' }, () => NOW);
    const [outcome] = await runIngest(ctx, { sources: [x] });
    expect(outcome?.ok === false && outcome.error).toMatch(
      /^auth: X account: credentials refused \(HTTP 401\)/,
    );
  });
});
