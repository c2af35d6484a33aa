/**
 * Fix on `/smx videos`: drafts the corrected metadata of one video as a post of kind `video_fix` to the YouTube
 * target. It goes through the same approval card, decisions and publisher as any post; the text is the new
 * description (editable on the card) and `details` records what it was drafted from, so the target can tell a
 * conflicting edit on YouTube from its own earlier success.
 */
import type { WebClient } from '@slack/web-api';
import { retryPolicy } from '../adapters/http';
import type { VideoFixDetails } from '../adapters/targets/youtube';
import { videosById, youtubeToken } from '../adapters/youtube-api';
import type { SmxContext } from '../context';
import { SmxError } from '../errors';
import { truncate } from '../slack/text';
import { deskPosts } from './post-desk';
import type { PostView } from './post-view';
import { createPost } from './posts';
import { loadGuideline } from './tags';
import { readFrom } from './upstream';
import { auditVideo, correctedSnippet, VIDEO_MESSAGES } from './videos';

export const VIDEO_FIX_MESSAGES = {
  badButton: 'This button is damaged; nothing was changed.',
  gone: 'YouTube has no such video any more (deleted or made private). Nothing was drafted.',
  alreadyFine: (title: string) =>
    `“${title}” already follows the #tag guideline (someone may have fixed it on YouTube). Nothing was drafted.`,
  pending: (id: string) =>
    `A fix for this video is already waiting: post *${id}* (\`/smx queue\`). Nothing new was drafted.`,
  drafted: (id: string, title: string, tags: string) =>
    `:memo: Drafted fix *${id}* for “${title}”: adds ${tags}. It is on the approval card; once approved smx applies it on YouTube.`,
} as const;

const OPEN = ['pending_approval', 'approved', 'publishing', 'needs_check'] as const;

export async function draftVideoFix(
  ctx: SmxContext,
  client: WebClient,
  videoId: string | undefined,
  userId: string,
  originChannel?: string,
): Promise<{ post: PostView; message: string }> {
  const yt = ctx.config.youtube;
  if (!yt) throw new SmxError('NOT_CONFIGURED', VIDEO_MESSAGES.notConnected);
  if (!videoId || !/^[A-Za-z0-9_-]{1,64}$/.test(videoId))
    throw new SmxError('BAD_INPUT', VIDEO_FIX_MESSAGES.badButton);
  // Open posts are all on the posts desk.
  const [open] = await deskPosts<{ shortId: string }>(
    ctx.now(),
    { kind: 'video_fix', 'details.videoId': videoId, status: { $in: OPEN } },
    { limit: 1 },
  );
  if (open) throw new SmxError('CONFLICT', VIDEO_FIX_MESSAGES.pending(open.shortId));
  const env = { retry: retryPolicy({ now: ctx.now }), now: ctx.now };
  const [video] = await readFrom('YouTube', async () =>
    videosById(yt, env, await youtubeToken(yt, env), [videoId]),
  );
  if (!video) throw new SmxError('NOT_FOUND', VIDEO_FIX_MESSAGES.gone);
  const audit = auditVideo(video, await loadGuideline());
  const title = truncate(video.snippet.title, 100);
  if (audit.missing.length === 0) throw new SmxError('CONFLICT', VIDEO_FIX_MESSAGES.alreadyFine(title));
  const fixed = correctedSnippet(video.snippet, audit.missing);
  const details: VideoFixDetails = {
    videoId,
    title: video.snippet.title,
    missing: audit.missing,
    before: { description: video.snippet.description, tags: video.snippet.tags ?? [] },
    tags: fixed.tags ?? [],
  };
  const post = await createPost(ctx, client, {
    authorId: userId,
    targets: ['youtube'],
    when: { now: true, at: ctx.now() },
    text: fixed.description,
    originChannel,
    kind: 'video_fix',
    details,
  });
  return {
    post,
    message: VIDEO_FIX_MESSAGES.drafted(post.shortId, title, audit.missing.map((t) => `#${t}`).join(' ')),
  };
}
