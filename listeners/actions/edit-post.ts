import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { SmxContext } from '../../src/context';
import { canEdit, parseCardValue } from '../../src/services/posts';
import { editModal } from '../../src/slack/blocks/post-modals';
import { answer, guarded } from '../../src/slack/post-buttons';

/** `edit_post`: Edit on the approval card; opens the text in a modal. */
export const editPost =
  (ctx: SmxContext) =>
  async ({
    ack,
    action,
    body,
    client,
    respond,
  }: SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs) => {
    await ack();
    await guarded(ctx, 'edit_post', respond, async () => {
      const { shortId, revision } = parseCardValue(action.value);
      const { post, denied } = await canEdit(ctx, client, shortId, revision, body.user.id);
      if (denied) {
        await answer(respond, denied);
        return;
      }
      await client.views.open({
        trigger_id: body.trigger_id,
        view: editModal(post.shortId, post.revision, post.text, post.status === 'approved'),
      });
    });
  };
