/**
 * The shared half of every publish target: error sorting and bounded retries that honour rate-limit resets.
 * Targets only translate their API's errors into PublishError; the retry policy lives here once.
 */
export type PublishErrorKind =
  /** 429 / 5xx / refused before sending: safe to try again after a wait. */
  | 'retryable'
  /** 4xx other than 429: the API said no; retrying the same request would get the same answer. */
  | 'permanent'
  /** Sent, but no answer (timeout, reset connection): it may or may not exist — a person must check. */
  | 'unknown';

export class PublishError extends Error {
  constructor(
    readonly kind: PublishErrorKind,
    message: string,
    readonly options: { status?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PublishError';
  }
}

export interface RetryPolicy {
  /** Attempts in total, including the first. */
  maxAttempts: number;
  /** Backoff when the API gives no reset time: base × 2^n. */
  baseDelayMs: number;
  /** Waits longer than this are not worth holding a publisher tick for: the attempt fails as retryable. */
  maxWaitMs: number;
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 1000, maxWaitMs: 60_000 };

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Network errors that happen before a request is on the wire: nothing can have been published. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Sorts a low-level network error: refused before sending is retryable, anything later is unknown. */
export function networkError(err: unknown, what: string): PublishError {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NOT_SENT_CODES.has(code)) {
      return new PublishError('retryable', `${what}: could not connect (${code})`, { cause: err });
    }
  }
  const msg = err instanceof Error ? err.message : String(err);
  return new PublishError('unknown', `${what}: no answer after sending (${msg})`, { cause: err });
}

export interface AttemptLog {
  attempt: number;
  kind: PublishErrorKind;
  message: string;
  waitMs: number;
}

/** Runs `call` until it succeeds, fails permanently/unknown, or the retry budget is spent (then the last error). */
export async function withRetries<T>(
  call: () => Promise<T>,
  policy: RetryPolicy = DEFAULT_RETRY,
  onRetry?: (log: AttemptLog) => void,
): Promise<T> {
  const sleep = policy.sleep ?? realSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const e = err instanceof PublishError ? err : networkError(err, 'publish');
      if (e.kind !== 'retryable' || attempt >= policy.maxAttempts) throw e;
      const waitMs = Math.max(0, e.options.retryAfterMs ?? policy.baseDelayMs * 2 ** (attempt - 1));
      if (waitMs > policy.maxWaitMs) throw e;
      onRetry?.({ attempt, kind: e.kind, message: e.message, waitMs });
      await sleep(waitMs);
    }
  }
}

/** Milliseconds until an epoch-seconds reset, or from a Retry-After header (seconds or HTTP date). */
export function waitFromReset(resetEpochSeconds: number | undefined, now = Date.now()): number | undefined {
  if (resetEpochSeconds === undefined || !Number.isFinite(resetEpochSeconds)) return undefined;
  return Math.max(0, resetEpochSeconds * 1000 - now);
}

export function waitFromRetryAfter(header: string | null | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const secs = Number(header);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
