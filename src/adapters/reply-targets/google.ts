/**
 * Google Business Profile: `PUT {api}/v4/accounts/{a}/locations/{l}/reviews/{id}/reply {comment}` with an OAuth
 * access token. The reply text may be at most 4,096 bytes. A PUT replaces the one reply a review can have, so it is
 * never duplicated — the publisher still claims before calling, like every target.
 */
import { googleAccessToken } from '../google';
import { type HttpAnswer, retryPolicy, sendOnce } from '../http';
import { networkError, PublishError, waitFromHeaders } from '../targets/base';
import type { ReplyTarget } from './types';

export const GOOGLE_REPLY_MAX_BYTES = 4096;

export const googleReply: ReplyTarget = {
  name: 'google-reply',
  label: 'Google',
  aliases: [],
  enabled: (config) => config.google !== undefined,
  answers: (review) => review.source === 'google',
  check(text) {
    const bytes = Buffer.byteLength(text, 'utf8');
    return bytes > GOOGLE_REPLY_MAX_BYTES
      ? [`Google allows replies of at most ${GOOGLE_REPLY_MAX_BYTES} bytes; this one has ${bytes}.`]
      : [];
  },
  async publish(input, config, { timeoutMs }) {
    const g = config.google;
    const review = input.replyTo;
    if (!g) throw new PublishError('permanent', 'Google is not configured (GOOGLE_* variables)');
    if (!review) throw new PublishError('permanent', 'a Google reply needs the review it answers');
    const matches = g.locations.filter((l) => l.facility === review.facility);
    const location =
      matches.length === 1 ? matches[0] : g.locations.length === 1 ? g.locations[0] : undefined;
    if (!location) {
      throw new PublishError(
        'permanent',
        `cannot tell which Google location the review belongs to (facility ${review.facility ?? 'unknown'}); check GOOGLE_LOCATIONS`,
      );
    }
    let token: string;
    try {
      token = await googleAccessToken(g, { retry: retryPolicy({ maxAttempts: 1 }) });
    } catch (err) {
      // Nothing was sent to the reviews API: trying again later cannot answer twice.
      throw new PublishError('retryable', `Google sign-in failed: ${(err as Error).message}`, { cause: err });
    }
    const account = g.accountId.startsWith('accounts/') ? g.accountId : `accounts/${g.accountId}`;
    let res: HttpAnswer;
    try {
      res = await sendOnce({
        method: 'PUT',
        url: `${g.apiUrl}/v4/${account}/${location.id}/reviews/${encodeURIComponent(review.externalId)}/reply`,
        headers: { authorization: `Bearer ${token}` },
        json: { comment: input.text },
        timeoutMs,
      });
    } catch (err) {
      throw networkError(err, 'Google');
    }
    if (res.status >= 200 && res.status < 300) {
      return { externalId: `${location.id}/reviews/${review.externalId}/reply`, url: review.url };
    }
    const e = (res.body as { error?: { message?: string; status?: string } } | undefined)?.error;
    const message = `Google answered ${res.status}: ${e?.message ?? e?.status ?? res.text.slice(0, 200)}`;
    if (res.status === 429 || res.status >= 500) {
      throw new PublishError('retryable', message, {
        status: res.status,
        retryAfterMs: waitFromHeaders(res.headers),
      });
    }
    throw new PublishError('permanent', message, { status: res.status });
  },
};
