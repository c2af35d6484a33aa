/** Every kind of post (types.ts says what a kind decides). One file + one line here. */
import { postKindPost } from './post';
import { postKindReply } from './reply';
import { postKindRepost } from './repost';
import type { PostKind } from './types';
import { postKindVideoFix } from './video-fix';

export const postKinds: readonly PostKind[] = [postKindPost, postKindReply, postKindRepost, postKindVideoFix];

/** The kind of a post; an unknown or missing name is an ordinary post. */
export function postKind(name: string | undefined | null): PostKind {
  return postKinds.find((k) => k.name === name) ?? postKindPost;
}

/**
 * The target of this post that a person publishes by hand (Copy reply), if any: the publisher skips it, the card
 * offers Mark as replied, the approval DM says what to do.
 */
export function handTarget(p: { kind?: string | null; targets: readonly string[] }): string | undefined {
  const kind = postKind(p.kind);
  return p.targets.find((t) => kind.target(t)?.manual === true);
}

export type { PostKind } from './types';
