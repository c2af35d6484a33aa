/**
 * The Facebook Page: `POST {graph}/{page}/feed {message}` with the Page token.
 * NOTE for the lead: written on undici directly because src/adapters/http.ts (the shared HTTP base from the
 * ingest issue) did not exist yet; unify once it does.
 */
import { fetch } from 'undici';
import { networkError, PublishError, waitFromRetryAfter } from './base';
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
    let res: Awaited<ReturnType<typeof fetch>>;
    let body: unknown;
    try {
      res = await fetch(`${cfg.graphUrl}/${encodeURIComponent(cfg.pageId)}/feed`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ message: input.text, access_token: cfg.pageToken }).toString(),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const raw = await res.text();
      try {
        body = raw === '' ? {} : JSON.parse(raw);
      } catch {
        body = { error: { message: raw.slice(0, 200) } };
      }
    } catch (err) {
      throw networkError(err, 'Facebook');
    }
    if (res.ok) {
      const id = (body as { id?: unknown }).id;
      if (typeof id !== 'string') throw new PublishError('unknown', 'Facebook answered without a post id');
      return { externalId: id, url: `https://www.facebook.com/${id}` };
    }
    const e = (body as GraphError).error ?? {};
    const message = `Facebook answered ${res.status}: ${e.message ?? 'no message'}`;
    const retryAfterMs = waitFromRetryAfter(res.headers.get('retry-after'));
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
