import type { Config } from '../../config';

/** What a target needs to publish; deliberately small so a target cannot depend on approval details. */
export interface PublishInput {
  postId: string;
  shortId: string;
  text: string;
  /** For a reply (src/adapters/reply-targets/): the review it answers. */
  replyTo?: ReplyableReview;
  /** The post's kind when it is not an ordinary post (`repost`, `video_fix`); a target refuses kinds it does not take. */
  kind?: string;
  /** Kind-specific data (the post to repost, the video to fix); the target validates it. */
  details?: Record<string, unknown> | null;
}

/** The review a reply answers, as a reply target needs it (no patient details beyond what the API needs). */
export interface ReplyableReview {
  source: string;
  externalId: string;
  facility: string | null;
  url: string | null;
}

export interface Published {
  externalId: string;
  url: string | null;
}

export interface PublishOptions {
  /** Per-call timeout; a timeout after the request was sent is an unknown outcome (needs_check), never retried. */
  timeoutMs: number;
  /** smx's clock (tests set it); a target that keeps dated records (YouTube's quota day) reads time from it. */
  now?: () => Date;
}

/**
 * A place smx publishes to. Adding one = one file in this folder implementing this + one line in index.ts.
 * `publish` throws a PublishError (base.ts) sorted into retryable / permanent / unknown.
 */
export interface PublishTarget {
  /** Stored in posts (`targets`, `results.<name>`) and claim keys; never rename. */
  name: string;
  /** How people name it in Slack. */
  label: string;
  /** Other words accepted in `to:` (e.g. `twitter`). */
  aliases: readonly string[];
  /** Kinds of post it publishes; default `['post']`. Only targets taking `post` are offered for `/smx schedule`. */
  kinds?: readonly string[];
  /**
   * Published by a person, not by smx (Copy reply: a site with no API). The publisher never calls it; once approved
   * the card shows the text and a Mark-as-done button, and `manualHint` is what the author is told to do.
   */
  manual?: boolean;
  manualHint?: string;
  /** False when its credentials are not configured: the target is off, not broken. */
  enabled(config: Config): boolean;
  publish(input: PublishInput, config: Config, options: PublishOptions): Promise<Published>;
}
