/**
 * Facebook Page: recommendations (`/{page}/ratings`) where the pinned Graph version still serves them, and comments
 * on the page's recent posts as feedback. Graph error code 12 ("deprecated") marks the ratings feed unavailable —
 * the comments still come in and the source is not broken. The two feeds are independent: when one fails (a
 * permission missing, a Graph outage) the other's items are still stored and the failing one is reported with its
 * fix; only when both fail does the fetch fail. The cursor holds the newest created_time stored for each feed (a
 * failed feed keeps its old one); both are read newest first and paged with `after` until reaching it.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { FacebookConfig } from '../config';
import type { IncomingReview } from '../services/review-store';
import { fetchJson, parseJsonCursor, SourceError } from './http';
import type { FetchResult, ReviewSource, SourceEnv } from './types';

const MAX_PAGES = 50;
const RECENT_POSTS = 10;

export const RATINGS_UNAVAILABLE =
  'Facebook recommendations are not served by this Graph API version (error 12); comments still come in';

/** Graph time stamps look like 2026-11-20T10:00:00+0000. */
const graphTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'not a time');

const paging = z
  .object({ cursors: z.object({ after: z.string().optional() }).optional(), next: z.string().optional() })
  .optional();

const ratingSchema = z.object({
  created_time: graphTime,
  recommendation_type: z.enum(['positive', 'negative']).optional(),
  rating: z.number().int().min(1).max(5).optional(),
  review_text: z.string().optional(),
  reviewer: z.object({ id: z.string().optional(), name: z.string().optional() }).optional(),
  open_graph_story: z.object({ id: z.string() }).optional(),
});

const commentSchema = z.object({
  id: z.string(),
  message: z.string().optional(),
  created_time: graphTime,
  from: z.object({ id: z.string().optional(), name: z.string().optional() }).optional(),
  permalink_url: z.string().optional(),
});

const list = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item), paging });

const cursorSchema = z.object({ ratings: z.string().optional(), comments: z.string().optional() });
type Cursor = z.infer<typeof cursorSchema>;

/** Graph errors: `{error: {code, message}}`. */
export function classifyGraphError(status: number, body: unknown): SourceError | undefined {
  const e = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  if (!e || typeof e !== 'object') return undefined;
  const code = typeof e.code === 'number' ? e.code : undefined;
  const msg = typeof e.message === 'string' ? e.message.slice(0, 200) : 'error';
  if (code === 12) return new SourceError('unavailable', `Graph: ${msg}`, { status });
  if (code === 190 || code === 102 || code === 10 || (code !== undefined && code >= 200 && code < 300)) {
    return new SourceError('auth', `Graph refused the page token (code ${code}): ${msg}`, { status });
  }
  if (
    code === 4 ||
    code === 17 ||
    code === 32 ||
    code === 613 ||
    (code !== undefined && code >= 80000 && code < 80100)
  ) {
    return new SourceError('rate_limited', `Graph rate limit (code ${code})`, { status });
  }
  if (code === 1 || code === 2)
    return new SourceError('upstream', `Graph is having trouble (code ${code})`, { status });
  return undefined;
}

async function graphList<T extends z.ZodType>(
  fb: FacebookConfig,
  env: SourceEnv,
  path: string,
  query: Record<string, string | number | undefined>,
  item: T,
  what: string,
) {
  return fetchJson(
    {
      url: `${fb.graphUrl}/${path}`,
      query,
      headers: { authorization: `Bearer ${fb.pageToken}` },
      schema: list(item),
      classify: classifyGraphError,
      what,
    },
    env.retry,
  );
}

/** Reads a newest-first Graph list until an entry is no newer than `since`; returns entries newer than it. */
async function newerThan<T extends z.ZodType<{ created_time: string }>>(
  fb: FacebookConfig,
  env: SourceEnv,
  path: string,
  query: Record<string, string | number | undefined>,
  item: T,
  since: number | undefined,
  what: string,
): Promise<Array<z.output<T>>> {
  const out: Array<z.output<T>> = [];
  let after: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer = await graphList(fb, env, path, { ...query, after }, item, what);
    let reached = false;
    for (const entry of answer.data) {
      if (since !== undefined && Date.parse(entry.created_time) <= since) {
        reached = true;
        continue;
      }
      out.push(entry);
    }
    after = answer.paging?.next ? answer.paging.cursors?.after : undefined;
    if (reached || !after) break;
  }
  return out;
}

/** What to do about a failed feed, in the operator's terms. */
function feedFix(err: SourceError): string {
  switch (err.kind) {
    case 'auth':
      return 'give the Page token (FACEBOOK_PAGE_TOKEN) the pages_read_engagement and pages_read_user_content permissions, or renew it';
    case 'rate_limited':
      return 'Graph is rate-limiting the page; smx tries again on the next run';
    default:
      return 'smx tries again on the next run';
  }
}

export const FEED_FAILED = (feed: string, err: SourceError, other: string) =>
  `${feed} failed (${err.message}) — fix: ${feedFix(err)}. ${other} still come in.`;

