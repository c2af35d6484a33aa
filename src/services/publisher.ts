/**
 * Publishes approved, due posts — exactly once per (post, target), across app instances, overrunning ticks and
 * processes killed mid-publish:
 *  1. claim `publish:<postId>:<target>` by INSERT into the claims' unique _id (the first instance wins);
 *  2. call the target; record the outcome on the post, then note it on the claim;
 *  3. a claim found later with no recorded outcome (its holder died, or the call timed out) is never retried
 *     blindly: the post becomes `needs_check` and a person decides (Mark as published / Retry).
 */
import type { WebClient } from '@slack/web-api';
import { Claim } from '../../models/claim';
import { Post } from '../../models/post';
import { Publication } from '../../models/publication';
import { findReplyTarget } from '../adapters/reply-targets';
import { targetLabel, targets } from '../adapters/targets';
import { type DEFAULT_RETRY, PublishError, withRetries } from '../adapters/targets/base';
import type { PublishTarget } from '../adapters/targets/types';
import type { SmxContext } from '../context';
import { formatDuration } from '../duration';
import { publishResultMessage } from '../slack/blocks/approval-card';
import { staleMessage } from '../slack/blocks/post-choices';
import { escapeMrkdwn, truncate } from '../slack/text';
import { formatLocal, localDay, localWeek } from '../slack/time';
import { audit } from './audit';
import { getClaim, isDuplicateKey, releaseClaim, tryClaim } from './claims';
import { announceInOrder, decide } from './decisions';
import { POST_KIND } from './post-decisions';
import { deskPosts, trimPostDesk } from './post-desk';
import { handTarget, postKind } from './post-kinds';
import { type PostView, type TargetResult, toView } from './post-view';
import { POST_MESSAGES, publishKey, refreshCard } from './posts';
import { insertPublished } from './rollups';
import { enqueueSlack, type OutboxItem } from './slack-outbox';

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

