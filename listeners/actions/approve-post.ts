import type { SmxContext } from '../../src/context';
import { approvePost as approve } from '../../src/services/post-decisions';
import { parseCardValue } from '../../src/services/posts';
import { buttonListener } from '../../src/slack/buttons';
import { replyToDecision } from '../../src/slack/decision-reply';

export const APPROVED = (shortId: string) => `:white_check_mark: You approved post *${shortId}*.`;

/** `approve_post`: Approve on the approval card (or the App Home). A post whose time has passed asks first. */
export const approvePost = (ctx: SmxContext) =>
  buttonListener(ctx, 'approve_post', async ({ action, body, client }, reply) => {
    const { shortId, revision } = parseCardValue(action.value);
    const res = await approve(ctx, client, shortId, revision, body.user.id);
    await replyToDecision(reply, res, (p) => APPROVED(p.shortId));
  });
