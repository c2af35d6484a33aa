import { DigestInbox } from '../../../models/digest-inbox';
import { Review } from '../../../models/review';
import { SourceState } from '../../../models/source-state';
import { google } from '../../../src/adapters/google';
import { runIngest } from '../../../src/services/ingest';
import { FakeGoogle, type FakeGoogleReview } from '../../fakes/google';
import { useTestDatabase } from '../../support/db';
import { ingestContext, recordedSleep } from '../../support/ingest';

const STARS = ['ONE', 'TWO', 'THREE', 'FOUR', 'FIVE'] as const;
const NOW = new Date('2026-11-24T12:00:00Z');

function review(i: number, over: Partial<FakeGoogleReview> = {}): FakeGoogleReview {
  const t = new Date(Date.UTC(2026, 10, 1) + i * 3600_000).toISOString();
  return {
    reviewId: `rev-${i}`,
    reviewer: { displayName: `Patient ${i}` },
    starRating: STARS[i % 5],
    comment: `Visit number ${i}`,
    createTime: t,
    updateTime: t,
    ...over,
  };
}

describe('Google Business Profile reviews', () => {
  const db = useTestDatabase();
  let g: FakeGoogle;

  beforeEach(async () => {
    g = await new FakeGoogle().start();
    await Review.deleteMany({ source: 'google' });
    await SourceState.deleteMany({});
  });
  afterEach(async () => {
    await g.close();
  });

  test('pages through every location with a refreshed token; the location name is the facility', async () => {
    g.add('locations/1', ...Array.from({ length: 120 }, (_, i) => review(i)));
    g.add(
      'locations/2',
      review(500, { reviewer: { isAnonymous: true }, starRating: 'ONE', comment: 'Rude' }),
    );
    const ctx = ingestContext(db(), g.env('locations/1=City Hospital,locations/2=North Clinic'), () => NOW);

    const [outcome] = await runIngest(ctx, { sources: [google] });
    expect(outcome).toMatchObject({ source: 'google', ok: true, created: 121, duplicate: 0 });
    expect(g.callsTo('POST', /\/token$/)).toHaveLength(1);
    expect(g.callsTo('POST', /\/token$/)[0]?.fields).toMatchObject({ grant_type: 'refresh_token' });
    // 120 reviews at 50 a page = 3 pages; one page for the other location.
    expect(g.reviewCalls().map((c) => c.query.pageToken ?? '-')).toEqual(['-', '50', '100', '-']);
    expect(g.reviewCalls()[0]?.query).toMatchObject({ pageSize: '50', orderBy: 'updateTime desc' });

    expect(await Review.countDocuments({ source: 'google', facility: 'City Hospital' })).toBe(120);
    const north = await Review.findOne({ source: 'google', externalId: 'rev-500' }).lean();
    expect(north).toMatchObject({
      facility: 'North Clinic',
      rating: 1,
      sentiment: 'negative',
      status: 'new',
      ingestedAt: NOW,
    });
    // An anonymous reviewer's name is not stored (an empty optional field is not written at all).
    expect(north?.authorName ?? null).toBeNull();
    const state = await SourceState.findById('google').lean();
    expect(state?.lastSuccessAt).toEqual(NOW);
    expect(state?.lastError).toBeNull();
  });

  test('the next run stops at the cursor: one page per location, nothing stored twice', async () => {
    g.add('locations/1', ...Array.from({ length: 120 }, (_, i) => review(i)));
    const ctx = ingestContext(db(), g.env(), () => NOW);
    await runIngest(ctx, { sources: [google] });
    g.calls.length = 0;

    g.add('locations/1', review(200));
    const [outcome] = await runIngest(ctx, { sources: [google] });
    expect(outcome).toMatchObject({ ok: true, created: 1, duplicate: 0, updated: 0 });
    expect(g.reviewCalls()).toHaveLength(1);
    expect(await Review.countDocuments({ source: 'google' })).toBe(121);

    const [again] = await runIngest(ctx, { sources: [google] });
    expect(again).toMatchObject({ ok: true, created: 0, duplicate: 0, updated: 0 });
  });

  test('an edited review updates the stored one without making it new again', async () => {
    g.add('locations/1', review(1, { starRating: 'FIVE', comment: 'Lovely staff' }), review(2));
    const ctx = ingestContext(db(), g.env(), () => NOW);
    await runIngest(ctx, { sources: [google] });
    await Review.updateOne({ source: 'google', externalId: 'rev-1' }, { $set: { status: 'handled' } });
    // Carried by a digest: no longer in the digest inbox.
    expect((await DigestInbox.deleteMany({ externalId: 'rev-1' })).deletedCount).toBe(1);

    g.edit('locations/1', 'rev-1', {
      starRating: 'ONE',
      comment: 'Billing charged me twice',
      updateTime: '2026-11-24T11:00:00Z',
    });
    const later = ingestContext(db(), g.env(), () => new Date('2026-11-25T12:00:00Z'));
    const [outcome] = await runIngest(later, { sources: [google] });
    expect(outcome).toMatchObject({ ok: true, created: 0, updated: 1 });
    const r = await Review.findOne({ source: 'google', externalId: 'rev-1' }).lean();
    expect(r).toMatchObject({
      rating: 1,
      text: 'Billing charged me twice',
      sentiment: 'negative',
      status: 'handled',
      ingestedAt: NOW,
    });
    expect(await DigestInbox.countDocuments({ externalId: 'rev-1' })).toBe(0);
  });

  test('429 with Retry-After is waited out and retried', async () => {
    g.add('locations/1', review(1));
    g.failNext('GET', /\/reviews$/, {
      status: 429,
      headers: { 'retry-after': '7' },
      body: { error: { code: 429 } },
    });
    const sleep = recordedSleep();
    const ctx = ingestContext(db(), g.env(), () => NOW);
    const [outcome] = await runIngest(ctx, { sources: [google], retry: sleep.retry });
    expect(outcome).toMatchObject({ ok: true, created: 1 });
    expect(sleep.waits).toEqual([7000]);
    expect(g.reviewCalls()).toHaveLength(2);
  });

  test('a source that keeps failing gives up after bounded attempts and keeps its cursor', async () => {
    g.add('locations/1', review(1));
    const ctx = ingestContext(db(), g.env(), () => NOW);
    await runIngest(ctx, { sources: [google] });
    const cursorBefore = (await SourceState.findById('google').lean())?.cursor;

    g.failNext('GET', /\/reviews$/, { status: 503, body: { error: { code: 503 } } }, 10);
    const sleep = recordedSleep();
    const later = ingestContext(db(), g.env(), () => new Date('2026-11-25T00:00:00Z'));
    const [outcome] = await runIngest(later, { sources: [google], retry: sleep.retry });
    expect(outcome).toMatchObject({ ok: false });
    expect(sleep.waits).toHaveLength(3); // 4 attempts, 3 backoffs
    const state = await SourceState.findById('google').lean();
    expect(state?.lastError).toMatch(/^upstream: .*HTTP 503/);
    expect(state?.lastErrorAt).toEqual(new Date('2026-11-25T00:00:00Z'));
    expect(state?.lastSuccessAt).toEqual(NOW);
    expect(state?.cursor).toBe(cursorBefore);
  });

  test('a revoked refresh token is an auth error, not retried', async () => {
    g.refreshToken = 'another';
    const sleep = recordedSleep();
    const ctx = ingestContext(db(), g.env(), () => NOW);
    const [outcome] = await runIngest(ctx, { sources: [google], retry: sleep.retry });
    expect(outcome).toMatchObject({ ok: false });
    expect(outcome?.ok === false && outcome.error).toMatch(/^auth: .*GOOGLE_REFRESH_TOKEN/);
    expect(sleep.waits).toEqual([]);
    expect(g.reviewCalls()).toHaveLength(0);
  });

  test('an answer of the wrong shape is a bad_response', async () => {
    g.route('GET', '/v4/accounts/:a/locations/:l/reviews', () => ({
      body: { reviews: [{ nonsense: true }] },
    }));
    const ctx = ingestContext(db(), g.env(), () => NOW);
    const [outcome] = await runIngest(ctx, { sources: [google] });
    expect(outcome?.ok === false && outcome.error).toMatch(/^bad_response: /);
  });

  test('without credentials the source is off', async () => {
    const ctx = ingestContext(db(), {}, () => NOW);
    expect(google.enabled(ctx.config)).toBe(false);
    expect(await runIngest(ctx, { sources: [google] })).toEqual([]);
  });
});
