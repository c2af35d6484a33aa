import type { SmxContext } from '../../src/context';
import { draftVideoFix } from '../../src/services/video-fix';
import { buttonListener } from '../../src/slack/buttons';

/** `video_fix_metadata`: Fix on a flagged video in `/smx videos` — drafts the corrected metadata for approval. */
export const fixVideo = (ctx: SmxContext) =>
  buttonListener(ctx, 'video_fix_metadata', async ({ action, body, client }, reply) => {
    const { message } = await draftVideoFix(ctx, client, action.value, body.user.id, body.channel?.id);
    await reply(message);
  });
