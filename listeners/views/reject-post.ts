import type { SmxContext } from '../../src/context';
import { rejectPost } from '../../src/services/post-decisions';
import { decisionModal } from '../../src/slack/decision-modal';
import { POST_BLOCK_IDS, POST_INPUT_IDS } from '../../src/slack/ids';

export const REASON_NEEDED = 'Say why, so the author can fix it.';

/** `reject_post_reason` submission: rejects with the reason; a refusal is shown on the reason field. */
export const rejectPostView = (ctx: SmxContext) =>
  decisionModal(ctx, {
    name: 'reject_post_reason',
    blockId: POST_BLOCK_IDS.reason,
    precheck: (view) => (reasonOf(view.state.values) === '' ? REASON_NEEDED : undefined),
    run: ({ shortId, revision, user, view, client }) =>
      rejectPost(ctx, client, shortId, revision, user, reasonOf(view.state.values)),
    done: (post) => `:x: You rejected post *${post.shortId}*.`,
  });

function reasonOf(values: Record<string, Record<string, { value?: string | null }>>): string {
  return (values[POST_BLOCK_IDS.reason]?.[POST_INPUT_IDS.reason]?.value ?? '').trim();
}
