/**
 * Every decision on a post — approve, reject, edit, cancel, reschedule, publish now — exactly once per post version:
 * each goes through `decide()` (decisions.ts), so of concurrent clicks one takes effect and every other is told who
 * did what ("<@U…> cancelled this post a moment ago; nothing was changed"). An edit makes a new revision; an approval
 * approves the revision it was clicked on, and never by the person who last changed the text (four-eyes).
 */

import type { WebClient } from '@slack/web-api';
import { Post } from '../../models/post';
import type { SmxContext } from '../context';
import { SmxError } from '../errors';
import { slackErrorCode } from '../slack/calls';
import { escapeMrkdwn, truncate } from '../slack/text';
import { formatLocal } from '../slack/time';
import { isApprover } from './approvers';
import { audit } from './audit';
import { getClaim, noteClaim, releaseClaim, tryClaim } from './claims';
import { SETTLED_STATUSES } from './decision-retention';
import { announceInOrder, type DecisionWinner, decide, describeDecision, lastDecision } from './decisions';
import { describeFindings } from './phi';
import { handTarget, postKind } from './post-kinds';
import { POST_MESSAGES } from './post-messages';
import { phiBlocks, runPhi } from './post-phi';
import { type PostView, toView } from './post-view';
import { CANCELLED_NOTE, findPost, publishKey, refreshCard, reload, runChecks, tellUser } from './posts';
import { insertApproval } from './rollups';
import { parseWhen } from './when';

export const POST_KIND = 'post';

export type DecisionOutcome =
  | { kind: 'ok'; post: PostView; problems: string[] }
  | { kind: 'denied'; message: string }
  /** The post's time has passed: the approver is asked (publish now / reschedule) instead. */
  | { kind: 'late'; post: PostView; message: string };

export type EditOutcome = DecisionOutcome | { kind: 'invalid'; message: string };

export function describePostDecision(ctx: SmxContext, w: DecisionWinner): string {
  return describeDecision(w, { now: ctx.now(), timezone: ctx.config.timezone });
}

/** Why a click on a card for `revision` cannot act on the post as it is now; undefined when it can. */
async function staleReason(
  ctx: SmxContext,
  p: PostView,
  revision: number,
  wanted: readonly string[],
): Promise<string | undefined> {
  if (p.revision === revision && wanted.includes(p.status)) return undefined;
  const last = await lastDecision(POST_KIND, p.id, p.version);
  const desc = last ? describePostDecision(ctx, last) : undefined;
  // Settled long ago: its decision records may have been removed (decision-retention.ts); its state still tells.
  if (!last && (SETTLED_STATUSES as readonly string[]).includes(p.status))
    return POST_MESSAGES.settled(p.shortId, p.status);
  if (p.revision !== revision) return desc ? POST_MESSAGES.outdatedBy(desc) : POST_MESSAGES.outdated;
  return desc ? POST_MESSAGES.handled(desc) : POST_MESSAGES.alreadyHandled('someone else');
}

/** Approvers only; for an approval also the four-eyes rule on whoever last changed the text. */
export async function checkApprover(
  ctx: SmxContext,
  client: WebClient,
  post: PostView,
  userId: string,
  forApproval: boolean,
): Promise<string | undefined> {
  if (!(await isApprover(ctx, client, userId))) return POST_MESSAGES.notApprover;
  if (forApproval && post.textBy === userId && !ctx.config.posts.allowSelfApproval) {
    return POST_MESSAGES.selfApproval;
  }
  return undefined;
}

async function authorOrApprover(ctx: SmxContext, client: WebClient, post: PostView, userId: string) {
  return post.authorId === userId || (await isApprover(ctx, client, userId));
}

/** Loads the post; throws NOT_ALLOWED unless `userId` is its author or an approver. */
async function findPostAsAuthorOrApprover(
  ctx: SmxContext,
  client: WebClient,
  shortId: string,
  userId: string,
  what: string,
): Promise<PostView> {
  const post = await findPost(shortId, ctx.now());
  if (!(await authorOrApprover(ctx, client, post, userId))) {
    throw new SmxError('NOT_ALLOWED', POST_MESSAGES.notAuthorOrApprover(what));
  }
  return post;
}

