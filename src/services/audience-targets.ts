/**
 * Publish targets as metrics see them: how to tell whether one is connected, how to connect it, and how to read its
 * audience (page likes/followers). One entry per target; shared code loops over this list instead of naming targets.
 */
import http from 'node:http';
import https from 'node:https';
import { TwitterApi } from 'twitter-api-v2';
import type { Config } from '../config';

export interface AudienceReading {
  likes: number | null;
  followers: number;
}

export interface AudienceTarget {
  /** The publish-target name used in posts and publications (`facebook`, `x`). */
  name: string;
  label: string;
  /** SourceState `_id` for the snapshot job's bookkeeping (shown by `/smx sources`). */
  stateId: string;
  connected(config: Config): boolean;
  howToConnect: string;
  /** Throws on failure; the job records the message in SourceState. */
  fetch(config: Config): Promise<AudienceReading>;
}

const TIMEOUT_MS = 15000;

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null;
}

export const facebookAudience: AudienceTarget = {
  name: 'facebook',
  label: 'Facebook Page',
  stateId: 'audience:facebook',
  connected: (config) => config.facebook !== undefined,
  howToConnect: 'set FACEBOOK_PAGE_ID and FACEBOOK_PAGE_TOKEN',
  async fetch(config) {
    const fb = config.facebook;
    if (!fb) throw new Error('Facebook is not configured');
    const url = new URL(`${fb.graphUrl}/${encodeURIComponent(fb.pageId)}`);
    url.searchParams.set('fields', 'fan_count,followers_count');
    const res = await fetch(url, {
      headers: { authorization: `Bearer ${fb.pageToken}` },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const body = (await res.json().catch(() => null)) as Record<string, unknown> | null;
    if (!res.ok || !body) {
      const err = body?.error as { message?: unknown; code?: unknown } | undefined;
      const detail = typeof err?.message === 'string' ? `: ${err.message}` : '';
      throw new Error(`Graph answered HTTP ${res.status}${detail}`);
    }
    const followers = num(body.followers_count) ?? num(body.fan_count);
    if (followers === null) throw new Error('Graph answered without fan_count/followers_count');
    return { likes: num(body.fan_count), followers };
  },
};

export const xAudience: AudienceTarget = {
  name: 'x',
  label: 'X',
  stateId: 'audience:x',
  connected: (config) => config.twitter !== undefined,
  howToConnect: 'set TWITTER_APP_KEY, TWITTER_APP_SECRET, TWITTER_ACCESS_TOKEN and TWITTER_ACCESS_SECRET',
  async fetch(config) {
    const tw = config.twitter;
    if (!tw) throw new Error('X is not configured');
    const base = tw.apiUrl.replace(/\/+$/, '');
    const redirect = base !== 'https://api.x.com';
    // twitter-api-v2 hard-codes https://api.x.com; TWITTER_API_URL redirects it (test-seams.md).
    const client = new TwitterApi(
      {
        appKey: tw.appKey,
        appSecret: tw.appSecret,
        accessToken: tw.accessToken,
        accessSecret: tw.accessSecret,
      },
      {
        ...(redirect
          ? {
              httpAgent: base.startsWith('http:') ? new http.Agent() : new https.Agent(),
              plugins: [
                {
                  onBeforeRequestConfig({ params }) {
                    params.url = params.url.replace(/^https:\/\/api\.(x|twitter)\.com/, base);
                  },
                },
              ],
            }
          : {}),
      },
    );
    const me = await client.v2.me({ 'user.fields': ['public_metrics'] });
    const followers = num(me.data.public_metrics?.followers_count);
    if (followers === null) throw new Error('X answered without public_metrics.followers_count');
    return { likes: null, followers };
  },
};

/** Every target metrics knows; add a target here. */
export const audienceTargets: readonly AudienceTarget[] = [facebookAudience, xAudience];
