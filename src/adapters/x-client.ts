/**
 * The one twitter-api-v2 client builder, for reading mentions, publishing and follower counts.
 * twitter-api-v2 has no base-URL setting: when TWITTER_API_URL is not the real API (a proxy, or the fake server in
 * tests) a client plugin rewrites each request's URL, and an http.Agent lets it speak plain HTTP — without one the
 * library refuses http: URLs ("Protocol http: not supported"). See docs: test-seams.md.
 */
import http from 'node:http';
import { type ITwitterApiClientPlugin, TwitterApi } from 'twitter-api-v2';
import type { TwitterConfig } from '../config';

const REAL_API = /^https:\/\/(api|upload)\.(x|twitter)\.com/;

/** Reads (mentions, follower counts) give up after this; twitter-api-v2 itself has no timeout. */
export const X_TIMEOUT_MS = 30_000;

export function xClient(tw: TwitterConfig, opts: { timeoutMs?: number } = {}): TwitterApi {
  const redirect = tw.apiUrl.replace(/\/+$/, '');
  const isReal = REAL_API.test(redirect);
  const plugin: ITwitterApiClientPlugin = {
    onBeforeRequestConfig({ params }) {
      if (!isReal) params.url = params.url.replace(REAL_API, redirect);
      params.timeout = opts.timeoutMs ?? X_TIMEOUT_MS;
    },
  };
  return new TwitterApi(
    {
      appKey: tw.appKey,
      appSecret: tw.appSecret,
      accessToken: tw.accessToken,
      accessSecret: tw.accessSecret,
    },
    {
      plugins: [plugin],
      ...(redirect.startsWith('http:') ? { httpAgent: new http.Agent({ keepAlive: false }) } : {}),
    },
  );
}
