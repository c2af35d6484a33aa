import { retryPolicy, withRetries as sourceRetries } from '../../../src/adapters/http';
import {
  type Backoff,
  backoffMs,
  type RetryReport,
  retrying,
  waitFromHeaders,
  waitFromReset,
  waitFromRetryAfter,
} from '../../../src/adapters/retry';
import { PublishError, withRetries as publishRetries } from '../../../src/adapters/targets/base';

const NOW = new Date('2026-11-24T12:00:00Z');
const NOW_S = NOW.getTime() / 1000;

describe('waits the API asked for', () => {
  test('Retry-After in seconds or as an HTTP date; unreadable is no wait', () => {
    expect(waitFromRetryAfter('3', NOW)).toBe(3000);
    expect(waitFromRetryAfter(' 1.5 ', NOW)).toBe(1500);
    expect(waitFromRetryAfter('Tue, 24 Nov 2026 12:00:30 GMT', NOW)).toBe(30_000);
    expect(waitFromRetryAfter('Tue, 24 Nov 2026 11:59:00 GMT', NOW)).toBe(0); // already past
    expect(waitFromRetryAfter('Tue, 24 Nov 2026 12:00:30 GMT', NOW.getTime())).toBe(30_000);
    expect(waitFromRetryAfter('soon', NOW)).toBeUndefined();
    expect(waitFromRetryAfter('', NOW)).toBeUndefined();
    expect(waitFromRetryAfter(null, NOW)).toBeUndefined();
  });

  test('a reset in unix seconds (twitter-api-v2 rateLimit.reset); 0 or missing is none', () => {
    expect(waitFromReset(NOW_S + 42, NOW)).toBe(42_000);
    expect(waitFromReset(NOW_S - 5, NOW)).toBe(0);
    expect(waitFromReset(0, NOW)).toBeUndefined();
    expect(waitFromReset(undefined, NOW)).toBeUndefined();
    expect(waitFromReset(Number.NaN, NOW)).toBeUndefined();
  });

  test('headers: Retry-After first, else an epoch or relative reset; records and fetch Headers alike', () => {
    expect(waitFromHeaders({ 'retry-after': '7', 'x-rate-limit-reset': String(NOW_S + 60) }, NOW)).toBe(7000);
    expect(waitFromHeaders({ 'retry-after': 'garbage', 'x-rate-limit-reset': String(NOW_S + 60) }, NOW)).toBe(
      60_000,
    );
    expect(waitFromHeaders({ 'x-ratelimit-reset': [String(NOW_S + 9)] }, NOW)).toBe(9000);
    expect(waitFromHeaders({ 'ratelimit-reset': '12' }, NOW)).toBe(12_000);
    expect(waitFromHeaders({ 'x-rate-limit-reset': 'tomorrow' }, NOW)).toBeUndefined();
    expect(waitFromHeaders(new Headers({ 'Retry-After': 'Tue, 24 Nov 2026 12:01:00 GMT' }), NOW)).toBe(
      60_000,
    );
    expect(waitFromHeaders(new Headers(), NOW)).toBeUndefined();
    expect(waitFromHeaders({}, NOW)).toBeUndefined();
    expect(waitFromHeaders(undefined, NOW)).toBeUndefined();
  });
});

