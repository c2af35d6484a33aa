import type { SmxContext } from '../../src/context';
import { editPost } from '../../src/services/post-decisions';
import { editPartBlockId, joinEditParts, parseEditMetadata } from '../../src/slack/blocks/post-modals';
import { decisionModal } from '../../src/slack/decision-modal';
import { POST_BLOCK_IDS, POST_INPUT_IDS } from '../../src/slack/ids';

/**
 * `edit_post_text` submission: saves the text as a new revision (clearing approvals), joining the parts a long text
 * was split into; problems are shown on the (first) text field.
 */
export const editPostView = (ctx: SmxContext) =>
  decisionModal(ctx, {
    name: 'edit_post_text',
    blockId: POST_BLOCK_IDS.text,
    cardOf: (metadata) => parseEditMetadata(metadata).card,
    run: ({ shortId, revision, user, view, client }) => {
      const { seams } = parseEditMetadata(view.private_metadata);
      const text = joinEditParts(
        (i) => view.state.values[editPartBlockId(i)]?.[POST_INPUT_IDS.text]?.value ?? undefined,
        seams,
      );
      return editPost(ctx, client, shortId, revision, user, text);
    },
    done: (post) => `:pencil2: Saved revision ${post.revision} of post *${post.shortId}*.`,
  });
