/**
 * The life of a post: create → (edit) → approve | reject | cancel → (reschedule) → publish (publisher.ts).
 * Decisions that must happen once (approve/reject, edit of one revision) are claims — inserts into a unique _id —
 * because on FerretDB two findOneAndUpdate calls can both "win". The status change after a won claim is a plain update.
 */
import { randomInt } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import { Post } from '../../models/post';
import { targets as allTargets, enabledTargets, findTarget, targetLabel } from '../adapters/targets';
import type { SmxContext } from '../context';
import { SmxError } from '../errors';
import { approvalCard } from '../slack/blocks/approval-card';
import { escapeMrkdwn, truncate } from '../slack/text';
import { formatLocal } from '../slack/time';
import { isApprover } from './approvers';
import { audit } from './audit';
import { getClaim, isDuplicateKey, noteClaim, releaseClaim, tryClaim } from './claims';
import { checkPost } from './post-checks';
import { type PostView, toView } from './post-view';
import { loadGuideline } from './tags';
import { parseWhen, type When } from './when';

export const POST_MESSAGES = {
  usage:
    'Write it as `/smx schedule [to:x,facebook] <when> | <text>`, e.g. `/smx schedule to:x tomorrow 9am | Flu shots are free this week #FluSeason`. Nothing was scheduled.',
  emptyText:
    'The post has no text after `|` — e.g. `/smx schedule tomorrow 9am | Flu shots are free this week #FluSeason`. Nothing was scheduled.',
  unknownTarget: (t: string, known: string) =>
    `I don't know the target '${t}' — use ${known}, e.g. \`to:x,facebook\`. Nothing was scheduled.`,
  targetOff: (label: string) =>
    `${label} isn't set up in smx yet (its credentials are not configured), so I can't publish there. Leave it out, or ask whoever runs smx to connect it. Nothing was scheduled.`,
  noTargets:
    'No publish target is set up in smx (X: TWITTER_*, Facebook: FACEBOOK_PAGE_*), so there is nowhere to publish. Nothing was scheduled.',
  noApprovalsChannel:
    "SMX_APPROVALS_CHANNEL isn't set, so there is nowhere to send posts for approval. Ask whoever runs smx to set it. Nothing was scheduled.",
  tooLong: (errors: string[]) => `${errors.join(' ')} Nothing was scheduled.`,
  notFound: (id: string) =>
    `There is no post '${id}'. \`/smx queue\` lists posts with their ids. Nothing was changed.`,
  notApprover:
    'Only approvers can approve or reject posts (SMX_APPROVERS). Nothing was changed — ask an approver, or whoever runs smx to add you.',
  selfApproval:
    'You wrote this post, so someone else has to approve it (the four-eyes rule). Nothing was changed — ask another approver.',
  blocked:
    'This post fails a check (see the card), so it cannot be approved until it is edited. Nothing was changed.',
  alreadyHandled: (who: string) => `This was already handled by ${who}. Nothing was changed.`,
  outdated: 'This card is out of date: the post was edited since. Use the updated card. Nothing was changed.',
  notAuthorOrApprover: (what: string) =>
    `Only the post's author or an approver can ${what} it. Nothing was changed.`,
  cannotChange: (id: string, status: string, what: string) =>
    `Post ${id} is ${status.replace('_', ' ')}, so it can't be ${what} any more. Nothing was changed.`,
  beingPublished: (id: string) =>
    `Post ${id} is being published right now, so it can't be cancelled. Nothing was changed — check its card in a minute.`,
  scheduled: (id: string, local: string, targets: string, now: boolean) =>
    `:memo: Post *${id}* to ${targets} is waiting for approval; it will go out ${now ? 'as soon as it is approved' : local}. \`/smx cancel ${id}\` withdraws it.`,
} as const;

const ID_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';

function newShortId(prefix = 'P'): string {
  let s = prefix;
  for (let i = 0; i < 5; i++) s += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return s;
}

export function labels(): Record<string, string> {
  return Object.fromEntries(allTargets.map((t) => [t.name, t.label]));
}