/** Brings the card up to date and tells the author; returns what could not be done, in the user's terms. */
async function announce(
  ctx: SmxContext,
  client: WebClient,
  post: PostView,
  dm: string | undefined,
): Promise<string[]> {
  const problems: string[] = [];
  try {
    await refreshCard(ctx, client, post);
  } catch (err) {
    ctx.logger.error({ err, postId: post.shortId }, 'approval card could not be updated after a decision');
    problems.push(POST_MESSAGES.cardNotUpdated(`\`${slackErrorCode(err) ?? 'no answer from Slack'}\``));
  }
  if (dm) {
    try {
      await tellUser(client, post.authorId, dm);
    } catch (err) {
      ctx.logger.error({ err, postId: post.shortId }, 'author could not be told about a decision');
      problems.push(POST_MESSAGES.authorNotTold(post.authorId, `\`${slackErrorCode(err) ?? 'no answer'}\``));
    }
  }
  return problems;
}

interface Change {
  post: PostView;
  action: string;
  actor: string;
  set: Record<string, unknown>;
  before: Record<string, unknown>;
  /** What the audit records as the change, when `set` is not readable as such (dotted paths). */
  after?: Record<string, unknown>;
  /** What the author is told by DM once the decision is won (not sent when the author is the actor). */
  dm?: (updated: PostView) => string;
  /** The decision's contribution to the roll-ups (services/rollups.ts), written once it is won. */
  rollup?: (updated: PostView) => Promise<void>;
}

/** Takes the decision on the post's current version; when won, records it, updates the card and tells the author. */
async function applyDecision(ctx: SmxContext, client: WebClient, c: Change): Promise<DecisionOutcome> {
  const now = ctx.now();
  const r = await decide(Post, {
    kind: POST_KIND,
    docId: c.post.id,
    version: c.post.version,
    action: c.action,
    actor: c.actor,
    at: now,
    set: c.set,
  });
  if (!r.won) return { kind: 'denied', message: POST_MESSAGES.handled(describePostDecision(ctx, r.winner)) };
  const problems: string[] = [];
  try {
    await audit({
      entity: 'post',
      entityId: c.post.shortId,
      action: c.action,
      actor: c.actor,
      at: now,
      before: c.before,
      after: c.after ?? c.set,
    });
  } catch (err) {
    // The decision is applied: saying "nothing was changed" now would be untrue.
    ctx.logger.error({ err, postId: c.post.shortId, action: c.action }, 'audit entry lost for a decision');
    problems.push('its history entry could not be written');
  }
  const updated = r.doc ? toView(r.doc) : await reload(c.post.id);
  if (c.rollup) {
    try {
      await c.rollup(updated);
    } catch (err) {
      // Applied all the same; the nightly roll-up repair rebuilds the figure from the posts.
      ctx.logger.error(
        { err, postId: c.post.shortId, action: c.action },
        'roll-up entry lost for a decision',
      );
    }
  }
  const dm = c.dm && updated.authorId !== c.actor ? c.dm(updated) : undefined;
  problems.push(
    ...(await announceInOrder(
      POST_KIND,
      c.post.id,
      c.post.version,
      () => announce(ctx, client, updated, dm),
      { correct: async () => refreshCard(ctx, client, await reload(c.post.id)) },
    )),
  );
  ctx.logger.info(
    { postId: updated.shortId, action: c.action, by: c.actor, version: c.post.version },
    'post decided',
  );
  return { kind: 'ok', post: updated, problems };
}

function goesOut(ctx: SmxContext, p: PostView): string {
  return p.publishNow || p.scheduledAt.getTime() <= ctx.now().getTime()
    ? 'within a minute'
    : formatLocal(p.scheduledAt, ctx.config.timezone);
}

