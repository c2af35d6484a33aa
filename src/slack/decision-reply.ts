import type { DecisionOutcome } from '../services/post-decisions';
import { withProblems } from '../services/post-decisions';
import type { PostView } from '../services/post-view';
import { lateApprovalMessage } from './blocks/post-choices';
import type { Reply } from './buttons';

/**
 * Answers a decision button: a refusal says who did what; a late approval asks (publish now / reschedule); a won
 * decision is shown by the card itself, so the clicker hears only about what went wrong around it.
 */
export async function replyToDecision(
  reply: Reply,
  res: DecisionOutcome,
  done: (post: PostView) => string,
): Promise<void> {
  if (res.kind === 'denied') await reply(res.message);
  else if (res.kind === 'late') await reply(res.message, lateApprovalMessage(res.post, res.message).blocks);
  else if (res.problems.length > 0) await reply(withProblems(done(res.post), res.problems));
}
