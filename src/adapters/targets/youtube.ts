/**
 * YouTube as a publish target for one kind of post: a video-metadata fix (`video_fix`). Publishing is a
 * read–modify–write of the video's snippet: `videos.list` (1 unit) reads the current snippet; if it no longer matches
 * what the fix was drafted from, someone changed the video on YouTube in between and nothing is written (a conflict:
 * permanent, draft a new fix); if it already carries the fix, nothing needs writing; else `videos.update?part=snippet`
 * (50 units) sends the current snippet with the approved description and tags — everything else (title, category,
 * language) as YouTube has it. The update is sent once (`sendOnce`): a lost answer is an unknown outcome for a person
 * to check, never resent. Both calls spend quota first (youtube-quota.ts).
 */
import { z } from 'zod';
import type { YoutubeConfig } from '../../config';
import { type HttpAnswer, retryPolicy, SourceError, sendOnce } from '../http';
import { isQuotaExceeded, videosById, youtubeReason, youtubeToken } from '../youtube-api';
import { markQuotaExhausted, QuotaError, spendQuota, YOUTUBE_COST } from '../youtube-quota';
import { networkError, PublishError, waitFromHeaders } from './base';
import type { PublishTarget } from './types';

/** What a video_fix post carries in `details` (written by services/video-fix.ts). */
export const videoFixDetails = z.object({
  videoId: z.string().min(1),
  title: z.string(),
  missing: z.array(z.string()),
  before: z.object({ description: z.string(), tags: z.array(z.string()) }),
  tags: z.array(z.string()),
});
export type VideoFixDetails = z.infer<typeof videoFixDetails>;

const sameTags = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((t, i) => t === b[i]);

export const CONFLICT_MESSAGE =
  "The video's description or tags were changed on YouTube after this fix was drafted, so smx did not overwrite them. Nothing was changed on YouTube — run `/smx videos` for a fresh fix.";

function sortRead(err: unknown): PublishError {
  if (err instanceof PublishError) return err;
  if (err instanceof SourceError) {
    return new PublishError(err.retryable ? 'retryable' : 'permanent', err.message, {
      status: err.details.status,
      cause: err,
    });
  }
  return networkError(err, 'YouTube');
}

async function update(
  yt: YoutubeConfig,
  token: string,
  body: unknown,
  timeoutMs: number,
): Promise<HttpAnswer> {
  try {
    return await sendOnce({
      method: 'PUT',
      url: `${yt.apiUrl}/videos`,
      query: { part: 'snippet' },
      headers: { authorization: `Bearer ${token}` },
      json: body,
      timeoutMs,
    });
  } catch (err) {
    throw networkError(err, 'YouTube videos.update');
  }
}

export const youtubeTarget: PublishTarget = {
  name: 'youtube',
  label: 'YouTube',
  aliases: ['yt'],
  kinds: ['video_fix'],
  enabled: (config) => config.youtube !== undefined,
  async publish(input, config, { timeoutMs, now: clock }) {
    const yt = config.youtube;
    if (!yt) throw new PublishError('permanent', 'YouTube is not configured (YOUTUBE_* variables)');
    const parsed = videoFixDetails.safeParse(input.details);
    if (input.kind !== 'video_fix' || !parsed.success) {
      throw new PublishError('permanent', 'YouTube only takes video metadata fixes drafted with /smx videos');
    }
    const fix = parsed.data;
    const now = clock ?? (() => new Date());
    // Reads are safe to retry; the shared engine around publish() retries 'retryable' ones.
    // The read before the write spends from the reserve kept for approved updates, like the update itself.
    const env = { retry: retryPolicy({ maxAttempts: 1 }), now, spend: 'write' as const };
    let token: string;
    let snippet: Awaited<ReturnType<typeof videosById>>[number]['snippet'];
    try {
      token = await youtubeToken(yt, env);
      const [video] = await videosById(yt, env, token, [fix.videoId]);
      if (!video)
        throw new PublishError(
          'permanent',
          `YouTube has no video ${fix.videoId} any more (deleted or private)`,
        );
      snippet = video.snippet;
    } catch (err) {
      throw sortRead(err);
    }
    const url = `https://www.youtube.com/watch?v=${encodeURIComponent(fix.videoId)}`;
    const tags = snippet.tags ?? [];
    if (snippet.description === input.text && sameTags(tags, fix.tags)) {
      return { externalId: fix.videoId, url }; // already as approved: nothing to write, nothing written twice
    }
    if (snippet.description !== fix.before.description || !sameTags(tags, fix.before.tags)) {
      throw new PublishError('permanent', CONFLICT_MESSAGE, { status: 409 });
    }
    try {
      await spendQuota(yt, 'videos.update', YOUTUBE_COST.update, 'write', now());
    } catch (err) {
      // Waiting minutes would not bring units back today: the card's Retry button is for after the reset.
      if (err instanceof QuotaError)
        throw new PublishError('permanent', `${err.message} — use Retry then`, { cause: err });
      throw err;
    }
    const { localized: _localized, ...kept } = snippet as typeof snippet & { localized?: unknown };
    const res = await update(
      yt,
      token,
      { id: fix.videoId, snippet: { ...kept, description: input.text, tags: fix.tags } },
      timeoutMs,
    );
    if (res.status >= 200 && res.status < 300) return { externalId: fix.videoId, url };
    const reason = youtubeReason(res.body);
    const message = `YouTube answered ${res.status}${reason ? ` (${reason})` : ''} to videos.update`;
    if (isQuotaExceeded(res.body)) {
      await markQuotaExhausted('videos.update', now());
      throw new PublishError(
        'permanent',
        `${message}: today's quota is used up — use Retry after midnight Pacific time`,
        {
          status: res.status,
        },
      );
    }
    if (res.status === 429 || res.status >= 500) {
      throw new PublishError('retryable', message, {
        status: res.status,
        retryAfterMs: waitFromHeaders(res.headers),
      });
    }
    throw new PublishError('permanent', message, { status: res.status });
  },
};
