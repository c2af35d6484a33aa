import type { SmxContext } from '../../src/context';
import { canEdit } from '../../src/services/post-decisions';
import { parseCardValue } from '../../src/services/posts';
import { editModal } from '../../src/slack/blocks/post-modals';
import { buttonListener } from '../../src/slack/buttons';

/** `edit_post`: Edit on the approval card; opens the text in a modal. */
export const editPost = (ctx: SmxContext) =>
  buttonListener(ctx, 'edit_post', async ({ action, body, client }, reply) => {
    const { shortId, revision } = parseCardValue(action.value);
    const { post, denied } = await canEdit(ctx, client, shortId, revision, body.user.id);
    if (denied) {
      await reply(denied);
      return;
    }
    await client.views.open({
      trigger_id: body.trigger_id,
      view: editModal(post.shortId, post.revision, post.text, post.status === 'approved'),
    });
  });
