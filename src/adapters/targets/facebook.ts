/**
 * The Facebook Page: `POST {graph}/{page}/feed {message}` with the Page token, sent once through the shared HTTP
 * base (`sendOnce`: no retries there — base.ts decides, and never repeats a POST that may have arrived).
 */
import { type HttpAnswer, sendOnce } from '../http';
import { networkError, PublishError, waitFromHeaders } from './base';
import type { PublishTarget } from './types';

/** Graph error codes that mean "throttled" even when the HTTP status is 400/403. */
const THROTTLE_CODES = new Set([4, 17, 32, 613]);

interface GraphError {
  error?: { message?: string; code?: number; is_transient?: boolean };
}

export const facebookTarget: PublishTarget = {
  name: 'facebook',
  label: 'Facebook',
  aliases: ['fb', 'facebook-page'],
  enabled: (config) => config.facebook !== undefined,
  async publish(input, config, { timeoutMs }) {
    const cfg = config.facebook;
    if (!cfg) throw new PublishError('permanent', 'Facebook is not configured (FACEBOOK_PAGE_ID/TOKEN)');
    let res: HttpAnswer;
    try {
      res = await sendOnce({
        method: 'POST',
        url: `${cfg.graphUrl}/${encodeURIComponent(cfg.pageId)}/feed`,
        form: { message: input.text, access_token: cfg.pageToken },
        timeoutMs,
      });
    } catch (err) {
      throw networkError(err, 'Facebook');
    }
    const body: unknown = res.isJson ? (res.body ?? {}) : { error: { message: res.text.slice(0, 200) } };
    if (res.status >= 200 && res.status < 300) {
      const id = (body as { id?: unknown }).id;
      if (typeof id !== 'string') throw new PublishError('unknown', 'Facebook answered without a post id');
      return { externalId: id, url: `https://www.facebook.com/${id}` };
    }
    const e = (body as GraphError).error ?? {};
    const message = `Facebook answered ${res.status}: ${e.message ?? 'no message'}`;
    const retryAfterMs = waitFromHeaders(res.headers);
    if (
      res.status === 429 ||
      res.status >= 500 ||
      THROTTLE_CODES.has(e.code ?? -1) ||
      e.is_transient === true
    ) {
      throw new PublishError('retryable', message, { status: res.status, retryAfterMs });
    }
    throw new PublishError('permanent', message, { status: res.status });
  },
};
