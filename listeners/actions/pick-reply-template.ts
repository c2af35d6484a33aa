import type {
  AllMiddlewareArgs,
  BlockAction,
  SlackActionMiddlewareArgs,
  StaticSelectAction,
} from '@slack/bolt';
import type { SmxContext } from '../../src/context';
import { replyModalData } from '../../src/services/replies';
import { parseReplyMetadata, replyModal, replyTextBlockId } from '../../src/slack/blocks/reply-modals';
import { REPLY_INPUT_IDS } from '../../src/slack/ids';

/**
 * `reply_pick_template`: a template picked in the reply modal replaces the text field's content with the template
 * (whatever was typed goes after it, so nothing typed is lost).
 */
export const pickReplyTemplate =
  (ctx: SmxContext) =>
  async ({
    ack,
    body,
    action,
    client,
  }: SlackActionMiddlewareArgs<BlockAction<StaticSelectAction>> & AllMiddlewareArgs) => {
    await ack();
    const view = body.view;
    const meta = view ? parseReplyMetadata(view.private_metadata) : undefined;
    if (!view || !meta) return;
    try {
      const data = await replyModalData(ctx, meta.reviewId);
      const picked = data.templates.find((t) => t.name === action.selected_option?.value);
      if (!picked) return;
      const typed = (view.state.values[replyTextBlockId(meta.n)]?.[REPLY_INPUT_IDS.text]?.value ?? '').trim();
      const already = data.templates.some((t) => t.text === typed);
      const text = typed === '' || already ? picked.text : `${picked.text}\n\n${typed}`;
      await client.views.update({
        view_id: view.id,
        hash: view.hash,
        view: replyModal({ ...data, originId: meta.origin }, meta.n + 1, text, picked.name),
      });
    } catch (err) {
      // The modal stays as it was; the person can still type the reply.
      ctx.logger.warn({ err, reviewId: meta.reviewId }, 'could not apply the reply template');
    }
  };
