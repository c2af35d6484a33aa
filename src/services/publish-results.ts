/**
 * The buttons under a publish result — Retry and Mark as published — as decisions on the post's version, so a
 * Retry, a Mark and a cancel clicked together cannot all take effect.
 */
import type { WebClient } from '@slack/web-api';
import { Claim } from '../../models/claim';
import { Post } from '../../models/post';
import type { SmxContext } from '../context';
import { SmxError } from '../errors';
import { isApprover } from './approvers';
import { audit } from './audit';
import { getClaim, releaseClaim, tryClaim } from './claims';
import { announceInOrder, decide, lastDecision } from './decisions';
import { describePostDecision, POST_KIND } from './post-decisions';
import { findPostDoc } from './post-desk';
import { handTarget } from './post-kinds';
import { POST_MESSAGES } from './post-messages';
import { type PostView, type TargetResult, toView } from './post-view';
import { publishKey, refreshCard } from './posts';
import { type ClaimNote, recordPublication, settleStatus } from './publisher';

/** Reads `<shortId>:<target>` from a publish-result button. */
export function parseResultValue(value: string | undefined): { shortId: string; target: string } {
  const m = /^([A-Z0-9]{2,12}):([a-z0-9_-]+)$/.exec(value ?? '');
  if (!m?.[1] || !m[2]) throw new SmxError('BAD_INPUT', 'This button is damaged; nothing was changed.');
  return { shortId: m[1], target: m[2] };
}

/** What the Retry and Mark-as-published buttons get back. */
export type ResultActionOutcome = { kind: 'ok'; post: PostView } | { kind: 'denied'; message: string };

/** A publish-result button's service call (Retry, Mark as published). */
export type ResultAction = (
  ctx: SmxContext,
  client: WebClient,
  shortId: string,
  target: string,
  userId: string,
) => Promise<ResultActionOutcome>;

async function handledMessage(ctx: SmxContext, post: PostView): Promise<string> {
  const last = await lastDecision(POST_KIND, post.id, post.version, { byPerson: true });
  return last
    ? POST_MESSAGES.handled(describePostDecision(ctx, last))
    : POST_MESSAGES.alreadyHandled('the publisher');
}

interface Loaded {
  ctx: SmxContext;
  client: WebClient;
  post: PostView;
  result: TargetResult;
  key: string;
  target: string;
  userId: string;
}

/** Builds a ResultAction: loads the post behind the button and answers any denial before `work` runs. */
function resultAction(work: (l: Loaded) => Promise<ResultActionOutcome>): ResultAction {
  return async (ctx, client, shortId, target, userId) => {
    const doc = await findPostDoc(shortId, ctx.now());
    if (!doc) throw new SmxError('NOT_FOUND', POST_MESSAGES.notFound(shortId));
    const post = toView(doc);
    if (post.authorId !== userId && !(await isApprover(ctx, client, userId))) {
      return { kind: 'denied', message: POST_MESSAGES.notAuthorOrApprover('retry or mark') };
    }
    const result = post.results[target];
    if (!result || result.status === 'published' || !['failed', 'needs_check'].includes(post.status)) {
      return { kind: 'denied', message: await handledMessage(ctx, post) };
    }
    return work({ ctx, client, post, result, key: publishKey(post.id, target), target, userId });
  };
}

/**
 * Retry: gives the claim back (exact _id + owner) first — harmless if the decision is then lost, as the publisher
 * never lists a failed or cancelled post — then, once won, clears the result so the next tick publishes again.
 */
export const retryPublish = resultAction(async ({ ctx, client, post, result, key, target, userId }) => {
  const claim = await getClaim(key);
  if (claim) await releaseClaim(key, claim.owner);
  const r = await decide(Post, {
    kind: POST_KIND,
    docId: post.id,
    version: post.version,
    action: 'retry',
    actor: userId,
    at: ctx.now(),
    set: { status: 'approved' },
    unset: [`results.${target}`],
  });
  if (!r.won) return { kind: 'denied', message: POST_MESSAGES.handled(describePostDecision(ctx, r.winner)) };
  await audit({
    entity: 'post',
    entityId: post.shortId,
    action: 'retry',
    actor: userId,
    at: ctx.now(),
    before: { target, result },
  });
  const updated = r.doc ? toView(r.doc) : toView((await Post.findById(post.id)) ?? post);
  await announceInOrder(POST_KIND, post.id, post.version, () =>
    refreshCard(ctx, client, updated).catch((err: unknown) =>
      ctx.logger.error({ err, postId: post.shortId }, 'approval card could not be updated after Retry'),
    ),
  );
  return { kind: 'ok', post: updated };
});

