/**
 * The one HTTP base every adapter uses: JSON requests with undici, bounded retries with backoff on 429 and 5xx that
 * honour Retry-After / a rate-limit reset, and failures sorted into a few typed kinds that the ingest job records
 * and `/smx sources` shows. Source-specific error bodies (Graph error codes, …) are sorted by the adapter through
 * `classify`, so nothing here knows about any particular source.
 */
import { request } from 'undici';
import type { z } from 'zod';

/**
 * - rate_limited: the source asked us to slow down (429, or its own rate-limit error); retried, then reported.
 * - upstream: the source is down or unreachable (5xx, network); retried, then reported.
 * - auth: credentials refused or expired; never retried — a person must fix them.
 * - bad_response: the source answered something we cannot use (4xx, not JSON, unexpected shape).
 * - unavailable: the feature is not served at all any more (e.g. Facebook ratings on newer Graph versions).
 */
export type SourceErrorKind = 'rate_limited' | 'upstream' | 'auth' | 'bad_response' | 'unavailable';

export class SourceError extends Error {
  constructor(
    readonly kind: SourceErrorKind,
    message: string,
    readonly details: { status?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'SourceError';
  }

  get retryable(): boolean {
    return this.kind === 'rate_limited' || this.kind === 'upstream';
  }
}

export interface RetryPolicy {
  /** Attempts in all, including the first. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A source asking us to wait longer than this is not waited for: the run reports it, the next run retries. */
  maxWaitMs: number;
  sleep: (ms: number) => Promise<void>;
  /** Clock for rate-limit reset times; tests pin it. */
  now: () => Date;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxWaitMs: 120_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => new Date(),
};

export function retryPolicy(over: Partial<RetryPolicy> = {}): RetryPolicy {
  return { ...DEFAULT_RETRY, ...over };
}

/** Retry-After in seconds or as an HTTP date; else a reset time in unix seconds (x-rate-limit-reset and kin). */
export function retryAfterMs(
  headers: Record<string, string | string[] | undefined>,
  now: Date,
): number | undefined {
  const h = (name: string) => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const ra = h('retry-after');
  if (ra !== undefined) {
    if (/^\d+(\.\d+)?$/.test(ra.trim())) return Math.round(Number(ra) * 1000);
    const at = Date.parse(ra);
    if (!Number.isNaN(at)) return Math.max(0, at - now.getTime());
  }
  const reset = h('x-rate-limit-reset') ?? h('x-ratelimit-reset') ?? h('ratelimit-reset');
  if (reset !== undefined && /^\d+$/.test(reset.trim())) {
    const n = Number(reset);
    // Big numbers are unix seconds; small ones are "seconds from now" (the IETF RateLimit-Reset draft).
    return n > 1e9 ? Math.max(0, n * 1000 - now.getTime()) : n * 1000;
  }
  return undefined;
}

/**
 * Runs `attempt` until it succeeds, fails with a non-retryable error, or runs out of attempts. Waits what the source
 * asked for (Retry-After / reset) when it said, else exponential backoff with jitter.
 */
export async function withRetries<T>(
  attempt: () => Promise<T>,
  policy: RetryPolicy,
  onRetry?: (err: SourceError, waitMs: number, attemptNo: number) => void,
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof SourceError) || !err.retryable || n >= policy.maxAttempts) throw err;
      const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (n - 1));
      const wait = err.details.retryAfterMs ?? Math.round(backoff / 2 + Math.random() * (backoff / 2));
      if (wait > policy.maxWaitMs) throw err;
      onRetry?.(err, wait, n);
      await policy.sleep(wait);
    }
  }
}

export interface JsonRequest<S extends z.ZodType> {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  /** Sent as application/x-www-form-urlencoded. */
  form?: Record<string, string>;
  /** Sent as JSON. */
  json?: unknown;
  /** What a usable answer looks like; anything else is a bad_response. */
  schema: S;
  /** Sorts a source's own error bodies first; return undefined to fall back to the status code. */
  classify?: (status: number, body: unknown) => SourceError | undefined;
  /** For messages and logs, e.g. "Google reviews for locations/1". Never put secrets here. */
  what: string;
  timeoutMs?: number;
}

function statusError(status: number, what: string, retryAfter: number | undefined): SourceError {
  if (status === 429) {
    return new SourceError('rate_limited', `${what}: rate limited (HTTP 429)`, {
      status,
      retryAfterMs: retryAfter,
    });
  }
  if (status >= 500) {
    return new SourceError('upstream', `${what}: the service answered HTTP ${status}`, {
      status,
      retryAfterMs: retryAfter,
    });
  }
  if (status === 401 || status === 403) {
    return new SourceError('auth', `${what}: credentials refused (HTTP ${status})`, { status });
  }
  return new SourceError('bad_response', `${what}: unexpected HTTP ${status}`, { status });
}

/** One JSON request with retries. Returns the parsed, validated body. */
export async function fetchJson<S extends z.ZodType>(
  req: JsonRequest<S>,
  policy: RetryPolicy,
): Promise<z.output<S>> {
  const url = new URL(req.url);
  for (const [k, v] of Object.entries(req.query ?? {}))
    if (v !== undefined) url.searchParams.set(k, String(v));
  const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
  let body: string | undefined;
  if (req.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(req.form).toString();
  } else if (req.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(req.json);
  }

  return withRetries(async () => {
    let res: Awaited<ReturnType<typeof request>>;
    try {
      res = await request(url, {
        method: req.method ?? 'GET',
        headers,
        body,
        headersTimeout: req.timeoutMs ?? 30_000,
        bodyTimeout: req.timeoutMs ?? 30_000,
      });
    } catch (err) {
      throw new SourceError(
        'upstream',
        `${req.what}: could not reach the service (${(err as Error).message})`,
        {
          cause: err,
        },
      );
    }
    const text = await res.body.text();
    let parsed: unknown;
    let isJson = true;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      isJson = false;
    }
    if (res.statusCode >= 300) {
      const sorted = isJson ? req.classify?.(res.statusCode, parsed) : undefined;
      const wait = retryAfterMs(res.headers, policy.now());
      if (sorted) {
        if (sorted.retryable && sorted.details.retryAfterMs === undefined && wait !== undefined) {
          throw new SourceError(sorted.kind, sorted.message, { ...sorted.details, retryAfterMs: wait });
        }
        throw sorted;
      }
      throw statusError(res.statusCode, req.what, wait);
    }
    if (!isJson) throw new SourceError('bad_response', `${req.what}: the answer is not JSON`);
    const sortedOk = req.classify?.(res.statusCode, parsed);
    if (sortedOk) throw sortedOk;
    const checked = req.schema.safeParse(parsed);
    if (!checked.success) {
      const first = checked.error.issues[0];
      throw new SourceError(
        'bad_response',
        `${req.what}: unexpected answer (${first ? `${first.path.join('.') || 'body'}: ${first.message}` : 'invalid'})`,
      );
    }
    return checked.data;
  }, policy);
}

/** A short, log-safe description of any failure, for SourceState.lastError. */
export function describeFailure(err: unknown): string {
  if (err instanceof SourceError) return `${err.kind}: ${err.message}`;
  if (err instanceof Error) return `error: ${err.message}`;
  return `error: ${String(err)}`;
}
