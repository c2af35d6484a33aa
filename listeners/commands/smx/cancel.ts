import { SmxError } from '../../../src/errors';
import { cancelPost } from '../../../src/services/posts';
import type { Subcommand } from './types';

export const CANCEL_USAGE =
  'Say which post, e.g. `/smx cancel P7K2Q` (`/smx queue` lists the ids). Nothing was changed.';

export const cancel: Subcommand = {
  name: 'cancel',
  summary: 'Withdraw a post that has not been published yet (author or approver).',
  example: '/smx cancel P7K2Q',
  async run({ ctx, args, command, respond, client }) {
    const id = args.split(/\s+/)[0] ?? '';
    if (id === '') throw new SmxError('BAD_INPUT', CANCEL_USAGE);
    const post = await cancelPost(ctx, client, id, command.user_id);
    await respond({
      response_type: 'ephemeral',
      text: `:no_entry_sign: Post *${post.shortId}* is cancelled; it will not be published.`,
    });
  },
};
