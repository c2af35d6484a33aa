import { SmxError } from '../../../src/errors';
import { cancelPost, withProblems } from '../../../src/services/post-decisions';
import type { Subcommand } from './types';

export const CANCEL_USAGE =
  'Say which post, e.g. `/smx cancel P7K2Q` (`/smx queue` lists the ids). Nothing was changed.';

export const CANCELLED = (shortId: string) =>
  `:no_entry_sign: Post *${shortId}* is cancelled; it will not be published.`;

export const cancel: Subcommand = {
  name: 'cancel',
  summary: 'Withdraw a post that has not been published yet (its author or an approver).',
  example: '/smx cancel P7K2Q',
  async run({ ctx, args, command, respond, client }) {
    const id = args.split(/\s+/)[0] ?? '';
    if (id === '') throw new SmxError('BAD_INPUT', CANCEL_USAGE);
    const { post, problems } = await cancelPost(ctx, client, id, command.user_id);
    await respond({ response_type: 'ephemeral', text: withProblems(CANCELLED(post.shortId), problems) });
  },
};