describe('retrying', () => {
  const setup = (over: Partial<Backoff> = {}) => {
    const waits: number[] = [];
    const policy: Backoff = {
      maxAttempts: 4,
      baseDelayMs: 100,
      maxWaitMs: 5000,
      sleep: async (ms) => {
        waits.push(ms);
      },
      ...over,
    };
    return { waits, policy };
  };
  const failing = (errors: unknown[], value = 'ok') => {
    let calls = 0;
    return {
      calls: () => calls,
      call: async () => {
        const err = errors[calls++];
        if (err !== undefined) throw err;
        return value;
      },
    };
  };

  test('backs off exponentially with jitter between half and all of the step, capped', () => {
    const at = (random: number, attempt: number, maxDelayMs?: number) =>
      backoffMs(
        { maxAttempts: 9, baseDelayMs: 100, maxWaitMs: 1e9, maxDelayMs, random: () => random },
        attempt,
      );
    expect([1, 2, 3, 4].map((n) => at(0, n))).toEqual([50, 100, 200, 400]);
    expect([1, 2, 3, 4].map((n) => at(0.999_999, n))).toEqual([100, 200, 400, 800]);
    expect(at(0.999_999, 10, 1000)).toBe(1000);
  });

  test('bounded: after maxAttempts the last failure is thrown as it is', async () => {
    const { waits, policy } = setup({ maxAttempts: 3, random: () => 0 });
    const errs = [new Error('a'), new Error('b'), new Error('c'), new Error('d')];
    const f = failing(errs);
    const reports: RetryReport[] = [];
    const thrown = await retrying(f.call, {
      policy,
      classify: () => ({ retry: true }),
      onAttempt: (r) => reports.push(r),
    }).catch((e: unknown) => e);
    expect(thrown).toBe(errs[2]);
    expect(f.calls()).toBe(3);
    expect(waits).toEqual([50, 100]);
    expect(reports.map((r) => [r.attempt, (r.error as Error).message, r.waitMs])).toEqual([
      [1, 'a', 50],
      [2, 'b', 100],
    ]);
  });

  test('never retries what classify refuses, whatever the budget', async () => {
    const { waits, policy } = setup({ maxAttempts: 10 });
    const refused = new Error('sent, no answer');
    const f = failing([refused]);
    const reports: RetryReport[] = [];
    await expect(
      retrying(f.call, {
        policy,
        classify: (err) => ({ retry: err !== refused, waitMs: 1 }),
        onAttempt: (r) => reports.push(r),
      }),
    ).rejects.toBe(refused);
    expect(f.calls()).toBe(1);
    expect(waits).toEqual([]);
    expect(reports).toEqual([]);
  });

  test('waits what the API asked for instead of backing off, then succeeds', async () => {
    const { waits, policy } = setup();
    const f = failing([new Error('429'), new Error('503')], 'done');
    const value = await retrying(f.call, { policy, classify: () => ({ retry: true, waitMs: 4321 }) });
    expect(value).toBe('done');
    expect(waits).toEqual([4321, 4321]);
  });

  test('gives up at once when the asked wait is longer than maxWaitMs', async () => {
    const { waits, policy } = setup({ maxWaitMs: 60_000 });
    const tooLong = new Error('come back in 15 minutes');
    const f = failing([tooLong]);
    await expect(
      retrying(f.call, {
        policy,
        classify: () => ({ retry: true, waitMs: waitFromReset(NOW_S + 15 * 60, NOW) }),
      }),
    ).rejects.toBe(tooLong);
    expect(f.calls()).toBe(1);
    expect(waits).toEqual([]);

    // Exactly the cap is still waited for.
    const ok = setup({ maxWaitMs: 60_000 });
    const g = failing([new Error('429')]);
    await retrying(g.call, { policy: ok.policy, classify: () => ({ retry: true, waitMs: 60_000 }) });
    expect(ok.waits).toEqual([60_000]);
  });
});

describe('both vocabularies on the one engine', () => {
  const recorded = () => {
    const waits: number[] = [];
    return { waits, sleep: async (ms: number) => void waits.push(ms) };
  };

  test('publish targets: a raw error after sending becomes unknown and is not retried; refused is retried', async () => {
    const rec = recorded();
    const policy = { maxAttempts: 4, baseDelayMs: 10, maxWaitMs: 5000, sleep: rec.sleep };
    let calls = 0;
    const reset = await publishRetries(async () => {
      calls++;
      throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    }, policy).catch((e: unknown) => e);
    expect(reset).toMatchObject({
      kind: 'unknown',
      message: 'publish: no answer after sending (socket hang up)',
    });
    expect(calls).toBe(1);

    calls = 0;
    const permanent = await publishRetries(async () => {
      calls++;
      throw new PublishError('permanent', 'X answered 403: forbidden');
    }, policy).catch((e: unknown) => e);
    expect(permanent).toMatchObject({ kind: 'permanent' });
    expect(calls).toBe(1);
    expect(rec.waits).toEqual([]);

    calls = 0;
    const refused = await publishRetries(async () => {
      calls++;
      throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    }, policy).catch((e: unknown) => e);
    expect(refused).toMatchObject({ kind: 'retryable' });
    expect(calls).toBe(4);
    expect(rec.waits).toHaveLength(3);
  });

  test('review sources: only rate_limited/upstream SourceErrors are retried; anything else is thrown at once', async () => {
    const rec = recorded();
    const policy = retryPolicy({ now: () => NOW, sleep: rec.sleep, maxAttempts: 3, baseDelayMs: 10 });
    let calls = 0;
    const plain = new TypeError('bug');
    await expect(
      sourceRetries(async () => {
        calls++;
        throw plain;
      }, policy),
    ).rejects.toBe(plain);
    expect(calls).toBe(1);
    expect(rec.waits).toEqual([]);
  });
});
