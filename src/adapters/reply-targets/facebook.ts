/**
 * Facebook: a comment on the Page's posts is answered with `POST {graph}/{comment-id}/comments {message}`.
 * Recommendations (ratings) cannot be answered through the API: they get Copy reply (manual.ts).
 */
import { type HttpAnswer, sendOnce } from '../http';
import { networkError, PublishError, waitFromHeaders } from '../targets/base';
import type { ReplyTarget } from './types';

const COMMENT_PREFIX = 'comment_';
/** Graph error codes that mean "throttled" even when the HTTP status is 400/403. */
const THROTTLE_CODES = new Set([4, 17, 32, 613]);

export const facebookReply: ReplyTarget = {
  name: 'facebook-reply',
  label: 'Facebook',
  aliases: [],
  enabled: (config) => config.facebook !== undefined,
  answers: (review) => review.source === 'facebook' && review.externalId.startsWith(COMMENT_PREFIX),
  check: (text) =>
    Array.from(text).length > 8000 ? ['Facebook comments can be at most 8,000 characters.'] : [],
  async publish(input, config, { timeoutMs }) {
    const fb = config.facebook;
    const review = input.replyTo;
    if (!fb) throw new PublishError('permanent', 'Facebook is not configured (FACEBOOK_PAGE_ID/TOKEN)');
    if (!review?.externalId.startsWith(COMMENT_PREFIX)) {
      throw new PublishError('permanent', 'only Facebook comments can be answered through the API');
    }
    const commentId = review.externalId.slice(COMMENT_PREFIX.length);
    let res: HttpAnswer;
    try {
      res = await sendOnce({
        method: 'POST',
        url: `${fb.graphUrl}/${encodeURIComponent(commentId)}/comments`,
        form: { message: input.text, access_token: fb.pageToken },
        timeoutMs,
      });
    } catch (err) {
      throw networkError(err, 'Facebook');
    }
    const body = (res.isJson ? res.body : undefined) as
      | { id?: unknown; error?: { message?: string; code?: number; is_transient?: boolean } }
      | undefined;
    if (res.status >= 200 && res.status < 300) {
      if (typeof body?.id !== 'string')
        throw new PublishError('unknown', 'Facebook answered without a comment id');
      return { externalId: body.id, url: review.url };
    }
    const e = body?.error ?? {};
    const message = `Facebook answered ${res.status}: ${e.message ?? res.text.slice(0, 200)}`;
    if (
      res.status === 429 ||
      res.status >= 500 ||
      THROTTLE_CODES.has(e.code ?? -1) ||
      e.is_transient === true
    ) {
      throw new PublishError('retryable', message, {
        status: res.status,
        retryAfterMs: waitFromHeaders(res.headers),
      });
    }
    throw new PublishError('permanent', message, { status: res.status });
  },
};
