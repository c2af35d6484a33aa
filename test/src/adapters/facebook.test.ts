import { Review } from '../../../models/review';
import { SourceState } from '../../../models/source-state';
import { facebook, RATINGS_UNAVAILABLE } from '../../../src/adapters/facebook';
import { runIngest } from '../../../src/services/ingest';
import { FakeGraph } from '../../fakes/graph';
import { useTestDatabase } from '../../support/db';
import { ingestContext, recordedSleep } from '../../support/ingest';

const NOW = new Date('2026-11-24T12:00:00Z');
const at = (i: number) =>
  new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString().replace('.000Z', '+0000');

describe('Facebook Page recommendations and comments', () => {
  const db = useTestDatabase();
  let fb: FakeGraph;

  beforeEach(async () => {
    fb = await new FakeGraph().start();
    await Review.deleteMany({});
    await SourceState.deleteMany({});
  });
  afterEach(async () => {
    await fb.close();
  });

  function seed() {
    for (let i = 0; i < 130; i++) {
      fb.ratings.push({
        created_time: at(i),
        recommendation_type: i % 10 === 0 ? 'negative' : 'positive',
        review_text: i % 10 === 0 ? 'Waited four hours' : 'Kind doctors',
        reviewer: { id: `u${i}`, name: `Patient ${i}` },
        open_graph_story: { id: `story${i}` },
      });
    }
    fb.addPost('1000001_1', at(0), [
      {
        id: 'c1',
        message: 'Is the clinic open on Sunday? Terrible signage',
        created_time: at(5),
        from: { id: 'u9', name: 'Ravi' },
      },
      {
        id: 'c2',
        message: 'Yes, 9 to 1',
        created_time: at(6),
        from: { id: fb.pageId, name: 'City Hospital' },
      },
      { id: 'c3', created_time: at(7), from: { id: 'u8', name: 'Sticker Person' } },
    ]);
  }

  test('stores recommendations (paged) and comments on recent posts, skipping the page’s own replies', async () => {
    seed();
    const ctx = ingestContext(db(), fb.env(), () => NOW);
    const [outcome] = await runIngest(ctx, { sources: [facebook] });
    expect(outcome).toMatchObject({ source: 'facebook', ok: true, created: 131, unavailable: null });
    expect(fb.callsTo('GET', /\/ratings$/).map((c) => c.query.after ?? '-')).toEqual(['-', '100']);
    // The token travels in a header, never in the URL.
    expect(fb.calls.every((c) => c.query.access_token === undefined)).toBe(true);

    const neg = await Review.findOne({ source: 'facebook', externalId: 'story0' }).lean();
    expect(neg).toMatchObject({
      sentiment: 'negative',
      rating: null,
      facility: 'City Hospital',
      url: 'https://www.facebook.com/story0',
    });
    const comment = await Review.findOne({ source: 'facebook', externalId: 'comment_c1' }).lean();
    expect(comment).toMatchObject({
      text: 'Is the clinic open on Sunday? Terrible signage',
      sentiment: 'negative',
    });
    expect(await Review.countDocuments({ externalId: 'comment_c2' })).toBe(0);
  });

  test('the next run reads one page per feed and stores only what is new', async () => {
    seed();
    const ctx = ingestContext(db(), fb.env(), () => NOW);
    await runIngest(ctx, { sources: [facebook] });
    fb.calls.length = 0;
    fb.ratings.push({
      created_time: at(900),
      recommendation_type: 'positive',
      review_text: 'Great',
      open_graph_story: { id: 'story-new' },
    });
    const post = fb.posts[0];
    post?.comments.push({
      id: 'c9',
      message: 'Thanks!',
      created_time: at(901),
      from: { id: 'u1', name: 'A' },
    });

    const [outcome] = await runIngest(ctx, { sources: [facebook] });
    expect(outcome).toMatchObject({ ok: true, created: 2, duplicate: 0 });
    expect(fb.callsTo('GET', /\/ratings$/)).toHaveLength(1);
  });

  test('Graph error code 12 marks recommendations unavailable; comments still come in and the source is not broken', async () => {
    seed();
    fb.ratingsDeprecated = true;
    const ctx = ingestContext(db(), fb.env(), () => NOW);
    const [outcome] = await runIngest(ctx, { sources: [facebook] });
    expect(outcome).toMatchObject({ ok: true, created: 1, unavailable: RATINGS_UNAVAILABLE });
    const state = await SourceState.findById('facebook').lean();
    expect(state).toMatchObject({ unavailable: RATINGS_UNAVAILABLE, lastError: null, lastSuccessAt: NOW });
  });

  test('a Graph rate-limit error (code 4) is backed off and retried', async () => {
    seed();
    fb.failNext(
      'GET',
      /\/posts$/,
      { status: 400, body: { error: { code: 4, message: 'Application request limit reached' } } },
      2,
    );
    const sleep = recordedSleep();
    const ctx = ingestContext(db(), fb.env(), () => NOW);
    const [outcome] = await runIngest(ctx, { sources: [facebook], retry: sleep.retry });
    expect(outcome).toMatchObject({ ok: true, created: 131 });
    expect(sleep.waits).toHaveLength(2);
  });

  test('an expired page token (code 190) is an auth error and nothing is stored', async () => {
    seed();
    fb.token = 'rotated';
    const sleep = recordedSleep();
    const ctx = ingestContext(db(), { ...fb.env(), FACEBOOK_PAGE_TOKEN: 'old-token' }, () => NOW);
    const [outcome] = await runIngest(ctx, { sources: [facebook], retry: sleep.retry });
    expect(outcome?.ok === false && outcome.error).toMatch(
      /^auth: Graph refused the page token \(code 190\)/,
    );
    expect(sleep.waits).toEqual([]);
    expect(await Review.countDocuments({})).toBe(0);
    expect((await SourceState.findById('facebook').lean())?.lastError).toMatch(/code 190/);
  });
});
