import type { SmxContext } from '../../src/context';
import { markReplied as mark } from '../../src/services/publish-results';
import { buttonListener } from '../../src/slack/buttons';

/** `mark_replied`: Mark as replied on a Copy-reply card, after the approved text was posted on the site. */
export const markReplied = (ctx: SmxContext) =>
  buttonListener(ctx, 'mark_replied', async ({ action, body, client }, reply) => {
    const shortId = typeof action.value === 'string' ? action.value : '';
    const res = await mark(ctx, client, shortId, body.user.id);
    if (res.kind === 'denied') await reply(res.message);
  });
