/** Every reply target, most specific first; the manual one (Copy reply) answers anything. One file + one line here. */
import type { Config } from '../../config';
import { facebookReply } from './facebook';
import { googleReply } from './google';
import { manualReply } from './manual';
import type { ReplyableReview, ReplyTarget } from './types';
import { xReply } from './x';

export const replyTargets: readonly ReplyTarget[] = [googleReply, facebookReply, xReply, manualReply];

/** Where a reply to this review goes: the first configured target that answers it, else Copy reply. */
export function replyTargetFor(review: ReplyableReview, config: Config): ReplyTarget {
  return replyTargets.find((t) => t.answers(review) && t.enabled(config)) ?? manualReply;
}

export function findReplyTarget(name: string): ReplyTarget | undefined {
  return replyTargets.find((t) => t.name === name);
}

export type { ReplyableReview, ReplyTarget } from './types';
