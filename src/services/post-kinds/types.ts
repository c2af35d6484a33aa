/**
 * A kind of post: what a draft does (an ordinary post, a reply to a review, a repost, a YouTube metadata fix). Every
 * kind goes through the same approval card, decisions (services/decisions.ts), four-eyes rule and claim-before-call
 * publisher; a kind says only what differs — its checks, its card preview and its publish call. Adding one = one file
 * in this folder + one line in index.ts (+ its name in models/post.ts POST_KINDS).
 */
import type { WebClient } from '@slack/web-api';
import type { PostKindName } from '../../../models/post';
import type { PublishInput, PublishTarget } from '../../adapters/targets/types';
import type { SmxContext } from '../../context';
import type { CardOptions } from '../../slack/blocks/approval-card';
import type { CheckResult } from '../post-checks';
import type { PostView } from '../post-view';
import type { Guideline } from '../tags';

export interface PostKind {
  name: PostKindName;
  /** The card's and messages' word for it: "Post", "Reply", "Repost", "Video fix". */
  noun: string;
  /** First letter of its short ids (`P7K2Q`, `R…`). */
  shortIdPrefix: string;
  /** The card's status line once it is out: "Published", "Replied". */
  doneWord: string;
  /** May the text be edited on the card? (A repost has no text of ours.) */
  editable: boolean;
  /** Are YouTube/Flickr links in the text looked up for the card (services/link-previews.ts)? */
  previewsLinks: boolean;
  /** Does a published one count toward the posting cadence (/smx plan, metrics)? */
  countsTowardCadence: boolean;
  /** The PHI guard's rules for it (a reply is also checked against the reviewer's name). */
  phiMode: 'post' | 'reply';
  /** The text the PHI guard reads: the draft's own, or (a repost) the post it shares. */
  phiText(p: { text: string; details?: Record<string, unknown> | null }): string;
  /** Hard limits (errors) and guideline advice (warnings) on its text; shown on the card. */
  check(text: string, targets: readonly string[], guideline: Guideline): CheckResult;
  /** Pure: mrkdwn above the text on the card saying what it is about (the review, the original post, the video). */
  cardIntro?(p: PostView, o: CardOptions): string | undefined;
  /** False when the card shows no text of ours (a repost quotes the original in its intro instead). */
  showsText: boolean;
  /** Its publish call: the target that publishes it, by the name stored in `post.targets`. */
  target(name: string): PublishTarget | undefined;
  /** What that target gets besides the post's id and text. */
  publishInput(p: PostView): Partial<PublishInput>;
  /** After a target published it (by smx, or marked by a person: `markedBy`). */
  afterPublish?(
    ctx: SmxContext,
    client: WebClient | undefined,
    p: PostView,
    markedBy?: string,
  ): Promise<void>;
}
