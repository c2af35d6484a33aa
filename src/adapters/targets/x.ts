/** X (Twitter): one tweet per post via twitter-api-v2 `v2.tweet`, OAuth 1.0a user context. */
import { ApiPartialResponseError, ApiRequestError, ApiResponseError, type TwitterApi } from 'twitter-api-v2';
import { z } from 'zod';
import type { TwitterConfig } from '../../config';
import { xClient } from '../x-client';
import { networkError, PublishError, waitFromHeaders, waitFromReset } from './base';
import type { PublishTarget } from './types';

function xMessage(err: ApiResponseError): string {
  const data = err.data as { detail?: unknown; title?: unknown; errors?: Array<{ message?: unknown }> };
  const detail =
    (typeof data?.detail === 'string' && data.detail) ||
    (typeof data?.errors?.[0]?.message === 'string' && data.errors[0].message) ||
    (typeof data?.title === 'string' && data.title) ||
    err.message;
  return `X answered ${err.code}: ${detail}`;
}

export function sortXError(err: unknown): PublishError {
  if (err instanceof ApiResponseError) {
    if (err.rateLimitError || err.code === 429) {
      return new PublishError('retryable', xMessage(err), {
        status: 429,
        retryAfterMs: waitFromReset(err.rateLimit?.reset) ?? waitFromHeaders(err.headers),
        cause: err,
      });
    }
    if (err.code >= 500)
      return new PublishError('retryable', xMessage(err), { status: err.code, cause: err });
    return new PublishError('permanent', xMessage(err), { status: err.code, cause: err });
  }
  if (err instanceof ApiRequestError) {
    // twitter-api-v2 1.29 builds this error with `error` but its `requestError` getter reads another field.
    const inner = err.requestError ?? (err as unknown as { _options?: { error?: unknown } })._options?.error;
    return networkError(inner ?? err, 'X');
  }
  if (err instanceof ApiPartialResponseError) {
    return new PublishError('unknown', `X: the answer was cut off (${err.message})`, { cause: err });
  }
  return networkError(err, 'X');
}

/** What a repost post carries in `details` (written by services/repost.ts). */
export const repostDetails = z.object({
  tweetId: z.string().regex(/^\d{1,19}$/),
  url: z.string(),
  author: z.string().nullable(),
  text: z.string(),
});
export type RepostDetails = z.infer<typeof repostDetails>;

export const REPOST_GONE =
  'X says the post no longer exists (deleted, or its account went private) — nothing was reposted';

const repostAnswer = z.object({
  data: z.object({ retweeted: z.boolean() }).optional(),
  errors: z.array(z.object({ type: z.string().optional(), detail: z.string().optional() })).optional(),
});

/**
 * The signed-in account's id, per API URL and access token: asked once per process, because every
 * `GET /2/users/me` is a billed read. A failed lookup is forgotten, so the next repost asks again.
 */
const accountIds = new Map<string, Promise<string>>();

function accountId(client: TwitterApi, cfg: TwitterConfig): Promise<string> {
  const key = `${cfg.apiUrl}|${cfg.accessToken}`;
  let id = accountIds.get(key);
  if (!id) {
    id = client.v2.me().then((me) => me.data.id);
    accountIds.set(key, id);
    id.catch(() => accountIds.delete(key));
  }
  return id;
}

/** `POST /2/users/{me}/retweets {tweet_id}`, once. The account id comes from `GET /2/users/me` (cached). */
async function repost(client: TwitterApi, cfg: TwitterConfig, details: unknown) {
  const d = repostDetails.safeParse(details);
  if (!d.success)
    throw new PublishError('permanent', 'This repost has no post to share; draft it again with /smx repost');
  const me = await accountId(client, cfg);
  const answer = repostAnswer.safeParse(
    await client.v2.post(`users/${me}/retweets`, { tweet_id: d.data.tweetId }),
  );
  if (answer.success && answer.data.data?.retweeted === true) {
    return { externalId: d.data.tweetId, url: d.data.url };
  }
  const problem = answer.success ? answer.data.errors?.[0] : undefined;
  if (problem?.type?.endsWith('/resource-not-found')) throw new PublishError('permanent', REPOST_GONE);
  throw new PublishError(
    'unknown',
    `X answered the repost without confirming it (${problem?.detail ?? 'no detail'})`,
  );
}

export const xTarget: PublishTarget = {
  name: 'x',
  label: 'X',
  aliases: ['twitter', 'tweet'],
  kinds: ['post', 'repost'],
  enabled: (config) => config.twitter !== undefined,
  async publish(input, config, { timeoutMs }) {
    const cfg = config.twitter;
    if (!cfg) throw new PublishError('permanent', 'X is not configured (TWITTER_* variables)');
    try {
      const client = xClient(cfg, { timeoutMs });
      if (input.kind === 'repost') return await repost(client, cfg, input.details);
      const res = await client.v2.tweet({ text: input.text });
      const id = res.data?.id;
      if (!id) throw new PublishError('unknown', 'X answered without a tweet id');
      return { externalId: id, url: `https://x.com/i/web/status/${id}` };
    } catch (err) {
      if (err instanceof PublishError) throw err;
      throw sortXError(err);
    }
  },
};
