/**
 * The PHI guard on posts and replies: findings stored per revision (post.phi), the rule that they block approval
 * until an edit clears them or an approver overrides them, and the review a reply's card quotes.
 */
import { Review } from '../../models/review';
import type { SmxContext } from '../context';
import type { CardOptions } from '../slack/blocks/approval-card';
import { checkDraft, reviewTextForChannel } from './phi-config';
import { postKind } from './post-kinds';
import type { PhiState, PostView } from './post-view';

/**
 * The PHI guard on a draft, with its kind's rules (post-kinds/): a reply is checked against the reviewer's own name
 * too; a repost's guard reads the post it shares. No override yet.
 */
export async function runPhi(
  ctx: SmxContext,
  draft: { text: string; kind?: string | null; details?: Record<string, unknown> | null },
  reviewId?: string | null,
): Promise<PhiState> {
  const reviewer = reviewId
    ? ((await Review.findById(reviewId).select({ authorName: 1 }).lean())?.authorName ?? null)
    : null;
  const kind = postKind(draft.kind);
  const result = checkDraft(ctx.config, kind.phiText(draft), kind.phiMode, reviewer);
  return {
    findings: result.findings.map(({ kind: k, match, why }) => ({ kind: k, match, why })),
    overriddenBy: null,
    overriddenAt: null,
    overrideReason: null,
  };
}

/** True when the PHI guard's findings on the current revision still stand (nobody overrode them). */
export function phiBlocks(post: PostView): boolean {
  return (post.phi?.findings.length ?? 0) > 0 && !post.phi?.overriddenBy;
}

/** For a reply's card: the review it answers, its text masked for the channel. */
export async function replyCardContext(
  ctx: SmxContext,
  post: PostView,
): Promise<Pick<CardOptions, 'review'>> {
  if (post.kind !== 'reply' || !post.reply) return {};
  const review = await Review.findById(post.reply.reviewId).lean();
  if (!review) return {};
  return {
    review: {
      source: review.source,
      rating: review.rating ?? null,
      excerpt: reviewTextForChannel(ctx.config, review.text ?? '', review.authorName),
      url: review.url ?? post.reply.url,
    },
  };
}