/** Mark as published: a person checked the account and the post is there. The claim stays, so it is never re-sent. */
export const markPublished = resultAction(async ({ ctx, client, post, result, key, target, userId }) => {
  const owner = `manual:${userId}`;
  // Keeps the publisher away if the claim had been given back.
  const tookClaim = await tryClaim(key, owner, ctx.now());
  const note: ClaimNote = { status: 'published', externalId: owner, url: null, error: null };
  const at = ctx.now();
  const r = await decide(Post, {
    kind: POST_KIND,
    docId: post.id,
    version: post.version,
    action: 'mark_published',
    actor: userId,
    at,
    set: { [`results.${target}`]: { ...note, at } },
  });
  if (!r.won) {
    if (tookClaim) await releaseClaim(key, owner);
    return { kind: 'denied', message: POST_MESSAGES.handled(describePostDecision(ctx, r.winner)) };
  }
  await audit({
    entity: 'post',
    entityId: post.shortId,
    action: 'mark_published',
    actor: userId,
    at,
    before: { target, result },
    after: note,
  });
  await recordPublication(ctx, post, target, note, at, client);
  // The settle that follows is the next decision; it updates the card.
  await announceInOrder(POST_KIND, post.id, post.version, async () => undefined);
  return { kind: 'ok', post: (await settleStatus(ctx, client, post.id)) ?? post };
});

export const REPLY_RESULT_MESSAGES = {
  notCopyReply: (id: string) =>
    `Reply ${id} is posted by smx itself, so there is nothing to mark. Nothing was changed.`,
  notApproved: (id: string, status: string) =>
    `Reply ${id} is ${status.replace('_', ' ')}; only an approved reply can be marked as replied. Nothing was changed.`,
} as const;

/**
 * Mark as replied on a Copy-reply card: a person posted the approved text on a site smx cannot post to. Like Mark as
 * published: the (reply, copy) publish claim and a decision on the post's version make it happen once; a second
 * click is told who did it.
 */
export async function markReplied(
  ctx: SmxContext,
  client: WebClient,
  shortId: string,
  userId: string,
): Promise<ResultActionOutcome> {
  const doc = await findPostDoc(shortId, ctx.now());
  if (!doc) throw new SmxError('NOT_FOUND', POST_MESSAGES.notFound(shortId));
  const post = toView(doc);
  const target = handTarget(post);
  if (target === undefined)
    return { kind: 'denied', message: REPLY_RESULT_MESSAGES.notCopyReply(post.shortId) };
  if (post.authorId !== userId && !(await isApprover(ctx, client, userId))) {
    return { kind: 'denied', message: POST_MESSAGES.notAuthorOrApprover('mark') };
  }
  const key = publishKey(post.id, target);
  const owner = `manual:${userId}`;
  if (post.status !== 'approved' || !(await tryClaim(key, owner, ctx.now()))) {
    const claim = await getClaim(key);
    if (claim?.owner.startsWith('manual:')) {
      return {
        kind: 'denied',
        message: POST_MESSAGES.handled(`<@${claim.owner.slice(7)}> already marked it as replied`),
      };
    }
    return { kind: 'denied', message: REPLY_RESULT_MESSAGES.notApproved(post.shortId, post.status) };
  }
  const at = ctx.now();
  const note: ClaimNote = {
    status: 'published',
    externalId: owner,
    url: post.reply?.url ?? null,
    error: null,
  };
  const r = await decide(Post, {
    kind: POST_KIND,
    docId: post.id,
    version: post.version,
    action: 'mark_replied',
    actor: userId,
    at,
    set: { [`results.${target}`]: { ...note, at } },
  });
  if (!r.won) {
    await releaseClaim(key, owner);
    return { kind: 'denied', message: POST_MESSAGES.handled(describePostDecision(ctx, r.winner)) };
  }
  await Claim.updateOne({ _id: key, owner }, { $set: { note: JSON.stringify(note) } });
  await audit({
    entity: 'post',
    entityId: post.shortId,
    action: 'mark_replied',
    actor: userId,
    at,
    after: note,
  });
  await recordPublication(ctx, post, target, note, at, client);
  await announceInOrder(POST_KIND, post.id, post.version, async () => undefined);
  return { kind: 'ok', post: (await settleStatus(ctx, client, post.id)) ?? post };
}
