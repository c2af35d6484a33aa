/**
 * The one retry engine behind every adapter: review sources (http.ts, SourceError) and publish targets
 * (targets/base.ts, PublishError) keep their own error vocabularies and only tell this loop, through `classify`,
 * whether a failure may be tried again and how long the API asked us to wait. Reading those waits from an answer
 * (Retry-After, rate-limit resets) lives here too, once.
 */

export interface Backoff {
  /** Attempts in all, including the first. */
  maxAttempts: number;
  /** The first backoff when the API named no wait; it doubles each attempt, with jitter. */
  baseDelayMs: number;
  /** Cap on one backoff. A wait the API asked for is bounded by maxWaitMs instead. */
  maxDelayMs?: number;
  /** An API asking for a longer wait than this is not waited for: the failure is thrown as it is. */
  maxWaitMs: number;
  sleep?: (ms: number) => Promise<void>;
  /** Jitter source in [0, 1); tests may pin it. */
  random?: () => number;
}

/** What `classify` says about one failure: try again or not, and the wait the API asked for, if it named one. */
export interface Verdict {
  retry: boolean;
  waitMs?: number;
}

export interface RetryReport {
  /** The attempt that failed, from 1. */
  attempt: number;
  error: unknown;
  /** How long we wait before the next attempt. */
  waitMs: number;
}

export interface RetryingOptions {
  policy: Backoff;
  classify: (err: unknown) => Verdict;
  /** Called before each wait, i.e. only for failures that will be tried again. */
  onAttempt?: (report: RetryReport) => void;
}

export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Exponential backoff with "equal jitter": between half and all of base × 2^(attempt-1), capped. */
export function backoffMs(policy: Backoff, attempt: number): number {
  const full = Math.min(
    policy.maxDelayMs ?? Number.POSITIVE_INFINITY,
    policy.baseDelayMs * 2 ** (attempt - 1),
  );
  const random = policy.random ?? Math.random;
  return Math.round(full / 2 + random() * (full / 2));
}

/**
 * Runs `call` until it succeeds, `classify` refuses its failure, the attempts run out, or the API asks for a wait
 * longer than maxWaitMs; then throws the last failure unchanged.
 */
export async function retrying<T>(call: () => Promise<T>, options: RetryingOptions): Promise<T> {
  const { policy, classify, onAttempt } = options;
  const sleep = policy.sleep ?? realSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const verdict = classify(err);
      if (!verdict.retry || attempt >= policy.maxAttempts) throw err;
      const waitMs = Math.max(0, verdict.waitMs ?? backoffMs(policy, attempt));
      if (waitMs > policy.maxWaitMs) throw err;
      onAttempt?.({ attempt, error: err, waitMs });
      await sleep(waitMs);
    }
  }
}

type Clock = Date | number;
const epochMs = (now: Clock) => (typeof now === 'number' ? now : now.getTime());

/** A Retry-After value: delay in seconds, or an HTTP date. */
export function waitFromRetryAfter(
  value: string | null | undefined,
  now: Clock = Date.now(),
): number | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - epochMs(now));
}

/** A rate-limit reset in unix seconds (x-rate-limit-reset, twitter-api-v2 `rateLimit.reset`); 0 means none given. */
export function waitFromReset(
  resetEpochSeconds: number | undefined,
  now: Clock = Date.now(),
): number | undefined {
  if (resetEpochSeconds === undefined || !Number.isFinite(resetEpochSeconds) || resetEpochSeconds <= 0) {
    return undefined;
  }
  return Math.max(0, Math.round(resetEpochSeconds * 1000 - epochMs(now)));
}

/** Response headers as undici/fetch (`get`) or Node/twitter-api-v2 (a lower-cased record) give them. */
export type HeaderBag = { get(name: string): string | null } | Record<string, string | string[] | undefined>;

function header(headers: HeaderBag, name: string): string | undefined {
  if (typeof headers.get === 'function')
    return (headers as { get(n: string): string | null }).get(name) ?? undefined;
  const v = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Unix seconds are this big; smaller reset values are "seconds from now" (the IETF RateLimit-Reset draft). */
const EPOCH_SECONDS = 1e9;

/** The wait an answer asked for: Retry-After first, else a rate-limit reset header. */
export function waitFromHeaders(headers: HeaderBag | undefined, now: Clock = Date.now()): number | undefined {
  if (!headers) return undefined;
  const asked = waitFromRetryAfter(header(headers, 'retry-after'), now);
  if (asked !== undefined) return asked;
  const reset = (
    header(headers, 'x-rate-limit-reset') ??
    header(headers, 'x-ratelimit-reset') ??
    header(headers, 'ratelimit-reset')
  )?.trim();
  if (reset === undefined || !/^\d+$/.test(reset)) return undefined;
  const n = Number(reset);
  return n > EPOCH_SECONDS ? waitFromReset(n, now) : n * 1000;
}
