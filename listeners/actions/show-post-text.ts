import type { SmxContext } from '../../src/context';
import { findPost, parseCardValue } from '../../src/services/posts';
import { fullTextModal } from '../../src/slack/blocks/post-modals';
import { buttonListener } from '../../src/slack/buttons';

/** `show_post_text`: *Show full text* on a card whose text does not fit; opens the whole stored text in a modal. */
export const showPostText = (ctx: SmxContext) =>
  buttonListener(ctx, 'show_post_text', async ({ action, body, client }) => {
    const { shortId } = parseCardValue(action.value);
    const post = await findPost(shortId, ctx.now());
    await client.views.open({ trigger_id: body.trigger_id, view: fullTextModal(post.shortId, post.text) });
  });
