/**
 * The shared half of every publish target: error sorting into PublishError, run on the one retry engine
 * (../retry.ts) that honours rate-limit resets. Targets only translate their API's errors into PublishError.
 */
import { type Backoff, retrying } from '../retry';

export { waitFromHeaders, waitFromReset, waitFromRetryAfter } from '../retry';

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

/**
 * Targets' retry settings (see Backoff). Waits longer than maxWaitMs are not worth holding a publisher tick for:
 * the attempt fails as retryable.
 */
export type RetryPolicy = Backoff;

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 1000, maxWaitMs: 60_000 };

/** Network errors that happen before a request is on the wire: nothing can have been published. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Sorts a low-level network error: refused before sending is retryable, anything later is unknown. Duck-typed,
 * not `instanceof Error`: errors from Node's sockets may come from another realm (jest's sandbox, for one).
 */
export function networkError(err: unknown, what: string): PublishError {
  for (let e: unknown = err, depth = 0; typeof e === 'object' && e !== null && depth < 5; depth++) {
    const { code, cause } = e as { code?: unknown; cause?: unknown };
    if (typeof code === 'string' && NOT_SENT_CODES.has(code)) {
      return new PublishError('retryable', `${what}: could not connect (${code})`, { cause: err });
    }
    e = cause;
  }
  const message = (err as { message?: unknown } | null)?.message;
  const msg = typeof message === 'string' ? message : String(err);
  return new PublishError('unknown', `${what}: no answer after sending (${msg})`, { cause: err });
}

export interface AttemptLog {
  attempt: number;
  kind: PublishErrorKind;
  message: string;
  waitMs: number;
}

/**
 * Runs `call` until it succeeds, fails permanent/unknown, or the retry budget is spent (then the last error).
 * Only `retryable` is tried again: `unknown` means the post may exist, so repeating it could publish twice.
 */
export function withRetries<T>(
  call: () => Promise<T>,
  policy: RetryPolicy = DEFAULT_RETRY,
  onRetry?: (log: AttemptLog) => void,
): Promise<T> {
  const sorted = async () => {
    try {
      return await call();
    } catch (err) {
      throw err instanceof PublishError ? err : networkError(err, 'publish');
    }
  };
  return retrying(sorted, {
    policy,
    classify: (err) =>
      err instanceof PublishError && err.kind === 'retryable'
        ? { retry: true, waitMs: err.options.retryAfterMs }
        : { retry: false },
    onAttempt: ({ attempt, error, waitMs }) => {
      if (error instanceof PublishError)
        onRetry?.({ attempt, kind: error.kind, message: error.message, waitMs });
    },
  });
}
