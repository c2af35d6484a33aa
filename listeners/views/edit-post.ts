import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { SmxContext } from '../../src/context';
import { logFailure } from '../../src/errors';
import { editPost, parseCardValue, tellUser } from '../../src/services/posts';
import { editPartBlockId, joinEditParts, parseEditMetadata } from '../../src/slack/blocks/post-modals';
import { POST_BLOCK_IDS, POST_INPUT_IDS } from '../../src/slack/ids';

/**
 * `edit_post_text` submission: saves the text (clearing approvals), joining the parts a long text was split into;
 * problems are shown on the (first) text field.
 */
export const editPostView =
  (ctx: SmxContext) =>
  async ({ ack, body, view, client }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const { card, seams } = parseEditMetadata(view.private_metadata);
    const text = joinEditParts(
      (i) => view.state.values[editPartBlockId(i)]?.[POST_INPUT_IDS.text]?.value ?? undefined,
      seams,
    );
    try {
      const { shortId, revision } = parseCardValue(card);
      const res = await editPost(ctx, client, shortId, revision, body.user.id, text);
      if (res.kind !== 'ok') {
        await ack({ response_action: 'errors', errors: { [POST_BLOCK_IDS.text]: res.message } });
        return;
      }
      await ack();
    } catch (err) {
      const a = logFailure(ctx.logger, err, 'edit modal failed');
      await ack();
      await tellUser(client, body.user.id, a.message).catch(() => undefined);
    }
  };
