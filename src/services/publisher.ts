/**
 * Publishes approved, due posts — exactly once per (post, target), across app instances, overrunning ticks and
 * processes killed mid-publish:
 *  1. claim `publish:<postId>:<target>` by INSERT into the claims' unique _id (the first instance wins);
 *  2. call the target; record the outcome on the post, then note it on the claim;
 *  3. a claim found later with no recorded outcome (its holder died, or the call timed out) is never retried
 *     blindly: the post becomes `needs_check` and a person decides (Mark as published / Retry).
 */
import type { WebClient } from '@slack/web-api';
import { Audit } from '../../models/audit';
import { Claim } from '../../models/claim';
import { Post } from '../../models/post';
import { Publication } from '../../models/publication';
import { targetLabel, targets } from '../adapters/targets';
import { type DEFAULT_RETRY, PublishError, withRetries } from '../adapters/targets/base';
import type { SmxContext } from '../context';
import { SmxError } from '../errors';
import { publishResultMessage } from '../slack/blocks/approval-card';
import { formatLocal, localDay, localWeek } from '../slack/time';
import { isApprover } from './approvers';
import { audit } from './audit';
import { getClaim, isDuplicateKey, releaseClaim, tryClaim } from './claims';
import { type PostView, type TargetResult, toView } from './post-view';
import { POST_MESSAGES, publishKey, refreshCard } from './posts';

export { publishKey };

/**
 * A claim older than this without an outcome belongs to a publisher that died. A live one gives up well before:
 * at most 4 attempts × 30 s timeout + 3 waits × 60 s = 5 minutes.
 */
export const STALE_CLAIM_MS = 15 * 60_000;
export const PUBLISH_TIMEOUT_MS = 30_000;

export interface PublishOptions {
  retry?: typeof DEFAULT_RETRY;
  timeoutMs?: number;
  limit?: number;
}

export interface PublishSummary {
  published: number;
  failed: number;
  needsCheck: number;
  skipped: number;
}

interface ClaimNote {
  status: TargetResult['status'];
  externalId?: string | null;
  url?: string | null;
  error?: string | null;
}

async function noteOutcome(key: string, owner: string, note: ClaimNote): Promise<void> {
  await Claim.updateOne({ _id: key, owner }, { $set: { note: JSON.stringify(note) } });
}