export async function approvePost(
  ctx: SmxContext,
  client: WebClient,
  shortId: string,
  revision: number,
  userId: string,
  opts: { publishNowIfLate?: boolean } = {},
): Promise<DecisionOutcome> {
  const post = await findPost(shortId, ctx.now());
  const denied =
    (await checkApprover(ctx, client, post, userId, true)) ??
    (await staleReason(ctx, post, revision, ['pending_approval']));
  if (denied) return { kind: 'denied', message: denied };
  if (post.checks.errors.length > 0) return { kind: 'denied', message: POST_MESSAGES.blocked };
  if (phiBlocks(post))
    return { kind: 'denied', message: POST_MESSAGES.phiBlocked(describeFindings(post.phi?.findings ?? [])) };
  const now = ctx.now();
  const late = !post.publishNow && post.scheduledAt.getTime() < now.getTime();
  if (late && !opts.publishNowIfLate) {
    return {
      kind: 'late',
      post,
      message: POST_MESSAGES.late(post.shortId, formatLocal(post.scheduledAt, ctx.config.timezone)),
    };
  }
  return applyDecision(ctx, client, {
    post,
    action: 'approve',
    actor: userId,
    set: { status: 'approved', approvedBy: userId, approvedAt: now, ...(late ? { scheduledAt: now } : {}) },
    before: { status: post.status, revision, scheduledAt: post.scheduledAt },
    rollup: (p) =>
      insertApproval(
        { id: post.id, version: post.version, submittedAt: p.submittedAt, approvedAt: p.approvedAt ?? now },
        false,
        ctx.config.timezone,
        ctx.now(),
      ),
    dm: (p) => {
      const what = `${postKind(p.kind).noun.toLowerCase()} *${p.shortId}*`;
      const hand = handTarget(p);
      const hint = hand === undefined ? undefined : postKind(p.kind).target(hand)?.manualHint;
      return hand !== undefined
        ? `:white_check_mark: <@${userId}> approved your ${what}.${hint ? ` ${hint}` : ''}`
        : `:white_check_mark: <@${userId}> approved your ${what}; it will go out ${goesOut(ctx, p)}.`;
    },
  });
}

export async function rejectPost(
  ctx: SmxContext,
  client: WebClient,
  shortId: string,
  revision: number,
  userId: string,
  reason: string,
): Promise<DecisionOutcome> {
  const post = await findPost(shortId, ctx.now());
  const denied = await rejectDenial(ctx, client, post, revision, userId);
  if (denied) return { kind: 'denied', message: denied };
  return applyDecision(ctx, client, {
    post,
    action: 'reject',
    actor: userId,
    set: { status: 'rejected', rejectedBy: userId, rejectedAt: ctx.now(), rejectReason: reason },
    before: { status: post.status, revision },
    dm: (p) =>
      `:x: <@${userId}> rejected your post *${p.shortId}*: “${escapeMrkdwn(truncate(reason, 500))}” You can schedule a new version with \`/smx schedule\`.`,
  });
}

async function rejectDenial(
  ctx: SmxContext,
  client: WebClient,
  post: PostView,
  revision: number,
  userId: string,
): Promise<string | undefined> {
  return (
    (await checkApprover(ctx, client, post, userId, false)) ??
    (await staleReason(ctx, post, revision, ['pending_approval']))
  );
}

/** Pre-checks a Reject click before the reason modal opens, so non-approvers get told at once. */
export async function canReject(
  ctx: SmxContext,
  client: WebClient,
  shortId: string,
  revision: number,
  userId: string,
): Promise<string | undefined> {
  return rejectDenial(ctx, client, await findPost(shortId, ctx.now()), revision, userId);
}

const EDITABLE = ['pending_approval', 'approved'] as const;

export async function canEdit(
  ctx: SmxContext,
  client: WebClient,
  shortId: string,
  revision: number,
  userId: string,
): Promise<{ post: PostView; denied?: string }> {
  const post = await findPost(shortId, ctx.now());
  if (!(await authorOrApprover(ctx, client, post, userId))) {
    return { post, denied: POST_MESSAGES.notAuthorOrApprover('edit') };
  }
  if (!postKind(post.kind).editable) return { post, denied: POST_MESSAGES.notEditable(post.shortId) };
  return { post, denied: await staleReason(ctx, post, revision, EDITABLE) };
}

