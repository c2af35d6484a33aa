/**
 * Publish targets as metrics see them: how to tell whether one is connected, how to connect it, and how to read its
 * audience (page likes/followers). One entry per target; shared code loops over this list instead of naming targets.
 */
import { z } from 'zod';
import { classifyGraphError } from '../adapters/facebook';
import { fetchJson, type RetryPolicy } from '../adapters/http';
import { xCall } from '../adapters/x';
import { xClient } from '../adapters/x-client';
import { channelListSchema, youtubeGet, youtubeToken } from '../adapters/youtube-api';
import type { Config } from '../config';

export interface AudienceReading {
  /** The second count, named by `names.likes` (page likes on Facebook, total views on YouTube). */
  likes: number | null;
  /** The audience, named by `names.followers` (followers; subscribers on YouTube). */
  followers: number;
}

/** What the two counts are called for a target; the default is likes and followers. */
export interface AudienceNames {
  followers: string;
  likes: string;
}

export const DEFAULT_AUDIENCE_NAMES: AudienceNames = { followers: 'followers', likes: 'likes' };

export interface AudienceTarget {
  /** The publish-target name used in posts and publications (`facebook`, `x`). */
  name: string;
  label: string;
  /** SourceState `_id` for the snapshot job's bookkeeping (shown by `/smx sources`). */
  stateId: string;
  connected(config: Config): boolean;
  howToConnect: string;
  names?: AudienceNames;
  /** False for a channel smx does not post to (YouTube): metrics show its audience, not a posting cadence. */
  posts?: boolean;
  /** Throws on failure (after the shared retries); the job records the message in SourceState. */
  fetch(config: Config, retry: RetryPolicy): Promise<AudienceReading>;
}

const TIMEOUT_MS = 15000;

const count = z.number().int().min(0);
const pageFieldsSchema = z.object({ fan_count: count.optional(), followers_count: count.optional() });

export const facebookAudience: AudienceTarget = {
  name: 'facebook',
  label: 'Facebook Page',
  stateId: 'audience:facebook',
  connected: (config) => config.facebook !== undefined,
  howToConnect: 'set FACEBOOK_PAGE_ID and FACEBOOK_PAGE_TOKEN',
  async fetch(config, retry) {
    const fb = config.facebook;
    if (!fb) throw new Error('Facebook is not configured');
    const body = await fetchJson(
      {
        url: `${fb.graphUrl}/${encodeURIComponent(fb.pageId)}`,
        query: { fields: 'fan_count,followers_count' },
        headers: { authorization: `Bearer ${fb.pageToken}` },
        schema: pageFieldsSchema,
        classify: classifyGraphError,
        what: 'Facebook page audience',
        timeoutMs: TIMEOUT_MS,
      },
      retry,
    );
    // The audience is the Page's followers (Meta retired the Page likes metrics in 2025); likes are kept only
    // where Graph still returns fan_count, and never stand in for followers.
    const followers = body.followers_count;
    if (followers === undefined) throw new Error('Graph answered without followers_count');
    return { likes: body.fan_count ?? null, followers };
  },
};

export const xAudience: AudienceTarget = {
  name: 'x',
  label: 'X',
  stateId: 'audience:x',
  connected: (config) => config.twitter !== undefined,
  howToConnect: 'set TWITTER_APP_KEY, TWITTER_APP_SECRET, TWITTER_ACCESS_TOKEN and TWITTER_ACCESS_SECRET',
  async fetch(config, retry) {
    const tw = config.twitter;
    if (!tw) throw new Error('X is not configured');
    // xClient sends twitter-api-v2 to TWITTER_API_URL when it is not the real API (test-seams.md).
    const client = xClient(tw);
    const me = await xCall(
      'X account audience',
      () => client.v2.me({ 'user.fields': ['public_metrics'] }),
      retry,
    );
    const followers = me.data.public_metrics?.followers_count;
    if (typeof followers !== 'number' || followers < 0) {
      throw new Error('X answered without public_metrics.followers_count');
    }
    return { likes: null, followers };
  },
};

/** YouTube: subscribers (the audience) and the channel's total views, one channels.list (1 quota unit). */
export const youtubeAudience: AudienceTarget = {
  name: 'youtube',
  label: 'YouTube channel',
  stateId: 'audience:youtube',
  connected: (config) => config.youtube !== undefined,
  howToConnect: 'set YOUTUBE_CLIENT_ID, YOUTUBE_CLIENT_SECRET, YOUTUBE_REFRESH_TOKEN and YOUTUBE_CHANNEL_ID',
  names: { followers: 'subscribers', likes: 'views' },
  posts: false,
  async fetch(config, retry) {
    const yt = config.youtube;
    if (!yt) throw new Error('YouTube is not configured');
    const env = { retry, now: retry.now };
    const token = await youtubeToken(yt, env);
    const body = await youtubeGet(
      yt,
      env,
      token,
      'channels.list',
      'channels',
      { part: 'statistics', id: yt.channelId },
      channelListSchema,
    );
    const stats = body.items?.[0]?.statistics;
    if (!stats) throw new Error(`YouTube answered without statistics for channel ${yt.channelId}`);
    if (stats.hiddenSubscriberCount || stats.subscriberCount === undefined) {
      throw new Error(
        'the channel hides its subscriber count (YouTube Studio → Settings → Channel → Advanced)',
      );
    }
    return { likes: stats.viewCount ?? null, followers: stats.subscriberCount };
  },
};

/** Every target metrics knows; add a target here. */
export const audienceTargets: readonly AudienceTarget[] = [facebookAudience, xAudience, youtubeAudience];
