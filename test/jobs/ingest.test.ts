import type { WebClient } from '@slack/web-api';
import { jobs } from '../../jobs';
import { ingestJob } from '../../jobs/ingest';
import { Review } from '../../models/review';
import { SourceState } from '../../models/source-state';
import { FakeGoogle } from '../fakes/google';
import { FakeGraph } from '../fakes/graph';
import { FakeX } from '../fakes/x';
import { useTestDatabase } from '../support/db';
import { ingestContext } from '../support/ingest';

describe('the ingest job', () => {
  const db = useTestDatabase();
  let google: FakeGoogle;
  let graph: FakeGraph;
  let x: FakeX;

  beforeAll(async () => {
    [google, graph, x] = await Promise.all([
      new FakeGoogle().start(),
      new FakeGraph().start(),
      new FakeX().start(),
    ]);
  });
  afterAll(async () => {
    await Promise.all([google.close(), graph.close(), x.close()]);
  });

  test('is scheduled on SMX_INGEST_CRON', () => {
    expect(jobs).toContain(ingestJob);
    const ctx = ingestContext(db(), { SMX_INGEST_CRON: '*/5 * * * *' });
    expect(ingestJob.schedule(ctx.config)).toBe('*/5 * * * *');
  });

  test('one failing source never stops the others', async () => {
    google.refreshToken = 'revoked-elsewhere';
    graph.addPost('1000001_1', '2026-11-20T10:00:00+0000', [
      {
        id: 'c1',
        message: 'Thank you doctors',
        created_time: '2026-11-21T10:00:00+0000',
        from: { id: '5', name: 'A' },
      },
    ]);
    x.mention('7001', '@CityHospital amazing nurses', { id: '12', username: 'b', name: 'B' });
    const now = new Date('2026-11-24T12:00:00Z');
    const ctx = ingestContext(db(), { ...google.env(), ...graph.env(), ...x.env() }, () => now);

    await ingestJob.run({ ctx, client: {} as WebClient });

    expect(await Review.countDocuments({ source: 'facebook' })).toBe(1);
    expect(await Review.countDocuments({ source: 'x' })).toBe(1);
    expect(await Review.countDocuments({ source: 'google' })).toBe(0);
    const states = Object.fromEntries((await SourceState.find({}).lean()).map((s) => [s._id, s]));
    expect(states.google?.lastError).toMatch(/^auth: /);
    expect(states.google?.lastSuccessAt ?? null).toBeNull();
    expect(states.facebook).toMatchObject({ lastSuccessAt: now, lastError: null });
    expect(states.x).toMatchObject({ lastSuccessAt: now, lastError: null, cursor: '7001' });
  });
});