/** Saves new text as a new revision: clears any approval, re-runs the checks. Hard check failures are refused. */
export async function editPost(
  ctx: SmxContext,
  client: WebClient,
  shortId: string,
  revision: number,
  userId: string,
  text: string,
): Promise<EditOutcome> {
  const { post, denied } = await canEdit(ctx, client, shortId, revision, userId);
  if (denied) return { kind: 'denied', message: denied };
  const trimmed = text.trim();
  if (trimmed === '') return { kind: 'invalid', message: 'The post needs some text.' };
  const checks = await runChecks(trimmed, post.targets, post.kind);
  if (checks.errors.length > 0) return { kind: 'invalid', message: checks.errors.join(' ') };
  // The guard runs again on the new text; an override applied to the old text does not carry over.
  const phi = await runPhi(
    ctx,
    { text: trimmed, kind: post.kind, details: post.details },
    post.reply?.reviewId,
  );
  return applyDecision(ctx, client, {
    post,
    action: 'edit',
    actor: userId,
    set: {
      text: trimmed,
      revision: post.revision + 1,
      status: 'pending_approval',
      approvedBy: null,
      approvedAt: null,
      checks,
      phi,
      textBy: userId,
    },
    before: { text: post.text, revision, status: post.status, approvedBy: post.approvedBy },
    // An approval the edit clears leaves the approval-turnaround figures of its day.
    rollup: async () => {
      if (post.approvedAt === null) return;
      await insertApproval(
        { id: post.id, version: post.version, submittedAt: post.submittedAt, approvedAt: post.approvedAt },
        true,
        ctx.config.timezone,
        ctx.now(),
      );
    },
    dm: (p) =>
      `:pencil2: <@${userId}> edited your post *${p.shortId}*${post.status === 'approved' ? '; its approval was cleared and it needs approving again' : ''}.`,
  });
}

/**
 * A cancel takes the publish claims of every target not yet published, so no publisher can start on them
 * afterwards. If a publisher holds one and is mid-call, the cancel is refused and the claims it took are given back.
 * Returns the claims taken, for giving back if the cancel then loses its decision.
 */
async function fencePublisher(ctx: SmxContext, post: PostView, owner: string): Promise<string[]> {
  const taken: string[] = [];
  for (const t of post.targets) {
    if (post.results[t]) continue;
    const key = publishKey(post.id, t);
    if (await tryClaim(key, owner, ctx.now())) {
      taken.push(key);
      await noteClaim(key, owner, CANCELLED_NOTE);
      continue;
    }
    const claim = await getClaim(key);
    if (claim && !claim.note) {
      for (const k of taken) await releaseClaim(k, owner);
      throw new SmxError('CONFLICT', POST_MESSAGES.beingPublished(post.shortId));
    }
  }
  return taken;
}

const CANCELLABLE: readonly string[] = [
  'pending_approval',
  'approved',
  'publishing',
  'failed',
  'needs_check',
];

/** Throws the honest refusal of a command on a post in a state it cannot act on. */
async function refuseState(ctx: SmxContext, post: PostView, what: string): Promise<never> {
  const last = await lastDecision(POST_KIND, post.id, post.version);
  const base = POST_MESSAGES.cannotChange(post.shortId, post.status, what);
  throw new SmxError(
    'CONFLICT',
    last && last.actor !== 'smx'
      ? base.replace(', so', ` (${describePostDecision(ctx, last).replace(' this post', '')}), so`)
      : base,
  );
}

function throwIfDenied(res: DecisionOutcome): { post: PostView; problems: string[] } {
  if (res.kind === 'ok') return res;
  throw new SmxError('CONFLICT', res.message);
}

export async function cancelPost(
  ctx: SmxContext,
  client: WebClient,
  shortId: string,
  userId: string,
): Promise<{ post: PostView; problems: string[] }> {
  const post = await findPostAsAuthorOrApprover(ctx, client, shortId, userId, 'cancel');
  if (!CANCELLABLE.includes(post.status)) await refuseState(ctx, post, 'cancelled');
  const owner = `cancel:${userId}`;
  const fenced = await fencePublisher(ctx, post, owner);
  const res = await applyDecision(ctx, client, {
    post,
    action: 'cancel',
    actor: userId,
    set: { status: 'cancelled', cancelledBy: userId, cancelledAt: ctx.now() },
    before: { status: post.status },
    dm: (p) => `:no_entry_sign: <@${userId}> cancelled your post *${p.shortId}*.`,
  });
  if (res.kind !== 'ok') for (const k of fenced) await releaseClaim(k, owner);
  return throwIfDenied(res);
}

