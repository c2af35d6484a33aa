/**
 * "Assign to me" and "Mark handled" on a review, race-safe on every MongoDB-compatible target.
 *
 * FerretDB v1 performs updates as read-modify-write without a transaction, so a conditional update cannot decide who
 * won. The decision is an insert instead (mongo-subset.md): `review-action:<id>:assign` / `:handle` claims, whose
 * owner is the Slack user. The claims are the source of truth for a review's status; the status fields on the review
 * (status, assignedTo/At, handledBy/At, firstActionAt) are a copy derived from them and re-derived until stable, so
 * two people clicking at once can never leave the review showing a half-applied state.
 */
import { isValidObjectId } from 'mongoose';
import { Claim } from '../../models/claim';
import { DigestInbox } from '../../models/digest-inbox';
import { Review } from '../../models/review';
import { ReviewDesk } from '../../models/review-desk';
import type { SmxContext } from '../context';
import { SmxError } from '../errors';
import { audit } from './audit';
import { tryClaim } from './claims';
import { addToDesk, isOpen } from './review-desk';
import { insertResponse } from './rollups';

export type ReviewActionKind = 'assign' | 'handle' | 'reply';

export const REVIEW_ACTION_MESSAGES = {
  notFound:
    "I can't find that review any more (it may have been removed from smx). Nothing was changed; use `/smx reviews` to see the current list.",
  alreadyAssigned: (user: string) =>
    `This review is already assigned to <@${user}>, so nothing was changed. They can mark it handled when it is done.`,
  alreadyHandled: (user: string) => `This review was already handled by <@${user}>; nothing was changed.`,
  alreadyReplied: (user: string) => `This review was already answered by <@${user}>; nothing was changed.`,
} as const;

/** The status fields of a review, as derived from its action claims. */
export interface ReviewStatusFields {
  status: 'new' | 'assigned' | 'handled' | 'replied';
  assignedTo: string | null;
  assignedAt: Date | null;
  handledBy: string | null;
  handledAt: Date | null;
  repliedBy: string | null;
  repliedAt: Date | null;
  firstActionAt: Date | null;
}

export type ReviewActionResult =
  | { ok: true; review: Record<string, unknown> & { _id: unknown } }
  | { ok: false; message: string; review: (Record<string, unknown> & { _id: unknown }) | null };

export const reviewActionKey = (reviewId: string, kind: ReviewActionKind) =>
  `review-action:${reviewId}:${kind}`;

interface ClaimLike {
  _id: string;
  owner: string;
  claimedAt: Date;
}

/**
 * Pure: the status a set of action claims means. Replied wins over handled, handled over assigned; times are the
 * claims' times. A reply counts as a first action (the response-time metric).
 */
export function statusFromClaims(
  assign: ClaimLike | null | undefined,
  handle: ClaimLike | null | undefined,
  reply?: ClaimLike | null,
): ReviewStatusFields {
  const times = [assign?.claimedAt, handle?.claimedAt, reply?.claimedAt].filter(
    (d): d is Date => d instanceof Date,
  );
  return {
    status: reply ? 'replied' : handle ? 'handled' : assign ? 'assigned' : 'new',
    assignedTo: assign?.owner ?? null,
    assignedAt: assign?.claimedAt ?? null,
    handledBy: handle?.owner ?? null,
    handledAt: handle?.claimedAt ?? null,
    repliedBy: reply?.owner ?? null,
    repliedAt: reply?.claimedAt ?? null,
    firstActionAt: times.length === 0 ? null : new Date(Math.min(...times.map((d) => d.getTime()))),
  };
}

async function readClaims(reviewId: string) {
  const keys = [
    reviewActionKey(reviewId, 'assign'),
    reviewActionKey(reviewId, 'handle'),
    reviewActionKey(reviewId, 'reply'),
  ];
  // Three exact `_id` lookups, not one `$in`: the claims collection grows with every action ever taken, and FerretDB
  // answers only a plain `_id` equality without reading all of it.
  const [assign, handle, reply] = (await Promise.all(
    keys.map((k) => Claim.findById(k).lean()),
  )) as Array<ClaimLike | null>;
  return { assign: assign ?? undefined, handle: handle ?? undefined, reply: reply ?? undefined };
}

const sameClaims = (a: Awaited<ReturnType<typeof readClaims>>, b: Awaited<ReturnType<typeof readClaims>>) =>
  a.assign?.owner === b.assign?.owner &&
  a.handle?.owner === b.handle?.owner &&
  a.reply?.owner === b.reply?.owner;

/**
 * Writes the status derived from the claims, then re-reads the claims; if another click landed meanwhile, writes
 * again. The last write anywhere therefore saw every claim, whatever order concurrent writes commit in.
 */
