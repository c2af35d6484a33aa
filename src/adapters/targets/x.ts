/** X (Twitter): one tweet per post via twitter-api-v2 `v2.tweet`, OAuth 1.0a user context. */
import http from 'node:http';
import https from 'node:https';
import {
  ApiPartialResponseError,
  ApiRequestError,
  ApiResponseError,
  type ITwitterApiClientPlugin,
  TwitterApi,
} from 'twitter-api-v2';
import type { TwitterConfig } from '../../config';
import { networkError, PublishError, waitFromHeaders, waitFromReset } from './base';
import type { PublishTarget } from './types';

const DEFAULT_API = 'https://api.x.com';

/**
 * twitter-api-v2 has no base-URL setting: this plugin points its hard-coded https://api.x.com/ prefixes at
 * TWITTER_API_URL (a proxy, or the fake server in tests) and sets the per-call timeout.
 */
function redirectPlugin(apiUrl: string, timeoutMs: number): ITwitterApiClientPlugin {
  return {
    onBeforeRequestConfig({ params }) {
      if (apiUrl !== DEFAULT_API) {
        params.url = params.url.replace(/^https:\/\/api\.(x|twitter)\.com/, apiUrl);
      }
      params.timeout = timeoutMs;
    },
  };
}

export function xClient(cfg: TwitterConfig, timeoutMs: number): TwitterApi {
  const plain = cfg.apiUrl.startsWith('http:');
  return new TwitterApi(
    {
      appKey: cfg.appKey,
      appSecret: cfg.appSecret,
      accessToken: cfg.accessToken,
      accessSecret: cfg.accessSecret,
    },
    {
      plugins: [redirectPlugin(cfg.apiUrl, timeoutMs)],
      // Without an http.Agent the library refuses http: URLs ("Protocol http: not supported").
      httpAgent: plain ? new http.Agent({ keepAlive: false }) : new https.Agent({ keepAlive: true }),
    },
  );
}

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

export const xTarget: PublishTarget = {
  name: 'x',
  label: 'X',
  aliases: ['twitter', 'tweet'],
  enabled: (config) => config.twitter !== undefined,
  async publish(input, config, { timeoutMs }) {
    const cfg = config.twitter;
    if (!cfg) throw new PublishError('permanent', 'X is not configured (TWITTER_* variables)');
    try {
      const res = await xClient(cfg, timeoutMs).v2.tweet({ text: input.text });
      const id = res.data?.id;
      if (!id) throw new PublishError('unknown', 'X answered without a tweet id');
      return { externalId: id, url: `https://x.com/i/web/status/${id}` };
    } catch (err) {
      if (err instanceof PublishError) throw err;
      throw sortXError(err);
    }
  },
};