export async function reschedulePost(
  ctx: SmxContext,
  client: WebClient,
  shortId: string,
  whenText: string,
  userId: string,
): Promise<{ post: PostView; problems: string[] }> {
  const post = await findPostAsAuthorOrApprover(ctx, client, shortId, userId, 'reschedule');
  if (!['pending_approval', 'approved'].includes(post.status)) await refuseState(ctx, post, 'rescheduled');
  const when = parseWhen(whenText, ctx.now(), ctx.config.timezone, ctx.config.dateOrder);
  const set = { scheduledAt: when.now ? ctx.now() : when.at, publishNow: when.now };
  const res = await applyDecision(ctx, client, {
    post,
    action: 'reschedule',
    actor: userId,
    set,
    before: { scheduledAt: post.scheduledAt, publishNow: post.publishNow },
    dm: (p) =>
      `:calendar: <@${userId}> moved your post *${p.shortId}* to ${p.publishNow ? 'as soon as it is approved' : formatLocal(p.scheduledAt, ctx.config.timezone)}.`,
  });
  return throwIfDenied(res);
}

/** "Publish now" on an approved post that is too late to go out by itself (SMX_STALE_AFTER); the approval is kept. */
export async function publishNowPost(
  ctx: SmxContext,
  client: WebClient,
  shortId: string,
  revision: number,
  userId: string,
): Promise<DecisionOutcome> {
  const post = await findPost(shortId, ctx.now());
  if (!(await authorOrApprover(ctx, client, post, userId))) {
    return { kind: 'denied', message: POST_MESSAGES.notAuthorOrApprover('publish') };
  }
  const denied = await staleReason(ctx, post, revision, ['approved']);
  if (denied) return { kind: 'denied', message: denied };
  return applyDecision(ctx, client, {
    post,
    action: 'publish_now',
    actor: userId,
    set: { scheduledAt: ctx.now() },
    before: { scheduledAt: post.scheduledAt },
    dm: (p) => `:rocket: <@${userId}> chose to publish your overdue post *${p.shortId}* now.`,
  });
}

/** How a decision's answer reads when it was applied but something around it failed. */
export function withProblems(done: string, problems: string[]): string {
  return problems.length === 0 ? done : POST_MESSAGES.doneBut(done, problems);
}

/** Pre-checks an Override PHI guard click before the reason modal opens. */
export async function canOverridePhi(
  ctx: SmxContext,
  client: WebClient,
  shortId: string,
  revision: number,
  userId: string,
): Promise<{ post: PostView; denied?: string }> {
  const post = await findPost(shortId, ctx.now());
  const denied =
    (await checkApprover(ctx, client, post, userId, false)) ??
    (await staleReason(ctx, post, revision, ['pending_approval']));
  if (denied) return { post, denied };
  if (!phiBlocks(post)) {
    const by = post.phi?.overriddenBy ? `<@${post.phi.overriddenBy}>` : 'an edit';
    return { post, denied: POST_MESSAGES.handled(`${by} already cleared the PHI findings`) };
  }
  return { post };
}

/**
 * An approver decides the PHI guard's findings on this revision are safe to publish, with a written reason
 * (audited). A decision like any other (single winner on the post's version); approval then follows the usual
 * rules. An edit runs the guard again and clears the override.
 */
export async function overridePhi(
  ctx: SmxContext,
  client: WebClient,
  shortId: string,
  revision: number,
  userId: string,
  reason: string,
): Promise<DecisionOutcome> {
  const { post, denied } = await canOverridePhi(ctx, client, shortId, revision, userId);
  if (denied) return { kind: 'denied', message: denied };
  return applyDecision(ctx, client, {
    post,
    action: 'phi_override',
    actor: userId,
    set: { 'phi.overriddenBy': userId, 'phi.overriddenAt': ctx.now(), 'phi.overrideReason': reason },
    before: { findings: post.phi?.findings ?? [], revision },
    after: { reason },
    dm: (p) =>
      `:warning: <@${userId}> overrode the PHI guard on your ${postKind(p.kind).noun.toLowerCase()} *${p.shortId}*: “${escapeMrkdwn(truncate(reason, 300))}”. It still needs approving.`,
  });
}
