import type { SmxContext } from '../../src/context';
import { approvePost } from '../../src/services/post-decisions';
import { parseCardValue } from '../../src/services/posts';
import { buttonListener } from '../../src/slack/buttons';
import { replyToDecision } from '../../src/slack/decision-reply';
import { APPROVED } from './approve-post';

/** `approve_post_now`: "Approve and publish now", offered when Approve was clicked after the post's time. */
export const approvePostNow = (ctx: SmxContext) =>
  buttonListener(ctx, 'approve_post_now', async ({ action, body, client }, reply) => {
    const { shortId, revision } = parseCardValue(action.value);
    const res = await approvePost(ctx, client, shortId, revision, body.user.id, { publishNowIfLate: true });
    if (res.kind === 'ok' && res.problems.length === 0) {
      await reply(`${APPROVED(res.post.shortId)} It goes out within a minute.`);
      return;
    }
    await replyToDecision(reply, res, (p) => APPROVED(p.shortId));
  });
