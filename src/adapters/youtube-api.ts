/**
 * The YouTube Data API v3 calls smx makes, shared by the comment source, the audience reading, `/smx videos` and the
 * metadata-fix target: an OAuth access token from the refresh token (same endpoint as Google Business Profile), and
 * reads that spend quota units (youtube-quota.ts) on every attempt, retried by the shared engine on 429/5xx.
 * Errors follow Google's shape `{error: {code, message, errors: [{domain, reason}]}}`.
 */
import { z } from 'zod';
import type { YoutubeConfig } from '../config';
import { googleAccessToken } from './google';
import { fetchJson, type RetryPolicy, retryPolicy, SourceError, withRetries } from './http';
import { markQuotaExhausted, QuotaError, spendQuota, YOUTUBE_COST } from './youtube-quota';

export interface YoutubeEnv {
  retry: RetryPolicy;
  now: () => Date;
  /**
   * Which budget a read spends: `read` (default) stops at the reserve; `write` is the read an approved update makes
   * first (publish time read–modify–write), which the reserve is kept for.
   */
  spend?: 'read' | 'write';
}

export function youtubeReason(body: unknown): string | undefined {
  const errors = (body as { error?: { errors?: Array<{ reason?: unknown }> } } | undefined)?.error?.errors;
  const r = Array.isArray(errors) ? errors[0]?.reason : undefined;
  return typeof r === 'string' ? r : undefined;
}

const QUOTA_REASONS = new Set(['quotaExceeded', 'dailyLimitExceeded']);
const RATE_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded']);

export function isQuotaExceeded(body: unknown): boolean {
  return QUOTA_REASONS.has(youtubeReason(body) ?? '');
}

function classify(status: number, body: unknown): SourceError | undefined {
  const reason = youtubeReason(body);
  if (reason === undefined) return undefined;
  if (QUOTA_REASONS.has(reason)) {
    // Not worth retrying today: marked as not retryable (see QuotaError) by the caller.
    return new SourceError('rate_limited', `YouTube quota exhausted (${reason})`, { status });
  }
  if (RATE_REASONS.has(reason))
    return new SourceError('rate_limited', `YouTube rate limit (${reason})`, { status });
  if (
    status === 401 ||
    reason === 'authError' ||
    reason === 'forbidden' ||
    reason === 'insufficientPermissions'
  ) {
    return new SourceError('auth', `YouTube refused access (${reason}): check YOUTUBE_* credentials`, {
      status,
    });
  }
  return undefined;
}

export async function youtubeToken(yt: YoutubeConfig, env: YoutubeEnv): Promise<string> {
  return googleAccessToken(yt, env, 'YOUTUBE_REFRESH_TOKEN');
}

/**
 * One quota-counted GET (`call` is the method name, e.g. `videos.list`): each attempt spends its units first, a
 * quotaExceeded answer stops everything for the quota day, and the budget check is never retried.
 */
export async function youtubeGet<S extends z.ZodType>(
  yt: YoutubeConfig,
  env: YoutubeEnv,
  token: string,
  call: string,
  path: string,
  query: Record<string, string | number | undefined>,
  schema: S,
): Promise<z.output<S>> {
  const once = retryPolicy({ ...env.retry, maxAttempts: 1 });
  return withRetries(async () => {
    await spendQuota(yt, call, YOUTUBE_COST.list, env.spend ?? 'read', env.now());
    try {
      return await fetchJson(
        {
          url: `${yt.apiUrl}/${path}`,
          query,
          headers: { authorization: `Bearer ${token}` },
          schema,
          classify: (status, body) => {
            const sorted = classify(status, body);
            if (sorted && isQuotaExceeded(body)) throw new QuotaError(sorted.message, status);
            return sorted;
          },
          what: `YouTube ${call}`,
        },
        once,
      );
    } catch (err) {
      if (err instanceof QuotaError) {
        await markQuotaExhausted(call, env.now());
        throw err;
      }
      throw err;
    }
  }, env.retry);
}

// --- Shapes (from the YouTube Data API v3 discovery document) ---------------------------------------------------

