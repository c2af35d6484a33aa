import type { SmxContext } from '../../src/context';
import { publishNowPost } from '../../src/services/post-decisions';
import { parseCardValue } from '../../src/services/posts';
import { buttonListener } from '../../src/slack/buttons';
import { replyToDecision } from '../../src/slack/decision-reply';

export const PUBLISHING_NOW = (shortId: string) =>
  `:rocket: Post *${shortId}* goes out within a minute (it stays approved).`;

/** `publish_post_now`: an approved post too far overdue to go out by itself (SMX_STALE_AFTER) — send it now. */
export const publishPostNow = (ctx: SmxContext) =>
  buttonListener(ctx, 'publish_post_now', async ({ action, body, client }, reply) => {
    const { shortId, revision } = parseCardValue(action.value);
    const res = await publishNowPost(ctx, client, shortId, revision, body.user.id);
    if (res.kind === 'ok' && res.problems.length === 0) await reply(PUBLISHING_NOW(res.post.shortId));
    else await replyToDecision(reply, res, (p) => PUBLISHING_NOW(p.shortId));
  });