/** Resolves `to:` words (or every configured target when absent) to target names; throws a user-facing error. */
export function resolveTargets(ctx: SmxContext, words: string[] | undefined): string[] {
  const enabled = enabledTargets(ctx.config);
  if (!words || words.length === 0) {
    if (enabled.length === 0) throw new SmxError('NOT_CONFIGURED', POST_MESSAGES.noTargets);
    return enabled.map((t) => t.name);
  }
  const out: string[] = [];
  for (const w of words) {
    const t = findTarget(w);
    if (!t) {
      throw new SmxError(
        'BAD_INPUT',
        POST_MESSAGES.unknownTarget(truncate(w, 30), allTargets.map((x) => `\`${x.name}\``).join(' or ')),
      );
    }
    if (!t.enabled(ctx.config)) throw new SmxError('NOT_CONFIGURED', POST_MESSAGES.targetOff(t.label));
    if (!out.includes(t.name)) out.push(t.name);
  }
  return out;
}

export interface ScheduleRequest {
  targets: string[];
  when: When;
  text: string;
}

/** Parses `[to:x,facebook] <when> | <text>`. */
export function parseScheduleArgs(ctx: SmxContext, args: string): ScheduleRequest {
  const bar = args.indexOf('|');
  if (bar < 0) throw new SmxError('BAD_INPUT', POST_MESSAGES.usage);
  let head = args.slice(0, bar).trim();
  const text = args.slice(bar + 1).trim();
  let words: string[] | undefined;
  const to = /^to:\s*(\S+)\s*/i.exec(head);
  if (to?.[1]) {
    words = to[1].split(',').filter((w) => w !== '');
    head = head.slice(to[0].length);
  }
  const targets = resolveTargets(ctx, words);
  const when = parseWhen(head, ctx.now(), ctx.config.timezone, ctx.config.dateOrder);
  if (text === '') throw new SmxError('BAD_INPUT', POST_MESSAGES.emptyText);
  return { targets, when, text };
}

async function runChecks(text: string, targets: string[]) {
  return checkPost(text, targets, await loadGuideline());
}

export async function findPost(shortId: string): Promise<PostView> {
  const doc = await Post.findOne({ shortId: shortId.trim().toUpperCase() });
  if (!doc) throw new SmxError('NOT_FOUND', POST_MESSAGES.notFound(truncate(shortId, 20)));
  return toView(doc);
}

async function reload(id: string): Promise<PostView> {
  const doc = await Post.findById(id);
  if (!doc) throw new SmxError('NOT_FOUND', POST_MESSAGES.notFound(id));
  return toView(doc);
}

/** Re-reads the post after a change and brings its approval card up to date. */
async function reloadAndRefresh(ctx: SmxContext, client: WebClient, id: string): Promise<PostView> {
  const updated = await reload(id);
  await refreshCard(ctx, client, updated);
  return updated;
}

/** Rebuilds the approval card in place from the stored post. */
export async function refreshCard(ctx: SmxContext, client: WebClient, post: PostView): Promise<void> {
  if (!post.cardChannel || !post.cardTs) return;
  const msg = approvalCard(post, { timezone: ctx.config.timezone, labels: labels() });
  await client.chat.update({
    channel: post.cardChannel,
    ts: post.cardTs,
    text: msg.text,
    blocks: msg.blocks,
  });
}

/** Tells a person something by DM (conversations.open + chat.postMessage). */
export async function tellUser(client: WebClient, userId: string, text: string): Promise<void> {
  const open = await client.conversations.open({ users: userId });
  const channel = open.channel?.id;
  if (!channel) return;
  await client.chat.postMessage({ channel, text });
}

export interface CreateInput {
  authorId: string;
  targets: string[];
  when: When;
  text: string;
  originChannel?: string;
  cannedId?: string;
}

