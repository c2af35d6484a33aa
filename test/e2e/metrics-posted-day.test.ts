/**
 * Issue 10, "metrics that mean what they say": reviews and feedback count on the local day they were WRITTEN
 * (postedAt; the arrival time only when the sender gives none), so a late batch lands in its own days.
 */
import { Review } from '../../models/review';
import { signWebhook } from '../../src/http/signed-webhook';
import { computeMetrics } from '../../src/services/metrics';
import { startTestApp, type TestApp } from '../support/app';
import { useTestDatabase } from '../support/db';

const NOW = new Date('2026-11-24T12:00:00Z'); // Tue 24 Nov 2026, 17:30 IST
const SECRET = 'posted-day-secret';

describe('metrics count items on the day they were written', () => {
  const db = useTestDatabase();
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ db: db(), now: () => NOW, env: { SMX_WEBHOOK_SECRET: SECRET } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  async function send(items: unknown[]) {
    const raw = JSON.stringify(items);
    const ts = Math.floor(NOW.getTime() / 1000);
    const res = await t.post('/hooks/feedback', raw, {
      'content-type': 'application/json',
      'x-smx-timestamp': String(ts),
      'x-smx-signature': signWebhook(raw, SECRET, ts),
    });
    return { status: res.status, body: await res.json() };
  }

  test("a 20-item webhook batch dated last month does not change this month's volume; an undated item counts today", async () => {
    const before = await computeMetrics(t.ctx, 'this-month');
    const lastBefore = await computeMetrics(t.ctx, 'last-month');
    const batch = Array.from({ length: 20 }, (_, i) => ({
      externalId: `october-${i}`,
      text: i % 4 === 0 ? 'The wait was far too long' : 'Kind nurses, clean rooms',
      rating: i % 4 === 0 ? 2 : 5,
      postedAt: `2026-10-${String(1 + i).padStart(2, '0')}T10:00:00+05:30`,
    }));
    expect(await send(batch)).toEqual({ status: 200, body: { created: 20, duplicate: 0 } });
    // Stored now, written in October.
    expect(await Review.countDocuments({ ingestedAt: NOW })).toBe(20);

    const after = await computeMetrics(t.ctx, 'this-month');
    expect(after.reviews.total.value).toBe(before.reviews.total.value);
    const last = await computeMetrics(t.ctx, 'last-month');
    expect(last.reviews.total.value).toBe(lastBefore.reviews.total.value + 20);
    expect(last.reviews.shareNegative.value).toBeCloseTo(5 / (lastBefore.reviews.total.value + 20));

    // No postedAt: the arrival time is all there is, so it counts today.
    expect(await send([{ externalId: 'undated-1', text: 'Thank you', rating: 5 }])).toEqual({
      status: 200,
      body: { created: 1, duplicate: 0 },
    });
    expect((await computeMetrics(t.ctx, 'this-month')).reviews.total.value).toBe(
      before.reviews.total.value + 1,
    );
  });
});
