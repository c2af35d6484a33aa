import { queue as listQueue } from '../../../src/services/posts';
import { queueMessage } from '../../../src/slack/blocks/post-queue';
import type { Subcommand } from './types';

export const queue: Subcommand = {
  name: 'queue',
  summary: 'List posts waiting for approval, scheduled, failed or needing a check, with ids and times.',
  example: '/smx queue',
  async run({ ctx, respond }) {
    const posts = await listQueue(ctx.now());
    await respond({ response_type: 'ephemeral', ...queueMessage(posts, ctx.config.timezone) });
  },
};