export async function createPost(ctx: SmxContext, client: WebClient, input: CreateInput): Promise<PostView> {
  const channel = ctx.config.posts.approvalsChannel;
  if (!channel) throw new SmxError('NOT_CONFIGURED', POST_MESSAGES.noApprovalsChannel);
  const checks = await runChecks(input.text, input.targets);
  const now = ctx.now();
  let doc: InstanceType<typeof Post> | undefined;
  for (let i = 0; i < 5 && !doc; i++) {
    try {
      doc = await Post.create({
        shortId: newShortId(),
        text: input.text,
        targets: input.targets,
        scheduledAt: input.when.now ? now : input.when.at,
        publishNow: input.when.now,
        status: 'pending_approval',
        authorId: input.authorId,
        submittedAt: now,
        checks,
        originChannel: input.originChannel ?? null,
        cannedId: input.cannedId ?? null,
      });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }
  if (!doc)
    throw new SmxError('INTERNAL', 'Could not allocate a post id; nothing was scheduled — try again.');
  let post = toView(doc);
  await audit({
    entity: 'post',
    entityId: post.shortId,
    action: 'create',
    actor: input.authorId,
    at: now,
    after: {
      text: post.text,
      targets: post.targets,
      scheduledAt: post.scheduledAt,
      publishNow: post.publishNow,
      checks,
    },
  });
  const card = approvalCard(post, { timezone: ctx.config.timezone, labels: labels() });
  const res = await client.chat.postMessage({ channel, text: card.text, blocks: card.blocks });
  if (res.ts) {
    await Post.updateOne({ _id: doc._id }, { $set: { cardChannel: res.channel ?? channel, cardTs: res.ts } });
    post = { ...post, cardChannel: res.channel ?? channel, cardTs: res.ts };
  }
  ctx.logger.info({ postId: post.shortId, targets: post.targets }, 'post created');
  return post;
}

export function scheduledConfirmation(ctx: SmxContext, post: PostView): string {
  return POST_MESSAGES.scheduled(
    post.shortId,
    formatLocal(post.scheduledAt, ctx.config.timezone),
    post.targets.map(targetLabel).join(' and '),
    post.publishNow,
  );
}

export type DecisionOutcome = { kind: 'ok'; post: PostView } | { kind: 'denied'; message: string };

function whoHandled(p: PostView): string | undefined {
  const by = p.approvedBy ?? p.rejectedBy ?? p.cancelledBy;
  return by ? `<@${by}>` : undefined;
}

/** Why a click on a card for `revision` cannot act any more, or undefined when it still can. */
function staleReason(p: PostView, revision: number, wanted: readonly string[]): string | undefined {
  if (p.revision !== revision) return POST_MESSAGES.outdated;
  if (!wanted.includes(p.status)) return POST_MESSAGES.alreadyHandled(whoHandled(p) ?? 'someone else');
  return undefined;
}

export async function checkApprover(
  ctx: SmxContext,
  client: WebClient,
  post: PostView,
  userId: string,
  forApproval: boolean,
): Promise<string | undefined> {
  if (!(await isApprover(ctx, client, userId))) return POST_MESSAGES.notApprover;
  if (forApproval && post.authorId === userId && !ctx.config.posts.allowSelfApproval) {
    return POST_MESSAGES.selfApproval;
  }
  return undefined;
}

/** Reads `<shortId>:<revision>` from a button value. */
export function parseCardValue(value: string | undefined): { shortId: string; revision: number } {
  const m = /^([A-Z0-9]{2,12}):(\d+)$/.exec(value ?? '');
  if (!m?.[1] || !m[2]) throw new SmxError('BAD_INPUT', 'This button is damaged; nothing was changed.');
  return { shortId: m[1], revision: Number(m[2]) };
}

async function decide(
  ctx: SmxContext,
  client: WebClient,
  shortId: string,
  revision: number,
  userId: string,
  action: 'approve' | 'reject',
  reason?: string,
): Promise<DecisionOutcome> {
  const post = await findPost(shortId);
  const denied = await checkApprover(ctx, client, post, userId, action === 'approve');
  if (denied) return { kind: 'denied', message: denied };
  const stale = staleReason(post, revision, ['pending_approval']);
  if (stale) return { kind: 'denied', message: stale };
  if (action === 'approve' && post.checks.errors.length > 0)
    return { kind: 'denied', message: POST_MESSAGES.blocked };
  const key = `decide:${post.id}:${revision}`;
  if (!(await tryClaim(key, userId, ctx.now()))) {
    const claim = await getClaim(key);
    return {
      kind: 'denied',
      message: POST_MESSAGES.alreadyHandled(claim ? `<@${claim.owner}>` : 'someone else'),
    };
  }
  const now = ctx.now();
  const set =
    action === 'approve'
      ? { status: 'approved', approvedBy: userId, approvedAt: now }
      : { status: 'rejected', rejectedBy: userId, rejectedAt: now, rejectReason: reason ?? null };
  await Post.updateOne({ _id: post.id, revision, status: 'pending_approval' }, { $set: set });
  await audit({
    entity: 'post',
    entityId: post.shortId,
    action,
    actor: userId,
    at: now,
    before: { status: post.status, revision },
    after: set,
  });
  const updated = await reloadAndRefresh(ctx, client, post.id);
  const local = formatLocal(updated.scheduledAt, ctx.config.timezone);
  await tellUser(
    client,
    updated.authorId,
    action === 'approve'
      ? `:white_check_mark: <@${userId}> approved your post *${updated.shortId}*; it will go out ${updated.publishNow ? 'within a minute' : local}.`
      : `:x: <@${userId}> rejected your post *${updated.shortId}*${reason ? `: “${escapeMrkdwn(truncate(reason, 500))}”` : '.'} You can schedule a new version with \`/smx schedule\`.`,
  );
  ctx.logger.info({ postId: updated.shortId, action, by: userId }, 'post decided');
  return { kind: 'ok', post: updated };
}

export const approvePost = (
  ctx: SmxContext,
  client: WebClient,
  shortId: string,
  revision: number,
  userId: string,
) => decide(ctx, client, shortId, revision, userId, 'approve');

export const rejectPost = (
  ctx: SmxContext,
  client: WebClient,
  shortId: string,
  revision: number,
  userId: string,
  reason: string,
) => decide(ctx, client, shortId, revision, userId, 'reject', reason);

/** Pre-checks a Reject click before the reason modal opens, so non-approvers get told at once. */
export async function canReject(
  ctx: SmxContext,
  client: WebClient,
  shortId: string,
  revision: number,
  userId: string,
): Promise<string | undefined> {
  const post = await findPost(shortId);
  return (
    (await checkApprover(ctx, client, post, userId, false)) ??
    staleReason(post, revision, ['pending_approval'])
  );
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
  const post = await findPost(shortId);
  if (!(await authorOrApprover(ctx, client, post, userId))) {
    throw new SmxError('NOT_ALLOWED', POST_MESSAGES.notAuthorOrApprover(what));
  }
  return post;
}

const EDITABLE = ['pending_approval', 'approved'] as const;

export async function canEdit(
  ctx: SmxContext,
  client: WebClient,
  shortId: string,
  revision: number,
  userId: string,
): Promise<{ post: PostView; denied?: string }> {
  const post = await findPost(shortId);
  if (!(await authorOrApprover(ctx, client, post, userId))) {
    return { post, denied: POST_MESSAGES.notAuthorOrApprover('edit') };
  }
  return { post, denied: staleReason(post, revision, EDITABLE) };
}

export type EditOutcome = DecisionOutcome | { kind: 'invalid'; message: string };

/** Saves new text: bumps the revision, clears any approval, re-runs the checks. Hard check failures are refused. */
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
  const checks = await runChecks(trimmed, post.targets);
  if (checks.errors.length > 0) return { kind: 'invalid', message: checks.errors.join(' ') };
  if (!(await tryClaim(`edit:${post.id}:${revision}`, userId, ctx.now()))) {
    return { kind: 'denied', message: POST_MESSAGES.outdated };
  }
  const now = ctx.now();
  const set = {
    text: trimmed,
    revision: revision + 1,
    status: 'pending_approval',
    approvedBy: null,
    approvedAt: null,
    checks,
  };
  await Post.updateOne({ _id: post.id, revision, status: { $in: EDITABLE } }, { $set: set });
  await audit({
    entity: 'post',
    entityId: post.shortId,
    action: 'edit',
    actor: userId,
    at: now,
    before: { text: post.text, revision, status: post.status, approvedBy: post.approvedBy },
    after: { text: trimmed, revision: revision + 1, status: 'pending_approval', checks },
  });
  const updated = await reloadAndRefresh(ctx, client, post.id);
  if (updated.authorId !== userId) {
    await tellUser(
      client,
      updated.authorId,
      `:pencil2: <@${userId}> edited your post *${updated.shortId}*${post.status === 'approved' ? '; its approval was cleared and it needs approving again' : ''}.`,
    );
  }
  return { kind: 'ok', post: updated };
}

