import { auditRecentVideos } from '../../../src/services/videos';
import { videosMessage } from '../../../src/slack/blocks/media';
import type { Subcommand } from './types';

/** `/smx videos`: recent YouTube uploads whose title, description or tags miss guideline tags, with Fix. */
export const videos: Subcommand = {
  name: 'videos',
  summary:
    "Check the YouTube channel's recent videos against the #tag guideline; Fix drafts corrected metadata.",
  example: '/smx videos',
  async run({ ctx, respond }) {
    const report = await auditRecentVideos(ctx);
    await respond({
      response_type: 'ephemeral',
      ...videosMessage(report, ctx.config.timezone, true),
    });
  },
};