export const commentSchema = z.object({
  id: z.string(),
  snippet: z.object({
    authorDisplayName: z.string().optional(),
    authorChannelId: z.object({ value: z.string() }).optional(),
    videoId: z.string().optional(),
    textOriginal: z.string().optional(),
    textDisplay: z.string().optional(),
    parentId: z.string().optional(),
    publishedAt: z.iso.datetime({ offset: true }),
    updatedAt: z.iso.datetime({ offset: true }).optional(),
  }),
});

export const commentThreadListSchema = z.object({
  nextPageToken: z.string().optional(),
  items: z.array(
    z.object({
      id: z.string(),
      snippet: z.object({
        videoId: z.string().optional(),
        topLevelComment: commentSchema,
        totalReplyCount: z.number().optional(),
      }),
      replies: z.object({ comments: z.array(commentSchema) }).optional(),
    }),
  ),
});

/** uint64 counts arrive as strings. */
const count = z.union([z.string().regex(/^\d+$/), z.number().int().min(0)]).transform((v) => Number(v));

export const channelListSchema = z.object({
  items: z
    .array(
      z.object({
        id: z.string(),
        statistics: z
          .object({
            viewCount: count.optional(),
            subscriberCount: count.optional(),
            hiddenSubscriberCount: z.boolean().optional(),
            videoCount: count.optional(),
          })
          .optional(),
        contentDetails: z
          .object({ relatedPlaylists: z.object({ uploads: z.string().optional() }).optional() })
          .optional(),
      }),
    )
    .optional(),
});

export const videoSnippetSchema = z
  .object({
    title: z.string(),
    description: z.string().default(''),
    tags: z.array(z.string()).optional(),
    categoryId: z.string().optional(),
    publishedAt: z.string().optional(),
    channelId: z.string().optional(),
    defaultLanguage: z.string().optional(),
  })
  .loose();
export type VideoSnippet = z.output<typeof videoSnippetSchema>;

export const videoListSchema = z.object({
  items: z
    .array(z.object({ id: z.string(), etag: z.string().optional(), snippet: videoSnippetSchema }))
    .default([]),
});

const playlistItemsSchema = z.object({
  nextPageToken: z.string().optional(),
  items: z
    .array(
      z.object({
        contentDetails: z.object({ videoId: z.string(), videoPublishedAt: z.string().optional() }),
      }),
    )
    .default([]),
});

export interface ChannelVideo {
  id: string;
  etag: string | undefined;
  snippet: VideoSnippet;
}

export function videoUrl(id: string): string {
  return `https://www.youtube.com/watch?v=${encodeURIComponent(id)}`;
}

/** The channel's `limit` most recent uploads with their snippets: 3 units (channels, playlistItems, videos). */
export async function recentVideos(yt: YoutubeConfig, env: YoutubeEnv, limit = 25): Promise<ChannelVideo[]> {
  const token = await youtubeToken(yt, env);
  const ch = await youtubeGet(
    yt,
    env,
    token,
    'channels.list',
    'channels',
    { part: 'contentDetails', id: yt.channelId },
    channelListSchema,
  );
  const uploads = ch.items?.[0]?.contentDetails?.relatedPlaylists?.uploads;
  if (!uploads)
    throw new SourceError(
      'bad_response',
      `YouTube: channel ${yt.channelId} not found or has no uploads list`,
    );
  const items = await youtubeGet(
    yt,
    env,
    token,
    'playlistItems.list',
    'playlistItems',
    { part: 'contentDetails', playlistId: uploads, maxResults: Math.min(50, limit) },
    playlistItemsSchema,
  );
  const ids = items.items.map((i) => i.contentDetails.videoId);
  if (ids.length === 0) return [];
  return videosById(yt, env, token, ids);
}

/** videos.list for up to 50 ids (1 unit). */
export async function videosById(
  yt: YoutubeConfig,
  env: YoutubeEnv,
  token: string,
  ids: string[],
): Promise<ChannelVideo[]> {
  const answer = await youtubeGet(
    yt,
    env,
    token,
    'videos.list',
    'videos',
    { part: 'snippet', id: ids.slice(0, 50).join(','), maxResults: 50 },
    videoListSchema,
  );
  return answer.items.map((v) => ({ id: v.id, etag: v.etag, snippet: v.snippet }));
}
