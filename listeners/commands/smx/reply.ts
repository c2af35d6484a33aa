import { SmxError } from '../../../src/errors';
import { REPLY_MESSAGES, replyModalData } from '../../../src/services/replies';
import { replyModal } from '../../../src/slack/blocks/reply-modals';
import type { Subcommand } from './types';

/** `/smx reply <review id>`: the same reply modal as the Draft reply button. */
export const reply: Subcommand = {
  name: 'reply',
  summary:
    'Draft a reply to a review (templates, PHI guard, approval, posted once) — or use *Draft reply* on it.',
  example: '/smx reply 6750c3f1a2b4c5d6e7f80912',
  async run({ ctx, args, command, client }) {
    const id = args.split(/\s+/)[0] ?? '';
    if (id === '') throw new SmxError('BAD_INPUT', REPLY_MESSAGES.usage);
    const data = await replyModalData(ctx, id);
    await client.views.open({ trigger_id: command.trigger_id, view: replyModal(data) });
  },
};
