import type { SmxContext } from '../../src/context';
import { canOverridePhi } from '../../src/services/post-decisions';
import { parseCardValue } from '../../src/services/posts';
import { overridePhiModal } from '../../src/slack/blocks/reply-modals';
import { buttonListener } from '../../src/slack/buttons';

/** `override_phi`: Override PHI guard on an approval card (approvers); asks for the written reason in a modal. */
export const overridePhi = (ctx: SmxContext) =>
  buttonListener(ctx, 'override_phi', async ({ action, body, client }, reply) => {
    const { shortId, revision } = parseCardValue(action.value);
    const { post, denied } = await canOverridePhi(ctx, client, shortId, revision, body.user.id);
    if (denied) {
      await reply(denied);
      return;
    }
    const findings = (post.phi?.findings ?? []).map((f) => `“${f.match}” — ${f.why}`);
    await client.views.open({
      trigger_id: body.trigger_id,
      view: overridePhiModal(shortId, revision, findings),
    });
  });