/** The exactly-once key of one (post, target) publish; shared by the publisher and cancel. */
export const publishKey = (postId: string, target: string) => `publish:${postId}:${target}`;

/** What a cancel leaves on a publish claim: the publisher skips such a target. */
export const CANCELLED_NOTE = JSON.stringify({ status: 'cancelled' });

/**
 * A cancel takes the publish claims of every target not yet published, so a publisher can never start afterwards
 * (a status update alone could race the publisher on FerretDB). If a publisher holds one and is mid-call, the
 * cancel is refused and the claims it took are given back.
 */
async function fencePublisher(ctx: SmxContext, post: PostView, userId: string): Promise<void> {
  const owner = `cancel:${userId}`;
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
}

const CANCELLABLE = ['pending_approval', 'approved', 'failed', 'needs_check'] as PostView['status'][];

export async function cancelPost(
  ctx: SmxContext,
  client: WebClient,
  shortId: string,
  userId: string,
): Promise<PostView> {
  const post = await findPostAsAuthorOrApprover(ctx, client, shortId, userId, 'cancel');
  if (!CANCELLABLE.includes(post.status)) {
    throw new SmxError('CONFLICT', POST_MESSAGES.cannotChange(post.shortId, post.status, 'cancelled'));
  }
  await fencePublisher(ctx, post, userId);
  const now = ctx.now();
  // The fence holds every target without an outcome, so a post a publisher marked 'publishing' can be cancelled too.
  const res = await Post.updateOne(
    { _id: post.id, status: { $in: [...CANCELLABLE, 'publishing'] } },
    { $set: { status: 'cancelled', cancelledBy: userId, cancelledAt: now } },
  );
  if (res.modifiedCount === 0) {
    const current = await reload(post.id);
    throw new SmxError('CONFLICT', POST_MESSAGES.cannotChange(current.shortId, current.status, 'cancelled'));
  }
  await audit({
    entity: 'post',
    entityId: post.shortId,
    action: 'cancel',
    actor: userId,
    at: now,
    before: { status: post.status },
    after: { status: 'cancelled' },
  });
  const updated = await reloadAndRefresh(ctx, client, post.id);
  if (updated.authorId !== userId) {
    await tellUser(
      client,
      updated.authorId,
      `:no_entry_sign: <@${userId}> cancelled your post *${updated.shortId}*.`,
    );
  }
  return updated;
}

