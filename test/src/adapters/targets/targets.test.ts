import { ApiRequestError, ApiResponseError } from 'twitter-api-v2';
import { findTarget, targets } from '../../../../src/adapters/targets';
import { PublishError, withRetries } from '../../../../src/adapters/targets/base';
import { sortXError } from '../../../../src/adapters/targets/x';

describe('publish targets', () => {
  test('one registry, names and aliases resolve', () => {
    expect(targets.map((t) => t.name)).toEqual(['x', 'facebook', 'youtube']);
    // YouTube only takes video metadata fixes: it is not offered for ordinary posts.
    expect(findTarget('youtube')).toBeUndefined();
    expect(findTarget('yt', 'video_fix')?.name).toBe('youtube');
    expect(findTarget('x', 'repost')?.name).toBe('x');
    expect(findTarget('Twitter')?.name).toBe('x');
    expect(findTarget('fb')?.name).toBe('facebook');
    expect(findTarget('insta')).toBeUndefined();
  });

  test('X errors are sorted: 429 retryable with the reset, 403 permanent, reset connection unknown', () => {
    const resp = (code: number, extra: Record<string, unknown> = {}) =>
      new ApiResponseError(`Request failed with code ${code}`, {
        code,
        request: {} as never,
        response: { headers: {} } as never,
        headers: {},
        data: { detail: `detail ${code}` },
        ...extra,
      });
    const now = Math.floor(Date.now() / 1000);
    const limited = sortXError(resp(429, { rateLimit: { limit: 1, remaining: 0, reset: now + 30 } }));
    expect(limited.kind).toBe('retryable');
    expect(limited.options.retryAfterMs).toBeGreaterThan(25_000);
    expect(sortXError(resp(503)).kind).toBe('retryable');
    const forbidden = sortXError(resp(403));
    expect(forbidden.kind).toBe('permanent');
    expect(forbidden.message).toBe('X answered 403: detail 403');
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(sortXError(new ApiRequestError('x', { request: {} as never, error: reset })).kind).toBe('unknown');
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(sortXError(new ApiRequestError('x', { request: {} as never, error: refused })).kind).toBe(
      'retryable',
    );
  });

  test('withRetries: honours the wait, stops at permanent/unknown, is bounded', async () => {
    const waits: number[] = [];
    const sleep = async (ms: number) => {
      waits.push(ms);
    };
    let n = 0;
    const ok = await withRetries(
      async () => {
        n++;
        if (n < 3) throw new PublishError('retryable', 'busy', { retryAfterMs: 1234 });
        return 'done';
      },
      { maxAttempts: 4, baseDelayMs: 10, maxWaitMs: 5000, sleep },
    );
    expect(ok).toBe('done');
    expect(waits).toEqual([1234, 1234]);

    let calls = 0;
    await expect(
      withRetries(
        async () => {
          calls++;
          throw new PublishError('unknown', 'timeout');
        },
        { maxAttempts: 4, baseDelayMs: 10, maxWaitMs: 5000, sleep },
      ),
    ).rejects.toMatchObject({ kind: 'unknown' });
    expect(calls).toBe(1);

    calls = 0;
    await expect(
      withRetries(
        async () => {
          calls++;
          throw new PublishError('retryable', '503');
        },
        { maxAttempts: 3, baseDelayMs: 10, maxWaitMs: 5000, sleep },
      ),
    ).rejects.toMatchObject({ kind: 'retryable' });
    expect(calls).toBe(3);

    // A reset too far away is not waited for.
    calls = 0;
    await expect(
      withRetries(
        async () => {
          calls++;
          throw new PublishError('retryable', '429', { retryAfterMs: 900_000 });
        },
        { maxAttempts: 3, baseDelayMs: 10, maxWaitMs: 5000, sleep },
      ),
    ).rejects.toMatchObject({ kind: 'retryable' });
    expect(calls).toBe(1);
  });
});
