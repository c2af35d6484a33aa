import type { SmxContext } from '../../src/context';
import { replyModalData } from '../../src/services/replies';
import { replyModal } from '../../src/slack/blocks/reply-modals';
import { buttonListener } from '../../src/slack/buttons';
import { REVIEW_BUTTON_MESSAGES } from '../../src/slack/review-buttons';

/**
 * `review_draft_reply`: Draft reply on a review item (digest, `/smx reviews`); opens the reply modal. The message it
 * came from is remembered (channel messages only) so its card can say "Replied by …" once the answer is out.
 */
export const draftReply = (ctx: SmxContext) =>
  buttonListener(ctx, 'review_draft_reply', async ({ action, body, client }, reply) => {
    const id = typeof action.value === 'string' ? action.value.trim() : '';
    if (!/^[0-9a-f]{24}$/i.test(id)) {
      await reply(REVIEW_BUTTON_MESSAGES.badValue);
      return;
    }
    const container = body.container as { is_ephemeral?: boolean; channel_id?: string } | undefined;
    const channel = body.channel?.id ?? container?.channel_id;
    const message = body.message;
    const origin =
      message && channel && !container?.is_ephemeral && Array.isArray(message.blocks)
        ? {
            channel,
            ts: String(message.ts),
            text: String(message.text ?? ''),
            blocks: message.blocks as unknown[],
          }
        : undefined;
    const data = await replyModalData(ctx, id, origin);
    await client.views.open({ trigger_id: body.trigger_id, view: replyModal(data) });
  });
