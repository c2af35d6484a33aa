import mongoose from 'mongoose';
import { SourceState } from '../../models/source-state';
import { RATINGS_UNAVAILABLE } from '../../src/adapters/facebook';
import { CONNECT_OPTIONS } from '../../src/db';
import { MESSAGES } from '../../src/errors';
import { runIngest } from '../../src/services/ingest';
import { storeItems } from '../../src/services/review-store';
import { FakeGoogle } from '../fakes/google';
import { FakeGraph } from '../fakes/graph';
import { startTestApp, type TestApp, visibleText } from '../support/app';
import { testDbUri, useTestDatabase } from '../support/db';

const NOW = new Date('2026-11-24T04:30:00Z'); // 10:00 IST

describe('/smx sources', () => {
  const db = useTestDatabase();
  let t: TestApp;
  let google: FakeGoogle;
  let graph: FakeGraph;

  beforeAll(async () => {
    google = await new FakeGoogle().start();
    graph = await new FakeGraph().start();
    google.add('locations/1', {
      reviewId: 'r1',
      starRating: 'TWO',
      comment: 'Slow <!channel> service',
      createTime: '2026-11-20T10:00:00Z',
    });
    google.add('locations/1', { reviewId: 'r2', starRating: 'FIVE', createTime: '2026-11-21T10:00:00Z' });
    graph.ratingsDeprecated = true;
    t = await startTestApp({
      db: db(),
      now: () => NOW,
      env: { ...google.env(), ...graph.env(), SMX_WEBHOOK_SECRET: 's3cret' },
    });
  });
  afterAll(async () => {
    await t.stop();
    await google.close();
    await graph.close();
  });

  test('tells the truth about each source: on/off, last success, last error, items stored', async () => {
    await runIngest(t.ctx);
    // Facebook breaks on the next run; its earlier success and the unavailable ratings feed stay visible.
    graph.token = 'rotated';
    await runIngest({ ...t.ctx, now: () => new Date(NOW.getTime() + 15 * 60_000) });
    await storeItems(
      [{ source: 'mouthshut', externalId: 'm1', text: 'Good', rating: 4, postedAt: NOW }],
      t.ctx,
    );
    await SourceState.create({ _id: 'audience:facebook', lastSuccessAt: NOW, lastRunAt: NOW });
    await SourceState.create({
      _id: 'audience:x',
      lastRunAt: NOW,
      lastError: 'auth: X refused <@U123> credentials',
      lastErrorAt: NOW,
    });

    const { responses } = await t.command('sources');
    const body = responses[0]?.body;
    expect(body?.response_type).toBe('ephemeral');
    const text = visibleText(body);

    expect(text).toContain('*Google Business Profile* — on · 2 items stored');
    expect(text).toContain('Last success: Tue 24 Nov, 10:00 IST');
    expect(text).toContain('*Facebook Page* — on · 0 items stored');
    expect(text).toContain(
      ':warning: Last error (Tue 24 Nov, 10:15 IST): auth: Graph refused the page token (code 190): Invalid OAuth access token.',
    );
    expect(text).toContain(RATINGS_UNAVAILABLE);
    expect(text).toContain(
      '*X mentions* — *off*: set TWITTER_APP_KEY, TWITTER_APP_SECRET, TWITTER_ACCESS_TOKEN and TWITTER_ACCESS_SECRET',
    );
    expect(text).toContain('*Feedback webhook (POST /hooks/feedback)* — on · 0 items stored');
    expect(text).toContain('*Mouthshut (import or webhook)* — import · 1 item stored');
    expect(text).toContain('*Facebook Page audience (followers)* — last success Tue 24 Nov, 10:00 IST');
    expect(text).toContain(
      '*X audience (followers)* — last success never · last error (Tue 24 Nov, 10:00 IST): auth: X refused &lt;@U123&gt; credentials',
    );
    expect(text).not.toContain('<@U123>');
    expect(body?.text).toBe(
      'Review sources — Google Business Profile: on, Facebook Page: error, X mentions: off, YouTube comments: off, Flickr comments: off, Feedback webhook (POST /hooks/feedback): on, Mouthshut (import or webhook): import',
    );
  });

  test('when the database is down it says so and changes nothing', async () => {
    const name = mongoose.connection.name;
    await mongoose.disconnect();
    try {
      const { responses } = await t.command('sources');
      expect(visibleText(responses[0]?.body)).toBe(MESSAGES.dbUnavailable);
    } finally {
      await mongoose.connect(testDbUri(), { ...CONNECT_OPTIONS, dbName: name });
    }
  });
});
