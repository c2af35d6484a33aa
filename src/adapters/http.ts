/**
 * The one HTTP base every adapter uses. `sendOnce`: one undici request, read to the end, not retried (publish targets
 * send with it and let targets/base.ts decide). `fetchJson`: JSON reads for review sources with bounded retries (the
 * shared engine in retry.ts) on 429 and 5xx that honour Retry-After / a rate-limit reset, and failures sorted into a
 * few typed kinds that the ingest job records and `/smx sources` shows. Source-specific error bodies (Graph error
 * codes, …) are sorted by the adapter through `classify`, so nothing here knows about any particular source.
 */
import { request } from 'undici';
import type { z } from 'zod';
import { type Backoff, realSleep, retrying, waitFromHeaders } from './retry';

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

/** Sources' retry settings: the shared engine's, with a backoff cap, a sleep and a clock always set. */
export interface RetryPolicy extends Backoff {
  maxDelayMs: number;
  sleep: (ms: number) => Promise<void>;
  /** Clock for rate-limit reset times; tests pin it. */
  now: () => Date;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  // A source asking us to wait longer than this is not waited for: the run reports it, the next run retries.
  maxWaitMs: 120_000,
  sleep: realSleep,
  now: () => new Date(),
};

export function retryPolicy(over: Partial<RetryPolicy> = {}): RetryPolicy {
  return { ...DEFAULT_RETRY, ...over };
}

/** Retry-After in seconds or as an HTTP date; else a rate-limit reset (x-rate-limit-reset and kin). */
export function retryAfterMs(
  headers: Record<string, string | string[] | undefined>,
  now: Date,
): number | undefined {
  return waitFromHeaders(headers, now);
}

/**
 * Runs `attempt` on the shared engine (retry.ts): rate_limited and upstream failures are tried again, waiting what
 * the source asked for when it said, else backing off; every other kind, and anything not a SourceError, is thrown.
 */
export function withRetries<T>(
  attempt: () => Promise<T>,
  policy: RetryPolicy,
  onRetry?: (err: SourceError, waitMs: number, attemptNo: number) => void,
): Promise<T> {
  return retrying(attempt, {
    policy,
    classify: (err) =>
      err instanceof SourceError && err.retryable
        ? { retry: true, waitMs: err.details.retryAfterMs }
        : { retry: false },
    onAttempt: ({ error, waitMs, attempt: n }) => {
      if (error instanceof SourceError) onRetry?.(error, waitMs, n);
    },
  });
}

export interface HttpRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  /** Sent as application/x-www-form-urlencoded. */
  form?: Record<string, string>;
  /** Sent as JSON. */
  json?: unknown;
  timeoutMs?: number;
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The parsed body; undefined when empty or not JSON (see isJson). */
  body: unknown;
  isJson: boolean;
}

/**
 * One request, read to the end: no retries and no sorting. A network failure is thrown as undici gives it, because
 * only the caller knows whether sending again is safe (reads: yes; a publish POST: not once it may have arrived).
 */
export async function sendOnce(req: HttpRequest): Promise<HttpAnswer> {
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
  const timeoutMs = req.timeoutMs ?? 30_000;
  const res = await request(url, {
    method: req.method ?? 'GET',
    headers,
    body,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    // One deadline for the whole exchange; undici's own timers are coarse (about a second).
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.body.text();
  let parsed: unknown;
  let isJson = true;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    isJson = false;
  }
  return { status: res.statusCode, headers: res.headers, text, body: parsed, isJson };
}

export interface JsonRequest<S extends z.ZodType> extends HttpRequest {
  /** What a usable answer looks like; anything else is a bad_response. */
  schema: S;
  /** Sorts a source's own error bodies first; return undefined to fall back to the status code. */
  classify?: (status: number, body: unknown) => SourceError | undefined;
  /** For messages and logs, e.g. "Google reviews for locations/1". Never put secrets here. */
  what: string;
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

/**
 * One JSON request with retries. Returns the parsed, validated body. A network failure is retried even when the
 * request may already have arrived, so this is for reads and calls that are safe to repeat (a token refresh).
 * Publish targets do not use it: a POST that may have published must never be sent again (targets/base.ts).
 */
export async function fetchJson<S extends z.ZodType>(
  req: JsonRequest<S>,
  policy: RetryPolicy,
): Promise<z.output<S>> {
  return withRetries(async () => {
    let answer: HttpAnswer;
    try {
      answer = await sendOnce(req);
    } catch (err) {
      throw new SourceError(
        'upstream',
        `${req.what}: could not reach the service (${(err as Error).message})`,
        {
          cause: err,
        },
      );
    }
    const { status, body: parsed, isJson } = answer;
    if (status >= 300) {
      const sorted = isJson ? req.classify?.(status, parsed) : undefined;
      const wait = waitFromHeaders(answer.headers, policy.now());
      if (sorted) {
        if (sorted.retryable && sorted.details.retryAfterMs === undefined && wait !== undefined) {
          throw new SourceError(sorted.kind, sorted.message, { ...sorted.details, retryAfterMs: wait });
        }
        throw sorted;
      }
      throw statusError(status, req.what, wait);
    }
    if (!isJson) throw new SourceError('bad_response', `${req.what}: the answer is not JSON`);
    const sortedOk = req.classify?.(status, parsed);
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

/** A source's stored cursor (JSON the adapter wrote itself); missing, unreadable or invalid → `empty` (start over). */
export function parseJsonCursor<T>(schema: z.ZodType<T>, cursor: string | null, empty: NoInfer<T>): T {
  if (!cursor) return empty;
  try {
    const c = schema.safeParse(JSON.parse(cursor));
    return c.success ? c.data : empty;
  } catch {
    return empty;
  }
}

/** A short, log-safe description of any failure, for SourceState.lastError. */
export function describeFailure(err: unknown): string {
  if (err instanceof SourceError) return `${err.kind}: ${err.message}`;
  if (err instanceof Error) return `error: ${err.message}`;
  return `error: ${String(err)}`;
}