export async function reschedulePost(
  ctx: SmxContext,
  client: WebClient,
  shortId: string,
  whenText: string,
  userId: string,
): Promise<PostView> {
  const post = await findPostAsAuthorOrApprover(ctx, client, shortId, userId, 'reschedule');
  if (!['pending_approval', 'approved'].includes(post.status)) {
    throw new SmxError('CONFLICT', POST_MESSAGES.cannotChange(post.shortId, post.status, 'rescheduled'));
  }
  const when = parseWhen(whenText, ctx.now(), ctx.config.timezone, ctx.config.dateOrder);
  const now = ctx.now();
  const set = { scheduledAt: when.now ? now : when.at, publishNow: when.now };
  await Post.updateOne({ _id: post.id }, { $set: set });
  await audit({
    entity: 'post',
    entityId: post.shortId,
    action: 'reschedule',
    actor: userId,
    at: now,
    before: { scheduledAt: post.scheduledAt, publishNow: post.publishNow },
    after: set,
  });
  const updated = await reloadAndRefresh(ctx, client, post.id);
  return updated;
}

export const QUEUE_STATUSES = [
  'pending_approval',
  'approved',
  'publishing',
  'failed',
  'needs_check',
] as const;

export async function queue(limit = 40): Promise<PostView[]> {
  const docs = await Post.find({ status: { $in: QUEUE_STATUSES } })
    .sort({ scheduledAt: 1 })
    .limit(limit);
  return docs.map(toView);
}