async function syncStatus(reviewId: string): Promise<ReviewStatusFields> {
  let claims = await readClaims(reviewId);
  for (let i = 0; i < 5; i++) {
    const fields = statusFromClaims(claims.assign, claims.handle, claims.reply);
    await Review.updateOne({ _id: reviewId }, { $set: fields });
    // The digest inbox's copy, if the item still waits for a digest (its card shows the status).
    const { firstActionAt: _first, ...copy } = fields;
    await DigestInbox.updateOne({ _id: reviewId }, { $set: copy });
    // The desk's copy; an item trimmed from the desk comes back while it is open (e.g. assigned from a digest card).
    const desk = await ReviewDesk.updateOne({ _id: reviewId }, { $set: fields });
    if (desk.matchedCount === 0 && isOpen(fields)) {
      const review = await Review.findById(reviewId).lean();
      if (review) await addToDesk([review as never]);
    }
    const again = await readClaims(reviewId);
    if (sameClaims(claims, again)) return fields;
    claims = again;
  }
  return statusFromClaims(claims.assign, claims.handle, claims.reply);
}

/** The desk copy when there is one (a small collection), else the archive. */
async function loadReview(reviewId: string) {
  if (!isValidObjectId(reviewId)) return null;
  return (await ReviewDesk.findById(reviewId).lean()) ?? (await Review.findById(reviewId).lean());
}

/**
 * Performs an action for `user`. Refusals (someone already did it) come back as `{ ok: false, message }`, meant for
 * an ephemeral answer; an unknown review id throws NOT_FOUND with a user-facing message.
 */
export async function performReviewAction(
  ctx: SmxContext,
  reviewId: string,
  kind: ReviewActionKind,
  user: string,
  note?: string,
): Promise<ReviewActionResult> {
  const review = await loadReview(reviewId);
  if (!review) throw new SmxError('NOT_FOUND', REVIEW_ACTION_MESSAGES.notFound);
  const id = String(review._id);
  const before = await readClaims(id);

  if (before.reply && kind !== 'reply') {
    // An answered review is done: no late "assign" or "handled".
    await syncStatus(id);
    return {
      ok: false,
      message: REVIEW_ACTION_MESSAGES.alreadyReplied(before.reply.owner),
      review: await loadReview(id),
    };
  }
  if (before.handle && kind !== 'reply') {
    // Nothing applies after "handled" but a reply: neither a second "handled" nor a late "assign".
    await syncStatus(id);
    return {
      ok: false,
      message: REVIEW_ACTION_MESSAGES.alreadyHandled(before.handle.owner),
      review: await loadReview(id),
    };
  }
  const won = await tryClaim(reviewActionKey(id, kind), user, ctx.now());
  if (!won) {
    const now = await readClaims(id);
    await syncStatus(id);
    const message =
      kind === 'reply'
        ? REVIEW_ACTION_MESSAGES.alreadyReplied(now.reply?.owner ?? 'someone')
        : kind === 'assign'
          ? now.handle
            ? REVIEW_ACTION_MESSAGES.alreadyHandled(now.handle.owner)
            : REVIEW_ACTION_MESSAGES.alreadyAssigned(now.assign?.owner ?? 'someone')
          : REVIEW_ACTION_MESSAGES.alreadyHandled(now.handle?.owner ?? 'someone');
    return { ok: false, message, review: await loadReview(id) };
  }

  const beforeFields = statusFromClaims(before.assign, before.handle, before.reply);
  const after = await syncStatus(id);
  const at = kind === 'assign' ? after.assignedAt : kind === 'handle' ? after.handledAt : after.repliedAt;
  if (beforeFields.firstActionAt === null && after.firstActionAt !== null) {
    // The first action on it: its response time goes into the roll-ups, once (the insert is keyed by the review).
    await insertResponse(review, after.firstActionAt, ctx.config.timezone, ctx.now());
  }
  await audit({
    entity: 'review',
    entityId: id,
    action: kind === 'assign' ? 'assigned' : kind === 'handle' ? 'handled' : 'replied',
    actor: user,
    at: at ?? ctx.now(),
    before: { status: beforeFields.status, assignedTo: beforeFields.assignedTo },
    after: {
      status: after.status,
      assignedTo: after.assignedTo,
      handledBy: after.handledBy,
      repliedBy: after.repliedBy,
    },
    ...(note ? { note } : {}),
  });
  ctx.logger.info({ reviewId: id, action: kind, user, status: after.status }, 'review action');
  const updated = await loadReview(id);
  if (!updated) throw new SmxError('NOT_FOUND', REVIEW_ACTION_MESSAGES.notFound);
  return { ok: true, review: updated };
}

export const assignReview = (ctx: SmxContext, reviewId: string, user: string) =>
  performReviewAction(ctx, reviewId, 'assign', user);

export const markReviewHandled = (ctx: SmxContext, reviewId: string, user: string) =>
  performReviewAction(ctx, reviewId, 'handle', user);
