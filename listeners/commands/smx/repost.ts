import { scheduledConfirmation } from '../../../src/services/posts';
import { draftRepost } from '../../../src/services/repost';
import type { Subcommand } from './types';

/** `/smx repost <X post link or id> [when]`: drafts a repost for approval; published once as a retweet. */
export const repost: Subcommand = {
  name: 'repost',
  aliases: ['retweet'],
  summary:
    'Draft a repost (retweet) of an X post — ours or a partner’s health notice; it goes through approval.',
  example: '/smx repost https://x.com/WHO/status/1861234567890123456 tomorrow 9am',
  async run({ ctx, args, command, respond, client }) {
    const post = await draftRepost(ctx, client, args, command.user_id, command.channel_id);
    await respond({ response_type: 'ephemeral', text: scheduledConfirmation(ctx, post) });
  },
};
