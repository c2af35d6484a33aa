import type { SmxContext } from '../../src/context';
import { approvePost as approve, parseCardValue } from '../../src/services/posts';
import { buttonListener } from '../../src/slack/buttons';

/** `approve_post`: Approve on the approval card (or the App Home). */
export const approvePost = (ctx: SmxContext) =>
  buttonListener(ctx, 'approve_post', async ({ action, body, client }, reply) => {
    const { shortId, revision } = parseCardValue(action.value);
    const res = await approve(ctx, client, shortId, revision, body.user.id);
    if (res.kind === 'denied') await reply(res.message);
  });
