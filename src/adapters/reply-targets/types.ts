import type { PublishTarget, ReplyableReview } from '../targets/types';

export type { ReplyableReview };

/**
 * A place smx can answer reviews. Adding one = one file in this folder + one line in index.ts. It is a publish target
 * too, so the publisher posts replies with the same claim-before-call, retry and needs_check rules as posts;
 * `publish` receives the review in `input.replyTo`.
 */
export interface ReplyTarget extends PublishTarget {
  /** True when this target can post an answer to this review (through an API). */
  answers(review: ReplyableReview): boolean;
  /** Hard limits of the API on the reply text, as error sentences; empty when it fits. */
  check(text: string): string[];
}
