/** X (Twitter): one tweet per post via twitter-api-v2 `v2.tweet`, OAuth 1.0a user context. */
import { ApiPartialResponseError, ApiRequestError, ApiResponseError } from 'twitter-api-v2';
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

export const xTarget: PublishTarget = {
  name: 'x',
  label: 'X',
  aliases: ['twitter', 'tweet'],
  enabled: (config) => config.twitter !== undefined,
  async publish(input, config, { timeoutMs }) {
    const cfg = config.twitter;
    if (!cfg) throw new PublishError('permanent', 'X is not configured (TWITTER_* variables)');
    try {
      const res = await xClient(cfg, { timeoutMs }).v2.tweet({ text: input.text });
      const id = res.data?.id;
      if (!id) throw new PublishError('unknown', 'X answered without a tweet id');
      return { externalId: id, url: `https://x.com/i/web/status/${id}` };
    } catch (err) {
      if (err instanceof PublishError) throw err;
      throw sortXError(err);
    }
  },
};
