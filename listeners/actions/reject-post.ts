import type { SmxContext } from '../../src/context';
import { canReject } from '../../src/services/post-decisions';
import { parseCardValue } from '../../src/services/posts';
import { rejectModal } from '../../src/slack/blocks/post-modals';
import { buttonListener } from '../../src/slack/buttons';

/** `reject_post`: Reject on the approval card (or the App Home); asks for the reason in a modal. */
export const rejectPost = (ctx: SmxContext) =>
  buttonListener(ctx, 'reject_post', async ({ action, body, client }, reply) => {
    const { shortId, revision } = parseCardValue(action.value);
    const denied = await canReject(ctx, client, shortId, revision, body.user.id);
    if (denied) {
      await reply(denied);
      return;
    }
    await client.views.open({ trigger_id: body.trigger_id, view: rejectModal(shortId, revision) });
  });