/** A claim's note: an outcome, or `cancelled` when a cancel fenced the target off (posts.ts). */
function parseNote(note: string | null | undefined): ClaimNote | { status: 'cancelled' } | undefined {
  if (!note) return undefined;
  try {
    const v = JSON.parse(note) as ClaimNote | { status: 'cancelled' };
    return typeof v.status === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

async function threadReply(
  ctx: SmxContext,
  client: WebClient,
  post: PostView,
  target: string,
  outcome: ClaimNote,
): Promise<void> {
  if (!post.cardChannel || !post.cardTs) return;
  const msg = publishResultMessage(post, target, targetLabel(target), outcome);
  try {
    await client.chat.postMessage({
      channel: post.cardChannel,
      thread_ts: post.cardTs,
      text: msg.text,
      blocks: msg.blocks,
    });
  } catch (err) {
    // The outcome is stored and on the card; a lost thread reply must not turn a publish into a failure.
    ctx.logger.error(
      { err, postId: post.shortId, target },
      'could not post the publish result in the thread',
    );
  }
}

async function recordResult(ctx: SmxContext, post: PostView, target: string, note: ClaimNote): Promise<void> {
  const at = ctx.now();
  const result: TargetResult = {
    status: note.status,
    externalId: note.externalId ?? null,
    url: note.url ?? null,
    error: note.error ?? null,
    at,
  };
  await Post.updateOne({ _id: post.id }, { $set: { [`results.${target}`]: result } });
  if (note.status === 'published') {
    try {
      await Publication.create({
        postId: post.id,
        target,
        externalId: note.externalId ?? 'unknown',
        url: note.url ?? null,
        publishedAt: at,
        localDay: localDay(at, ctx.config.timezone),
        localWeek: localWeek(at, ctx.config.timezone),
      });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }
}

/** Sets the overall status from the per-target results. */
async function settleStatus(
  ctx: SmxContext,
  client: WebClient,
  postId: string,
  before?: PostView,
): Promise<PostView | undefined> {
  const doc = await Post.findById(postId);
  if (!doc) return undefined;
  const post = toView(doc);
  if (!['approved', 'publishing', 'failed', 'needs_check'].includes(post.status)) return post;
  const rs = post.targets.map((t) => post.results[t]);
  // No outcome yet (another instance holds the claim, or a cancel fenced the targets off): the status is not ours
  // to change — writing 'publishing' here would stop a racing cancel from landing.
  if (rs.every((r) => r === undefined)) return post;
  let status: PostView['status'] = 'publishing';
  if (rs.some((r) => r?.status === 'needs_check')) status = 'needs_check';
  else if (rs.every((r) => r?.status === 'published')) status = 'published';
  else if (rs.every((r) => r !== undefined)) status = 'failed';
  else if (rs.some((r) => r?.status === 'failed')) status = 'failed';
  const unchanged =
    before !== undefined &&
    before.status === status &&
    Object.keys(before.results).length === Object.keys(post.results).length;
  // A post another instance is still publishing: nothing to write, and no card update every tick.
  if (unchanged) return post;
  const set: Record<string, unknown> = { status };
  if (status === 'published' && !post.publishedAt) set.publishedAt = ctx.now();
  await Post.updateOne({ _id: post.id }, { $set: set });
  const updated = toView((await Post.findById(postId)) ?? doc);
  await refreshCard(ctx, client, updated);
  return updated;
}

async function publishTarget(
  ctx: SmxContext,
  client: WebClient,
  post: PostView,
  targetName: string,
  opts: PublishOptions,
  summary: PublishSummary,
): Promise<void> {
  const key = publishKey(post.id, targetName);
  const log = ctx.logger.child({ postId: post.shortId, target: targetName });
  const now = ctx.now();
  if (!(await tryClaim(key, ctx.instanceId, now))) {
    const claim = await getClaim(key);
    if (!claim) return; // released (Retry) between our insert and read: the next tick takes it
    const noted = parseNote(claim.note);
    if (noted) {
      // The holder finished but died before writing the post: copy its outcome over.
      if (noted.status !== 'cancelled' && !post.results[targetName]) {
        await recordResult(ctx, post, targetName, noted);
      }
      return;
    }
    if (now.getTime() - new Date(claim.claimedAt).getTime() < STALE_CLAIM_MS) {
      summary.skipped++;
      return; // another publisher is on it right now
    }
    // Claimed long ago with no outcome: the holder died mid-call. It may or may not have published.
    const noticeKey = `notice:${key}:${new Date(claim.claimedAt).getTime()}`;
    if (!(await tryClaim(noticeKey, ctx.instanceId, now))) return;
    const outcome: ClaimNote = {
      status: 'needs_check',
      error: `a publisher (${claim.owner.split(':')[0]}) started sending it at ${formatLocal(new Date(claim.claimedAt), ctx.config.timezone, now)} and never recorded an outcome`,
    };
    await recordResult(ctx, post, targetName, outcome);
    await audit({
      entity: 'post',
      entityId: post.shortId,
      action: 'publish_result',
      actor: 'smx',
      at: now,
      after: { target: targetName, ...outcome },
    });
    await threadReply(ctx, client, post, targetName, outcome);
    summary.needsCheck++;
    log.warn({ claimOwner: claim.owner }, 'stale publish claim: needs a person to check');
    return;
  }

  // We hold the claim. Re-read: the post may have been cancelled or edited since we listed it.
  const fresh = await Post.findById(post.id);
  const current = fresh ? toView(fresh) : undefined;
  if (
    !current ||
    !['approved', 'publishing'].includes(current.status) ||
    current.revision !== post.revision ||
    current.results[targetName]
  ) {
    await releaseClaim(key, ctx.instanceId);
    summary.skipped++;
    return;
  }
  if (current.status === 'approved') {
    await Post.updateOne({ _id: post.id, status: 'approved' }, { $set: { status: 'publishing' } });
  }
  await audit({
    entity: 'post',
    entityId: post.shortId,
    action: 'publish_attempt',
    actor: 'smx',
    at: now,
    after: { target: targetName, instance: ctx.instanceId },
  });

  const target = targets.find((t) => t.name === targetName);
  let outcome: ClaimNote;
  try {
    if (!target?.enabled(ctx.config)) {
      throw new PublishError('permanent', `${targetLabel(targetName)} is not configured in smx any more`);
    }
    const published = await withRetries(
      () =>
        target.publish({ postId: post.id, shortId: post.shortId, text: current.text }, ctx.config, {
          timeoutMs: opts.timeoutMs ?? PUBLISH_TIMEOUT_MS,
        }),
      opts.retry,
      (a) => log.warn({ attempt: a.attempt, waitMs: a.waitMs, error: a.message }, 'publish retry'),
    );
    outcome = { status: 'published', externalId: published.externalId, url: published.url };
    summary.published++;
  } catch (err) {
    const e = err instanceof PublishError ? err : new PublishError('unknown', String(err));
    outcome = { status: e.kind === 'unknown' ? 'needs_check' : 'failed', error: e.message };
    if (outcome.status === 'failed') summary.failed++;
    else summary.needsCheck++;
    log.warn({ kind: e.kind, error: e.message }, 'publish did not succeed');
  }
  await recordResult(ctx, current, targetName, outcome);
  await noteOutcome(key, ctx.instanceId, outcome);
  await audit({
    entity: 'post',
    entityId: post.shortId,
    action: 'publish_result',
    actor: 'smx',
    at: ctx.now(),
    after: { target: targetName, ...outcome },
  });
  await threadReply(ctx, client, current, targetName, outcome);
  log.info({ status: outcome.status, externalId: outcome.externalId }, 'publish outcome');
}

/** One publisher tick: every approved post that is due, every target without an outcome. */
export async function publishDue(
  ctx: SmxContext,
  client: WebClient,
  opts: PublishOptions = {},
): Promise<PublishSummary> {
  const summary: PublishSummary = { published: 0, failed: 0, needsCheck: 0, skipped: 0 };
  const due = await Post.find({
    status: { $in: ['approved', 'publishing'] },
    scheduledAt: { $lte: ctx.now() },
  })
    .sort({ scheduledAt: 1 })
    .limit(opts.limit ?? 50);
  for (const doc of due) {
    const post = toView(doc);
    for (const t of post.targets) {
      if (post.results[t]) continue;
      await publishTarget(ctx, client, post, t, opts, summary);
    }
    await settleStatus(ctx, client, post.id, post);
  }
  return summary;
}

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

/** Loads the post behind a publish-result button: a denial, or the post, its result and its publish claim key. */
async function loadForResult(
  ctx: SmxContext,
  client: WebClient,
  shortId: string,
  target: string,
  userId: string,
): Promise<
  { kind: 'denied'; message: string } | { kind: 'loaded'; post: PostView; result: TargetResult; key: string }
> {
  const doc = await Post.findOne({ shortId });
  if (!doc) throw new SmxError('NOT_FOUND', POST_MESSAGES.notFound(shortId));
  const post = toView(doc);
  if (post.authorId !== userId && !(await isApprover(ctx, client, userId))) {
    return { kind: 'denied', message: POST_MESSAGES.notAuthorOrApprover('retry or mark') };
  }
  const r = post.results[target];
  if (!r || r.status === 'published' || post.status === 'cancelled') {
    const last = await lastActor(post.shortId);
    return {
      kind: 'denied',
      message: POST_MESSAGES.alreadyHandled(last ? `<@${last}>` : 'the publisher'),
    };
  }
  return { kind: 'loaded', post, result: r, key: publishKey(post.id, target) };
}

/** Builds a ResultAction: loads the post behind the button and answers any denial before `work` runs. */
function resultAction(
  work: (args: {
    ctx: SmxContext;
    client: WebClient;
    post: PostView;
    result: TargetResult;
    key: string;
    target: string;
    userId: string;
  }) => Promise<PostView>,
): ResultAction {
  return async (ctx, client, shortId, target, userId) => {
    const loaded = await loadForResult(ctx, client, shortId, target, userId);
    if (loaded.kind === 'denied') return loaded;
    const { post, result, key } = loaded;
    return { kind: 'ok', post: await work({ ctx, client, post, result, key, target, userId }) };
  };
}

async function lastActor(shortId: string): Promise<string | undefined> {
  const row = await Audit.findOne({ entity: 'post', entityId: shortId, actor: { $ne: 'smx' } }).sort({
    at: -1,
    _id: -1,
  });
  return row?.actor;
}

/** Retry: releases the claim (exact _id + owner) and clears the result, so the next tick publishes again. */
export const retryPublish = resultAction(async ({ ctx, client, post, result, key, target, userId }) => {
  const claim = await getClaim(key);
  if (claim) await releaseClaim(key, claim.owner);
  await Post.updateOne(
    { _id: post.id },
    { $unset: { [`results.${target}`]: 1 }, $set: { status: 'approved' } },
  );
  await audit({
    entity: 'post',
    entityId: post.shortId,
    action: 'retry',
    actor: userId,
    at: ctx.now(),
    before: { target, result },
  });
  const updated = toView((await Post.findById(post.id)) ?? post);
  await refreshCard(ctx, client, updated);
  return updated;
});

/** Mark as published: a person checked the account and the post is there. The claim stays, so it is never re-sent. */
export const markPublished = resultAction(async ({ ctx, client, post, result, key, target, userId }) => {
  await tryClaim(key, `manual:${userId}`, ctx.now()); // keeps the publisher away if the claim had been released
  const note: ClaimNote = { status: 'published', externalId: `manual:${userId}`, url: null, error: null };
  await recordResult(ctx, post, target, note);
  await audit({
    entity: 'post',
    entityId: post.shortId,
    action: 'mark_published',
    actor: userId,
    at: ctx.now(),
    before: { target, result },
    after: note,
  });
  return (await settleStatus(ctx, client, post.id)) ?? post;
});
