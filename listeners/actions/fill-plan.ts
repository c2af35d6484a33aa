import type { SmxContext } from '../../src/context';
import { fillFromCanned } from '../../src/services/plan';
import { scheduledConfirmation } from '../../src/services/posts';
import { buttonListener } from '../../src/slack/buttons';

/** `plan_fill_canned:<target>`: Fill from canned on /smx plan, the weekly nudge or the Home tab. */
export const fillPlan = (ctx: SmxContext) =>
  buttonListener(ctx, 'plan_fill_canned', async ({ action, body, client }, reply) => {
    const post = await fillFromCanned(ctx, client, action.value, body.user.id, body.channel?.id);
    await reply(`${scheduledConfirmation(ctx, post)} It came from canned post *${post.cannedId}*.`);
  });
