/**
 * The Slack side shared by the "Assign to me" and "Mark handled" listeners: call the service, then redraw that one
 * item of the SAME message in place from the database (channel and ts from the payload), or answer a refusal with an
 * ephemeral note. The state lives in the database; the button carries only the review id.
 */
import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { SmxContext } from '../context';
import { toUserFacing } from '../errors';
import { performReviewAction, type ReviewActionKind } from '../services/review-actions';
import { type DigestItem, replaceItemBlocks } from './blocks/digest';

export type ReviewButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

const OBJECT_ID = /^[0-9a-f]{24}$/i;

export const REVIEW_BUTTON_MESSAGES = {
  badValue:
    "That button doesn't point at a review I know (the message may be out of date). Nothing was changed; use `/smx reviews` to see the current list.",
  done: {
    assign: 'You are now assigned to this review.',
    handle: 'Marked as handled.',
  },
} as const;

export async function handleReviewButton(ctx: SmxContext, kind: ReviewActionKind, args: ReviewButtonArgs) {
  const { ack, body, action, respond } = args;
  await ack();
  const user = body.user.id;
  const log = ctx.logger.child({ action: `review_${kind}`, user });
  const ephemeral = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
  try {
    const id = typeof action.value === 'string' ? action.value.trim() : '';
    if (!OBJECT_ID.test(id)) {
      await ephemeral(REVIEW_BUTTON_MESSAGES.badValue);
      return;
    }
    const result = await performReviewAction(ctx, id, kind, user);
    // Redraw the item either way: after a refusal the card may be stale, and now shows who did what.
    if (result.review) await redraw(ctx, args, result.review as unknown as DigestItem, log);
    if (!result.ok) await ephemeral(result.message);
  } catch (err) {
    const answer = toUserFacing(err);
    log.error({ err, code: answer.code, ref: answer.ref }, 'review button failed');
    try {
      await ephemeral(answer.message);
    } catch (respondErr) {
      log.error({ err: respondErr }, 'could not tell the user about the failure');
    }
  }
}

async function redraw(
  ctx: SmxContext,
  { body, client, respond }: ReviewButtonArgs,
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
