import type { SmxContext } from '../../src/context';
import { markPublished as mark, parseResultValue } from '../../src/services/publisher';
import { buttonListener } from '../../src/slack/buttons';

/** `mark_published`: a person checked the account after an unknown outcome and the post is there. */
export const markPublished = (ctx: SmxContext) =>
  buttonListener(ctx, 'mark_published', async ({ action, body, client }, reply) => {
    const { shortId, target } = parseResultValue(action.value);
    const res = await mark(ctx, client, shortId, target, body.user.id);
    await reply(
      res.kind === 'denied'
        ? res.message
        : `:white_check_mark: Recorded ${shortId} as published; smx will not send it again.`,
    );
  });
