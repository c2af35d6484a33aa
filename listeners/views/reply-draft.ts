import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { SmxContext } from '../../src/context';
import { toUserFacing } from '../../src/errors';
import { tellUser } from '../../src/services/posts';
import { createReply, REPLY_MESSAGES } from '../../src/services/replies';
import { parseReplyMetadata, replyTextBlockId } from '../../src/slack/blocks/reply-modals';
import { REPLY_ACTION_IDS, REPLY_BLOCK_IDS, REPLY_INPUT_IDS } from '../../src/slack/ids';

/**
 * `reply_draft` submission: the reply goes to the approvals channel as a card (with the PHI guard's findings); the
 * author is told by DM where it is and whether the guard blocks it.
 */
export const replyDraftView =
  (ctx: SmxContext) =>
  async ({ ack, body, view, client }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const meta = parseReplyMetadata(view.private_metadata);
    const textBlock = replyTextBlockId(meta?.n ?? 0);
    if (!meta) {
      await ack({ response_action: 'errors', errors: { [textBlock]: REPLY_MESSAGES.notFound } });
      return;
    }
    const text = view.state.values[textBlock]?.[REPLY_INPUT_IDS.text]?.value ?? '';
    const templateName =
      view.state.values[REPLY_BLOCK_IDS.template]?.[REPLY_ACTION_IDS.pickTemplate]?.selected_option?.value ??
      null;
    if (text.trim() === '' && !templateName) {
      await ack({ response_action: 'errors', errors: { [textBlock]: REPLY_MESSAGES.emptyText } });
      return;
    }
    await ack();
    try {
      const { message } = await createReply(ctx, client, {
        reviewId: meta.reviewId,
        originId: meta.origin,
        text,
        templateName,
        authorId: body.user.id,
      });
      await tellUser(client, body.user.id, message);
    } catch (err) {
      const a = toUserFacing(err);
      ctx.logger.error({ err, code: a.code, ref: a.ref, reviewId: meta.reviewId }, 'reply draft failed');
      await tellUser(client, body.user.id, a.message).catch(() => undefined);
    }
  };
