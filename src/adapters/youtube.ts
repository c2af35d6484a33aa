/**
 * YouTube: comments on the hospital channel's videos, as feedback (like Facebook comments). One
 * `commentThreads.list?allThreadsRelatedToChannelId=…&order=time` per page (1 quota unit), newest first, paged with
 * `pageToken` until a thread no newer than the cursor (the newest comment time already stored). Replies that came
 * with a thread are taken too; comments and replies written by the channel itself are skipped. The first run reads
 * at most FIRST_RUN_PAGES pages, to spare the quota.
 */
import { z } from 'zod';
import type { IncomingReview } from '../services/review-store';
import { parseJsonCursor } from './http';
import type { FetchResult, ReviewSource } from './types';
import { commentThreadListSchema, youtubeGet, youtubeToken } from './youtube-api';
import { quotaResetsAt, quotaToday } from './youtube-quota';

const FIRST_RUN_PAGES = 3;
const MAX_PAGES = 20;

const cursorSchema = z.object({ newest: z.string() });

type Comment = z.output<typeof commentThreadListSchema>['items'][number]['snippet']['topLevelComment'];

export const youtube: ReviewSource = {
  name: 'youtube',
  label: 'YouTube comments',
  setupHint: 'set YOUTUBE_CLIENT_ID, YOUTUBE_CLIENT_SECRET, YOUTUBE_REFRESH_TOKEN and YOUTUBE_CHANNEL_ID',
  enabled: (config) => config.youtube !== undefined,
  async notes(config, now) {
    const yt = config.youtube;
    if (!yt) return [];
    const q = await quotaToday(yt, now);
    const left = Math.max(0, q.limit - q.used);
    const reset = quotaResetsAt(now);
    const state = q.exhausted
      ? ' — YouTube said it is used up; nothing is sent until the reset'
      : left <= q.reserve
        ? ` — reads paused, ${q.reserve.toLocaleString('en-US')} kept for approved updates`
        : '';
    return [
      `Quota today: ${q.used.toLocaleString('en-US')} of ${q.limit.toLocaleString('en-US')} units used${state} (resets ${reset.toISOString().slice(11, 16)} UTC)`,
    ];
  },
  async fetch(cursor, env): Promise<FetchResult> {
    const yt = env.config.youtube;
    if (!yt) return { items: [], nextCursor: cursor };
    const since = parseJsonCursor(cursorSchema, cursor, { newest: '' }).newest;
    const sinceMs = since ? Date.parse(since) : undefined;
    const token = await youtubeToken(yt, env);
    const items: IncomingReview[] = [];
    let newest = sinceMs;
    const take = (c: Comment, videoId: string | undefined) => {
      const at = Date.parse(c.snippet.publishedAt);
      if (sinceMs !== undefined && at <= sinceMs) return;
      if (newest === undefined || at > newest) newest = at;
      if (c.snippet.authorChannelId?.value === yt.channelId) return; // the channel's own comments and replies
      const text = (c.snippet.textOriginal ?? c.snippet.textDisplay ?? '').trim();
      if (text === '') return;
      const video = c.snippet.videoId ?? videoId;
      items.push({
        source: 'youtube',
        externalId: `comment_${c.id}`,
        facility: yt.facility ?? null,
        rating: null,
        text: text.slice(0, 5000),
        authorName: c.snippet.authorDisplayName ?? null,
        url: video
          ? `https://www.youtube.com/watch?v=${encodeURIComponent(video)}&lc=${encodeURIComponent(c.id)}`
          : null,
        postedAt: new Date(at),
      });
    };
    let pageToken: string | undefined;
    const maxPages = sinceMs === undefined ? FIRST_RUN_PAGES : MAX_PAGES;
    for (let page = 0; page < maxPages; page++) {
      const answer = await youtubeGet(
        yt,
        env,
        token,
        'commentThreads.list',
        'commentThreads',
        {
          part: 'snippet,replies',
          allThreadsRelatedToChannelId: yt.channelId,
          order: 'time',
          textFormat: 'plainText',
          maxResults: 100,
          pageToken,
        },
        commentThreadListSchema,
      );
      let reached = false;
      for (const thread of answer.items) {
        const top = thread.snippet.topLevelComment;
        if (sinceMs !== undefined && Date.parse(top.snippet.publishedAt) <= sinceMs) reached = true;
        take(top, thread.snippet.videoId);
        for (const reply of thread.replies?.comments ?? []) take(reply, thread.snippet.videoId);
      }
      pageToken = answer.nextPageToken || undefined;
      if (reached || !pageToken) break;
    }
    return {
      items,
      nextCursor: newest === undefined ? cursor : JSON.stringify({ newest: new Date(newest).toISOString() }),
    };
  },
};