export interface ClaimNote {
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

/** The author's DM when one target failed or needs a check (the card's thread has the buttons). */
export const AUTHOR_PROBLEM = (post: PostView, targetName: string, outcome: ClaimNote) => {
  const where = post.cardChannel ? ` in <#${post.cardChannel}>` : '';
  const detail = escapeMrkdwn(truncate(outcome.error ?? 'no detail', 500));
  return outcome.status === 'failed'
    ? `:warning: Your post *${post.shortId}* could not be published on ${targetName}: ${detail}. Nothing was posted there. Once the cause is fixed, press *Retry* on its card${where}.`
    : `:mag: smx does not know whether your post *${post.shortId}* reached ${targetName}: ${detail}. It will not resend it by itself. Check the ${targetName} account, then press *Mark as published* or *Retry* on its card${where}.`;
};

/** Publish targets and reply targets by name, for labels (which one publishes a post is its kind's call). */
function findAnyTarget(name: string): PublishTarget | undefined {
  return targets.find((t) => t.name === name) ?? findReplyTarget(name);
}

const anyLabel = (name: string) => findAnyTarget(name)?.label ?? targetLabel(name);

/**
 * Hands Slack notifications to the outbox (slack-outbox.ts): stored at once, sent in the background and retried,
 * so a hung or failing Slack never holds up or fails a publish — the outcome is already stored.
 */
async function notifyLater(ctx: SmxContext, client: WebClient, items: OutboxItem[]): Promise<void> {
  for (const item of items) {
    await enqueueSlack(ctx, client, item).catch((err: unknown) =>
      ctx.logger.error(
        { err, postId: item.post.shortId, notification: item.label },
        'Slack notification could not be queued',
      ),
    );
  }
}

/** The outcome in the card's thread, and a DM to the author when it is a problem. */
function threadReply(
  ctx: SmxContext,
  client: WebClient,
  post: PostView,
  target: string,
  outcome: ClaimNote,
): Promise<void> {
  const items: OutboxItem[] = [];
  const key = `${post.id}:${target}:${outcome.status}:${ctx.now().getTime()}`;
  if (post.cardChannel && post.cardTs) {
    const msg = publishResultMessage(post, target, anyLabel(target), outcome);
    items.push({
      what: 'message',
      post,
      key,
      label: 'publish result thread reply',
      channel: post.cardChannel,
      threadTs: post.cardTs,
      text: msg.text,
      blocks: msg.blocks,
    });
  }
  if (outcome.status !== 'published') {
    items.push({
      what: 'dm',
      post,
      key,
      label: 'publish problem DM to the author',
      user: post.authorId,
      text: AUTHOR_PROBLEM(post, targetLabel(target), outcome),
    });
  }
  return notifyLater(ctx, client, items);
}

export async function recordResult(
  ctx: SmxContext,
  post: PostView,
  target: string,
  note: ClaimNote,
  client?: WebClient,
): Promise<void> {
  const at = ctx.now();
  const result: TargetResult = {
    status: note.status,
    externalId: note.externalId ?? null,
    url: note.url ?? null,
    error: note.error ?? null,
    at,
  };
  await Post.updateOne({ _id: post.id }, { $set: { [`results.${target}`]: result } });
  if (note.status === 'published') await recordPublication(ctx, post, target, note, at, client);
}

/** The metrics' record of one published (post, target), once. */
export async function recordPublication(
  ctx: SmxContext,
  post: PostView,
  target: string,
  note: ClaimNote,
  at: Date,
  client?: WebClient,
): Promise<void> {
  // What follows a publish is the kind's (post-kinds/): a reply marks its review replied; a post or a repost counts
  // toward the cadence; a video fix does neither.
  const kind = postKind(post.kind);
  const manual = note.externalId?.startsWith('manual:') ? note.externalId.slice('manual:'.length) : undefined;
  await kind.afterPublish?.(ctx, client, post, manual);
  if (!kind.countsTowardCadence) return;
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
  // Metrics count it from the daily roll-ups (one contribution per post and target, keyed so it counts once).
  await insertPublished(post.id, target, at, ctx.config.timezone, at);
}

/** Sets the overall status from the per-target results. */
export async function settleStatus(
  ctx: SmxContext,
  client: WebClient,
  postId: string,
  before?: PostView,
  /** The publisher's tick: the card update goes through the outbox instead of being awaited. */
  opts: { viaOutbox?: boolean } = {},
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
  if (status !== post.status) {
    const set: Record<string, unknown> = { status };
    if (status === 'published' && !post.publishedAt) set.publishedAt = ctx.now();
    // A decision like any other: a cancel or a person's Retry on this version wins or loses against it, never both.
    const r = await decide(Post, {
      kind: POST_KIND,
      docId: post.id,
      version: post.version,
      action: 'settle',
      actor: 'smx',
      at: ctx.now(),
      set,
    });
    if (!r.won) return toView((await Post.findById(postId)) ?? doc);
    const won = r.doc ? toView(r.doc) : undefined;
    return announceInOrder(POST_KIND, post.id, post.version, async () =>
      refreshed(ctx, client, won ?? toView((await Post.findById(postId)) ?? doc), opts),
    );
  }
  return refreshed(ctx, client, toView((await Post.findById(postId)) ?? doc), opts);
}

async function refreshed(
  ctx: SmxContext,
  client: WebClient,
  updated: PostView,
  opts: { viaOutbox?: boolean },
): Promise<PostView> {
  if (opts.viaOutbox) {
    // Rendered from the stored post when it is sent, so it can only ever show this state or a newer one.
    if (updated.cardChannel && updated.cardTs)
      await notifyLater(ctx, client, [{ what: 'card', post: updated, label: 'approval card update' }]);
    return updated;
  }
  await refreshCard(ctx, client, updated).catch((err: unknown) =>
    ctx.logger.error({ err, postId: updated.shortId }, 'approval card could not be updated after publishing'),
  );
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
      // The holder noted an outcome the post lacks (its write was lost): copy it over. The holder writes the post
      // before the claim, so a fresh read nearly always has it already — and a needless write could, on FerretDB
      // (read-modify-write updates), undo a concurrent status change.
      if (noted.status !== 'cancelled' && !post.results[targetName]) {
        const fresh = await Post.findById(post.id);
        if (fresh && !toView(fresh).results[targetName])
          await recordResult(ctx, post, targetName, noted, client);
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
    await recordResult(ctx, post, targetName, outcome, client);
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
    current.results[targetName] ||
    current.scheduledAt.getTime() > now.getTime() ||
    (current.status === 'approved' && isStale(ctx, current))
  ) {
    await releaseClaim(key, ctx.instanceId);
    summary.skipped++;
    return;
  }
  if (current.status === 'approved') {
    // Starting to publish is a decision on this version: an edit, cancel or reschedule clicked at the same moment
    // either wins (and nothing is sent) or is told that smx started publishing.
    const r = await decide(Post, {
      kind: POST_KIND,
      docId: post.id,
      version: current.version,
      action: 'publish',
      actor: 'smx',
      at: now,
      set: { status: 'publishing' },
    });
    if (!r.won && r.winner.action !== 'publish') {
      await releaseClaim(key, ctx.instanceId);
      summary.skipped++;
      return;
    }
    // Nothing to show yet, but the decisions after this one announce in order behind it.
    if (r.won)
      await announceInOrder(POST_KIND, post.id, current.version, async () => undefined, { silent: true });
  }
  await audit({
    entity: 'post',
    entityId: post.shortId,
    action: 'publish_attempt',
    actor: 'smx',
    at: now,
    after: { target: targetName, instance: ctx.instanceId },
  });

  // The kind's publish call (post-kinds/): which target, and what it gets besides the text.
  const kind = postKind(current.kind);
  const target = kind.target(targetName);
  let outcome: ClaimNote;
  try {
    if (!target?.enabled(ctx.config)) {
      throw new PublishError('permanent', `${anyLabel(targetName)} is not configured in smx any more`);
    }
    const send = () =>
      withRetries(
        () =>
          target.publish(
            { postId: post.id, shortId: post.shortId, text: current.text, ...kind.publishInput(current) },
            ctx.config,
            { timeoutMs: opts.timeoutMs ?? PUBLISH_TIMEOUT_MS, now: ctx.now },
          ),
        opts.retry,
        (a) => log.warn({ attempt: a.attempt, waitMs: a.waitMs, error: a.message }, 'publish retry'),
      );
    // Still sending when a shutdown's grace runs out: say so now, rather than leave a silent claim behind.
    const abandoned = () =>
      finish(ctx, client, current, targetName, key, {
        status: 'needs_check',
        error: `smx was stopped at ${formatLocal(ctx.now(), ctx.config.timezone)} while sending this to ${targetLabel(targetName)}, before ${targetLabel(targetName)} answered`,
      });
    const published = ctx.lifecycle ? await ctx.lifecycle.guard(abandoned, send) : await send();
    outcome = { status: 'published', externalId: published.externalId, url: published.url };
    summary.published++;
  } catch (err) {
    const e = err instanceof PublishError ? err : new PublishError('unknown', String(err));
    outcome = { status: e.kind === 'unknown' ? 'needs_check' : 'failed', error: e.message };
    if (outcome.status === 'failed') summary.failed++;
    else summary.needsCheck++;
    log.warn({ kind: e.kind, error: e.message }, 'publish did not succeed');
  }
  await finish(ctx, client, current, targetName, key, outcome);
}

/** Records a publish outcome on the post and the claim, in the audit and in the card's thread. */
async function finish(
  ctx: SmxContext,
  client: WebClient,
  post: PostView,
  targetName: string,
  key: string,
  outcome: ClaimNote,
): Promise<void> {
  await recordResult(ctx, post, targetName, outcome, client);
  await noteOutcome(key, ctx.instanceId, outcome);
  await audit({
    entity: 'post',
    entityId: post.shortId,
    action: 'publish_result',
    actor: 'smx',
    at: ctx.now(),
    after: { target: targetName, ...outcome },
  });
  await threadReply(ctx, client, post, targetName, outcome);
  ctx.logger.info(
    { postId: post.shortId, target: targetName, status: outcome.status, externalId: outcome.externalId },
    'publish outcome',
  );
}

/** One publisher tick: every approved post that is due, every target without an outcome. */
export async function publishDue(
  ctx: SmxContext,
  client: WebClient,
  opts: PublishOptions = {},
): Promise<PublishSummary> {
  const summary: PublishSummary = { published: 0, failed: 0, needsCheck: 0, skipped: 0 };
  // Every approved or publishing post is on the posts desk (post-desk.ts); each is re-read by `_id` before acting.
  const due = await deskPosts<{ _id: unknown }>(
    ctx.now(),
    { status: { $in: ['approved', 'publishing'] }, scheduledAt: { $lte: ctx.now() } },
    { sort: { scheduledAt: 1 }, limit: opts.limit ?? 50, select: { _id: 1 } },
  );
  await trimPostDesk(ctx.now());
  for (const row of due) {
    // Shutting down: what is in flight finishes, nothing new starts (the next start picks it up).
    if (ctx.lifecycle?.stopping) break;
    const doc = await Post.findById(row._id);
    if (!doc || !['approved', 'publishing'].includes(doc.status) || doc.scheduledAt > ctx.now()) continue;
    const post = toView(doc);
    if (post.status === 'approved' && isStale(ctx, post)) {
      await noticeStale(ctx, client, post);
      summary.skipped++;
      continue;
    }
    for (const t of post.targets) {
      if (post.results[t] || ctx.lifecycle?.stopping) continue;
      // Copy reply: a person posts it and presses Mark as replied; there is nothing to call.
      if (t === handTarget(post)) continue;
      await publishTarget(ctx, client, post, t, opts, summary);
    }
    await settleStatus(ctx, client, post.id, post, { viaOutbox: true });
  }
  return summary;
}

/** An approved post more than SMX_STALE_AFTER past its time is never published without a person choosing to. */
export function isStale(ctx: SmxContext, post: PostView): boolean {
  return ctx.now().getTime() - post.scheduledAt.getTime() > ctx.config.posts.staleAfterMs;
}

/** Says once per post version, in the card's thread and to the author and approver, that a choice is needed. */
async function noticeStale(ctx: SmxContext, client: WebClient, post: PostView): Promise<void> {
  if (!(await tryClaim(`stale:${post.id}:${post.version}`, ctx.instanceId, ctx.now()))) return;
  const msg = staleMessage(
    post,
    POST_MESSAGES.stale(
      post.shortId,
      formatLocal(post.scheduledAt, ctx.config.timezone),
      formatDuration(ctx.config.posts.staleAfterMs),
    ),
  );
  await audit({
    entity: 'post',
    entityId: post.shortId,
    action: 'stale',
    actor: 'smx',
    at: ctx.now(),
    before: { scheduledAt: post.scheduledAt },
  });
  ctx.logger.warn(
    { postId: post.shortId, scheduledAt: post.scheduledAt },
    'approved post is overdue: waiting for a choice',
  );
  const items: OutboxItem[] = [];
  const key = `stale:${post.id}:${post.version}`;
  if (post.cardChannel && post.cardTs) {
    items.push({
      what: 'message',
      post,
      key,
      label: 'stale post thread reply',
      channel: post.cardChannel,
      threadTs: post.cardTs,
      text: msg.text,
      blocks: msg.blocks,
    });
  }
  for (const user of new Set([post.authorId, post.approvedBy].filter((u): u is string => Boolean(u)))) {
    items.push({
      what: 'dm',
      post,
      key: `${key}:${user}`,
      label: 'stale post DM',
      user,
      text: msg.text,
      blocks: msg.blocks,
    });
  }
  await notifyLater(ctx, client, items);
}