const newest = (times: string[], prev: string | undefined) => {
  const all = prev ? [...times, prev] : times;
  if (all.length === 0) return undefined;
  return new Date(Math.max(...all.map((t) => Date.parse(t)))).toISOString();
};

export const facebook: ReviewSource = {
  name: 'facebook',
  label: 'Facebook Page',
  setupHint: 'set FACEBOOK_PAGE_ID and FACEBOOK_PAGE_TOKEN',
  enabled: (config) => config.facebook !== undefined,
  async fetch(cursor, env): Promise<FetchResult> {
    const fb = env.config.facebook;
    if (!fb) return { items: [], nextCursor: cursor };
    const c = parseJsonCursor(cursorSchema, cursor, {});
    const items: IncomingReview[] = [];
    const since = (t: string | undefined) => (t ? Date.parse(t) : undefined);

    let unavailable: string | null = null;
    const failed: Array<{ feed: string; err: SourceError; other: string }> = [];
    const feedFailed = (feed: string, other: string) => (err: unknown) => {
      // Anything but a SourceError is a bug, not a feed problem: let it fail the run loudly.
      if (!(err instanceof SourceError)) throw err;
      failed.push({ feed, err, other });
    };
    let ratings: Array<z.output<typeof ratingSchema>> = [];
    try {
      ratings = await newerThan(
        fb,
        env,
        `${fb.pageId}/ratings`,
        {
          fields:
            'created_time,recommendation_type,rating,review_text,reviewer{id,name},open_graph_story{id}',
          limit: 100,
        },
        ratingSchema,
        since(c.ratings),
        'Facebook recommendations',
      );
    } catch (err) {
      if (err instanceof SourceError && err.kind === 'unavailable') unavailable = RATINGS_UNAVAILABLE;
      else feedFailed('Facebook recommendations', 'Comments')(err);
    }
    for (const r of ratings) {
      // Recommendations have no id of their own; their story id is stable, else the reviewer and time are.
      const id =
        r.open_graph_story?.id ??
        `r_${createHash('sha256')
          .update(`${r.reviewer?.id ?? ''}|${r.created_time}`)
          .digest('hex')
          .slice(0, 24)}`;
      items.push({
        source: 'facebook',
        externalId: id,
        facility: fb.facility ?? null,
        rating: r.rating ?? null,
        recommends: r.recommendation_type === undefined ? null : r.recommendation_type === 'positive',
        text: (r.review_text ?? '').slice(0, 5000),
        authorName: r.reviewer?.name ?? null,
        url: r.open_graph_story ? `https://www.facebook.com/${r.open_graph_story.id}` : null,
        postedAt: new Date(r.created_time),
      });
    }

    let comments: Array<z.output<typeof commentSchema>> = [];
    try {
      comments = await recentComments(fb, env, since(c.comments));
    } catch (err) {
      feedFailed('Facebook comments', unavailable ? 'No other Facebook feed' : 'Recommendations')(err);
    }
    const [first] = failed;
    // Both feeds down (or comments down where recommendations are not served): the source failed this run.
    if (first && (failed.length === 2 || unavailable)) throw first.err;
    for (const m of comments) {
      if (m.from?.id === fb.pageId) continue; // the page's own replies are not feedback
      if (!m.message || m.message.trim() === '') continue; // sticker/photo-only comments carry no feedback text
      items.push({
        source: 'facebook',
        externalId: `comment_${m.id}`,
        facility: fb.facility ?? null,
        rating: null,
        text: m.message.slice(0, 5000),
        authorName: m.from?.name ?? null,
        url: m.permalink_url && /^https?:\/\//.test(m.permalink_url) ? m.permalink_url : null,
        postedAt: new Date(m.created_time),
      });
    }

    const next: Cursor = {
      ratings: newest(
        ratings.map((r) => r.created_time),
        c.ratings,
      ),
      comments: newest(
        comments.map((m) => m.created_time),
        c.comments,
      ),
    };
    return {
      items,
      nextCursor: JSON.stringify(next),
      unavailable,
      partialError: first ? FEED_FAILED(first.feed, first.err, first.other) : null,
    };
  },
};

/** Comments on the page's recent posts, newer than `since`: all of them, or a SourceError. */
async function recentComments(
  fb: FacebookConfig,
  env: SourceEnv,
  since: number | undefined,
): Promise<Array<z.output<typeof commentSchema>>> {
  const posts = await graphList(
    fb,
    env,
    `${fb.pageId}/posts`,
    { fields: 'id,created_time', limit: RECENT_POSTS },
    z.object({ id: z.string(), created_time: graphTime }),
    'Facebook page posts',
  );
  const comments: Array<z.output<typeof commentSchema>> = [];
  for (const post of posts.data) {
    const found = await newerThan(
      fb,
      env,
      `${post.id}/comments`,
      {
        fields: 'id,message,created_time,from{id,name},permalink_url',
        order: 'reverse_chronological',
        filter: 'stream',
        limit: 100,
      },
      commentSchema,
      since,
      'Facebook comments',
    );
    comments.push(...found);
  }
  return comments;
}
