/**
 * X mentions of the hospital's account through twitter-api-v2, with a `since_id` cursor (the newest mention stored).
 * The client (and its TWITTER_API_URL redirect) comes from x-client.ts.
 */
import { ApiRequestError, ApiResponseError } from 'twitter-api-v2';
import { z } from 'zod';
import type { IncomingReview } from '../services/review-store';
import { type RetryPolicy, SourceError, withRetries } from './http';
import { waitFromHeaders, waitFromReset } from './retry';
import type { FetchResult, ReviewSource } from './types';
import { xClient } from './x-client';

/** With no cursor yet, read at most this many pages (100 each) of the newest mentions. */
const FIRST_RUN_PAGES = 5;
const MAX_PAGES = 50;

/** Sorts twitter-api-v2's errors into the shared kinds, with the wait X asked for. */
export function sortXError(err: unknown, what: string, now: Date): unknown {
  if (err instanceof ApiResponseError) {
    const status = err.code;
    const wait = waitFromReset(err.rateLimit?.reset, now) ?? waitFromHeaders(err.headers, now);
    if (err.rateLimitError || status === 429) {
      return new SourceError('rate_limited', `${what}: rate limited (HTTP 429)`, {
        status,
        retryAfterMs: wait,
      });
    }
    if (status === 401 || status === 403) {
      return new SourceError('auth', `${what}: credentials refused (HTTP ${status})`, { status });
    }
    if (status >= 500) return new SourceError('upstream', `${what}: X answered HTTP ${status}`, { status });
    return new SourceError('bad_response', `${what}: unexpected HTTP ${status}`, { status });
  }
  if (err instanceof ApiRequestError) {
    return new SourceError('upstream', `${what}: could not reach X (${err.requestError.message})`, {
      cause: err,
    });
  }
  return err;
}

/** One twitter-api-v2 call with the shared retry policy. */
export function xCall<T>(what: string, call: () => Promise<T>, retry: RetryPolicy): Promise<T> {
  return withRetries(async () => {
    try {
      return await call();
    } catch (err) {
      throw sortXError(err, what, retry.now());
    }
  }, retry);
}

const meSchema = z.object({ data: z.object({ id: z.string(), username: z.string().optional() }) });
const mentionsSchema = z.object({
  data: z
    .array(
      z.object({
        id: z.string().regex(/^\d+$/),
        text: z.string(),
        created_at: z.string().optional(),
        author_id: z.string().optional(),
      }),
    )
    .optional(),
  includes: z
    .object({
      users: z.array(z.object({ id: z.string(), username: z.string(), name: z.string().optional() })),
    })
    .partial()
    .optional(),
  meta: z
    .object({ newest_id: z.string().optional(), next_token: z.string().optional() })
    .partial()
    .optional(),
});

function parsed<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const r = schema.safeParse(value);
  if (!r.success) throw new SourceError('bad_response', `${what}: unexpected answer`);
  return r.data;
}

const bigger = (a: string | null | undefined, b: string | null | undefined) => {
  if (!a) return b ?? null;
  if (!b) return a;
  return BigInt(a) >= BigInt(b) ? a : b;
};

export const x: ReviewSource = {
  name: 'x',
  label: 'X mentions',
  setupHint: 'set TWITTER_APP_KEY, TWITTER_APP_SECRET, TWITTER_ACCESS_TOKEN and TWITTER_ACCESS_SECRET',
  enabled: (config) => config.twitter !== undefined,
  async fetch(cursor, env): Promise<FetchResult> {
    const tw = env.config.twitter;
    if (!tw) return { items: [], nextCursor: cursor };
    const client = xClient(tw);
    const me = parsed(meSchema, await xCall('X account', () => client.v2.me(), env.retry), 'X account');
    const items: IncomingReview[] = [];
    let newestSeen: string | null = cursor;
    let token: string | undefined;
    const maxPages = cursor ? MAX_PAGES : FIRST_RUN_PAGES;
    for (let page = 0; page < maxPages; page++) {
      const query: Record<string, string | number> = {
        max_results: 100,
        'tweet.fields': 'created_at,author_id',
        expansions: 'author_id',
        'user.fields': 'username,name',
      };
      if (cursor) query.since_id = cursor;
      if (token) query.pagination_token = token;
      const answer = parsed(
        mentionsSchema,
        await xCall('X mentions', () => client.v2.get(`users/${me.data.id}/mentions`, query), env.retry),
        'X mentions',
      );
      const users = new Map((answer.includes?.users ?? []).map((u) => [u.id, u]));
      for (const t of answer.data ?? []) {
        newestSeen = bigger(newestSeen, t.id);
        if (t.author_id === me.data.id) continue; // our own tweets mentioning ourselves
        const author = t.author_id ? users.get(t.author_id) : undefined;
        items.push({
          source: 'x',
          externalId: t.id,
          facility: null,
          rating: null,
          text: t.text.slice(0, 5000),
          authorName: author ? `${author.name ?? author.username} (@${author.username})` : null,
          url: `https://x.com/${author?.username ?? 'i/web'}/status/${t.id}`,
          postedAt: t.created_at ? new Date(t.created_at) : env.now(),
        });
      }
      newestSeen = bigger(newestSeen, answer.meta?.newest_id);
      token = answer.meta?.next_token;
      if (!token) break;
    }
    return { items, nextCursor: newestSeen };
  },
};
