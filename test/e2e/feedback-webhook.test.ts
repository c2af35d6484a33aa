import { Review } from '../../models/review';
import { SourceState } from '../../models/source-state';
import { WEBHOOK_ANSWERS } from '../../src/http/feedback-webhook';
import { signWebhook } from '../../src/http/signed-webhook';
import { startTestApp, type TestApp } from '../support/app';
import { useTestDatabase } from '../support/db';

const SECRET = 'feedback-secret';

describe('POST /hooks/feedback', () => {
  const db = useTestDatabase();
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ db: db(), env: { SMX_WEBHOOK_SECRET: SECRET } });
  });
  afterAll(async () => {
    await t.stop();
  });
  beforeEach(async () => {
    await Review.deleteMany({});
  });

  async function send(body: unknown, opts: { secret?: string; ts?: number; raw?: string } = {}) {
    const raw = opts.raw ?? JSON.stringify(body);
    const ts = opts.ts ?? Math.floor(Date.now() / 1000);
    const res = await t.post('/hooks/feedback', raw, {
      'content-type': 'application/json',
      'x-smx-timestamp': String(ts),
      'x-smx-signature': signWebhook(raw, opts.secret ?? SECRET, ts),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  test('one signed item is stored as new feedback with its sentiment', async () => {
    const r = await send({
      externalId: 'kiosk-1',
      text: 'The nurse was rude and the room was dirty',
      facility: 'North Clinic',
      author: 'Meera',
      postedAt: '2026-11-24T08:15:00+05:30',
    });
    expect(r).toEqual({ status: 200, body: { created: 1, duplicate: 0 } });
    const stored = await Review.findOne({ source: 'feedback', externalId: 'kiosk-1' }).lean();
    expect(stored).toMatchObject({
      facility: 'North Clinic',
      authorName: 'Meera',
      sentiment: 'negative',
      status: 'new',
      rating: null,
      postedAt: new Date('2026-11-24T02:45:00Z'),
    });
    expect((await SourceState.findById('feedback').lean())?.lastSuccessAt).toBeInstanceOf(Date);
  });

  test('re-delivery of the same batch stores nothing twice', async () => {
    const batch = [
      { externalId: 'survey-1', text: 'Great care', rating: 5 },
      { externalId: 'survey-2', text: 'Long wait', rating: 2, source: 'survey' },
    ];
    expect((await send(batch)).body).toEqual({ created: 2, duplicate: 0 });
    expect((await send(batch)).body).toEqual({ created: 0, duplicate: 2 });
    expect(await Review.countDocuments({})).toBe(2);
    expect(await Review.countDocuments({ source: 'survey' })).toBe(1);
  });

  test('a half-bad batch: 400 listing each problem by index and field, the valid items still stored', async () => {
    const batch = [
      { externalId: 'ok-1', text: 'Thank you' },
      { text: 'no id' },
      { externalId: 'bad-rating', text: 'x', rating: 6 },
      { externalId: 'ok-2', text: 'Clean wards', url: 'https://example.org/f/2' },
      { externalId: 'long', text: 'a'.repeat(5001), postedAt: 'yesterday' },
      'not an object',
      { externalId: 'google-name', text: 'hi', source: 'google' },
    ];
    const r = await send(batch);
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({
      error: WEBHOOK_ANSWERS.someInvalid(5, 7),
      created: 2,
      duplicate: 0,
      invalid: 5,
    });
    const problems = r.body.problems as Array<{ index: number; field: string; message: string }>;
    expect(problems.map((p) => `${p.index}:${p.field}`)).toEqual([
      '1:externalId',
      '2:rating',
      '4:text',
      '4:postedAt',
      '5:(item)',
      '6:source',
    ]);
    expect(problems.find((p) => p.field === 'text')?.message).toBe('must be at most 5000 characters');
    expect((await Review.find({}).sort({ externalId: 1 }).lean()).map((x) => x.externalId)).toEqual([
      'ok-1',
      'ok-2',
    ]);
  });

  test('a wrong signature gets 401 and nothing is stored', async () => {
    const r = await send({ externalId: 'f-1', text: 'hello' }, { secret: 'guessed' });
    expect(r.status).toBe(401);
    expect(r.body.error).toBe('signature does not match');
    expect(await Review.countDocuments({})).toBe(0);
  });

  test('a timestamp older than five minutes gets 401 and nothing is stored', async () => {
    const r = await send({ externalId: 'f-1', text: 'hello' }, { ts: Math.floor(Date.now() / 1000) - 301 });
    expect(r.status).toBe(401);
    expect(r.body.error).toBe('timestamp is older than 5 minutes');
    expect(await Review.countDocuments({})).toBe(0);
  });

  test('missing signature headers get 401', async () => {
    const res = await t.post('/hooks/feedback', '{"externalId":"a","text":"b"}', {
      'content-type': 'application/json',
    });
    expect(res.status).toBe(401);
  });

  test('broken JSON gets 400 and nothing is stored', async () => {
    const r = await send(undefined, { raw: '[{"externalId": "a", "text": "b"},' });
    expect(r).toEqual({ status: 400, body: { error: WEBHOOK_ANSWERS.notJson } });
    expect(await Review.countDocuments({})).toBe(0);
  });

  test('more than 500 items get 400 and nothing is stored', async () => {
    const many = Array.from({ length: 501 }, (_, i) => ({ externalId: `m-${i}`, text: 'ok' }));
    const r = await send(many);
    expect(r).toEqual({ status: 400, body: { error: WEBHOOK_ANSWERS.tooMany } });
    expect(await Review.countDocuments({})).toBe(0);
  });

  test('a full batch of 500 is stored in one go', async () => {
    const many = Array.from({ length: 500 }, (_, i) => ({ externalId: `full-${i}`, text: 'Helpful staff' }));
    expect((await send(many)).body).toEqual({ created: 500, duplicate: 0 });
  });

  test('without SMX_WEBHOOK_SECRET it answers 503 saying the webhook is not configured', async () => {
    const off = await startTestApp({ db: db() });
    try {
      const res = await off.post('/hooks/feedback', '{}', { 'content-type': 'application/json' });
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ error: WEBHOOK_ANSWERS.notConfigured });
    } finally {
      await off.stop();
    }
  });
});
