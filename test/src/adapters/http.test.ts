import { retryAfterMs, retryPolicy, SourceError, withRetries } from '../../../src/adapters/http';

const NOW = new Date('2026-11-24T12:00:00Z');

describe('retryAfterMs', () => {
  test('reads Retry-After in seconds or as an HTTP date, else a rate-limit reset', () => {
    expect(retryAfterMs({ 'retry-after': '3' }, NOW)).toBe(3000);
    expect(retryAfterMs({ 'retry-after': 'Tue, 24 Nov 2026 12:00:30 GMT' }, NOW)).toBe(30_000);
    expect(retryAfterMs({ 'x-rate-limit-reset': String(NOW.getTime() / 1000 + 60) }, NOW)).toBe(60_000);
    expect(retryAfterMs({ 'ratelimit-reset': '12' }, NOW)).toBe(12_000);
    expect(retryAfterMs({}, NOW)).toBeUndefined();
  });
});

describe('withRetries', () => {
  const policy = (waits: number[]) =>
    retryPolicy({
      now: () => NOW,
      sleep: async (ms) => void waits.push(ms),
      maxAttempts: 3,
      baseDelayMs: 100,
    });

  test('retries rate limits and outages a bounded number of times with backoff', async () => {
    const waits: number[] = [];
    let n = 0;
    const err = await withRetries(async () => {
      n++;
      throw new SourceError('upstream', 'down');
    }, policy(waits)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    expect(n).toBe(3);
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBeGreaterThanOrEqual(50);
    expect(waits[0]).toBeLessThanOrEqual(100);
    expect(waits[1]).toBeGreaterThanOrEqual(100);
    expect(waits[1]).toBeLessThanOrEqual(200);
  });

  test('never retries auth or bad responses', async () => {
    for (const kind of ['auth', 'bad_response', 'unavailable'] as const) {
      const waits: number[] = [];
      let n = 0;
      await withRetries(async () => {
        n++;
        throw new SourceError(kind, 'no');
      }, policy(waits)).catch(() => undefined);
      expect([kind, n, waits]).toEqual([kind, 1, []]);
    }
  });

  test('waits what the source asked for, unless that is longer than the cap', async () => {
    const waits: number[] = [];
    let n = 0;
    const value = await withRetries(async () => {
      n++;
      if (n === 1) throw new SourceError('rate_limited', 'slow down', { retryAfterMs: 2500 });
      return 'ok';
    }, policy(waits));
    expect(value).toBe('ok');
    expect(waits).toEqual([2500]);

    const tooLong = await withRetries(async () => {
      throw new SourceError('rate_limited', 'come back tomorrow', { retryAfterMs: 86_400_000 });
    }, policy(waits)).catch((e: unknown) => e);
    expect((tooLong as SourceError).kind).toBe('rate_limited');
    expect(waits).toEqual([2500]);
  });
});
