/**
 * The Slack side shared by the "Assign to me" and "Mark handled" listeners: call the service, then redraw that one
 * item of the SAME message in place from the database (channel and ts from the payload), or answer a refusal with an
 * ephemeral note. The state lives in the database; the button carries only the review id.
 */
import type { SmxContext } from '../context';
import { performReviewAction, type ReviewActionKind } from '../services/review-actions';
import { type DigestItem, replaceItemBlocks } from './blocks/digest';
import { type ButtonArgs, buttonListener } from './buttons';

const OBJECT_ID = /^[0-9a-f]{24}$/i;

export const REVIEW_BUTTON_MESSAGES = {
  badValue:
    "That button doesn't point at a review I know (the message may be out of date). Nothing was changed; use `/smx reviews` to see the current list.",
} as const;

/** Assign / handle: the service decides; the item is redrawn either way (after a refusal the card may be stale). */
export function reviewButton(ctx: SmxContext, kind: ReviewActionKind) {
  return buttonListener(ctx, `review_${kind}`, async (args, reply) => {
    const { body, action } = args;
    const id = typeof action.value === 'string' ? action.value.trim() : '';
    if (!OBJECT_ID.test(id)) {
      await reply(REVIEW_BUTTON_MESSAGES.badValue);
      return;
    }
    const result = await performReviewAction(ctx, id, kind, body.user.id);
    const log = ctx.logger.child({ action: `review_${kind}`, user: body.user.id });
    if (result.review) await redraw(ctx, args, result.review as unknown as DigestItem, log);
    if (!result.ok) await reply(result.message);
  });
}

async function redraw(
  ctx: SmxContext,
  { body, client, respond }: ButtonArgs,
  review: DigestItem,
  log: SmxContext['logger'],
): Promise<void> {
  const message = body.message;
  const blocks = Array.isArray(message?.blocks) ? (message.blocks as unknown[]) : undefined;
  if (!message || !blocks) return;
  const updated = replaceItemBlocks(blocks, review, {
    timezone: ctx.config.timezone,
    showNames: ctx.config.digest.showNames,
  });
  if (!updated) return;
  const text = typeof message.text === 'string' && message.text.trim() !== '' ? message.text : 'Reviews';
  const container = body.container as { is_ephemeral?: boolean; channel_id?: string };
  if (container.is_ephemeral) {
    // An ephemeral list (/smx reviews) cannot be chat.update-d; its response_url can replace it.
    await respond({ replace_original: true, text, blocks: updated as never });
    return;
  }
  const channel = body.channel?.id ?? container.channel_id;
  if (!channel) return;
  await client.chat.update({ channel, ts: message.ts, text, blocks: updated as never });
  log.info({ reviewId: String(review._id), channel, ts: message.ts }, 'review card updated');
}
