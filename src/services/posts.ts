/**
 * The life of a post: create → (edit) → approve | reject | cancel → (reschedule) → publish (publisher.ts).
 * Creating, reading and showing posts live here; every decision on a post is in post-decisions.ts and goes through
 * the single-winner decisions service (decisions.ts).
 */
import { randomInt } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import { Post, type PostKindName } from '../../models/post';
import { targets as allTargets, enabledTargets, findTarget, targetLabel } from '../adapters/targets';
import type { SmxContext } from '../context';
import { SmxError } from '../errors';
import { approvalCard, type CardOptions } from '../slack/blocks/approval-card';
import { channelProblem, slackErrorCode, withSlackRetry } from '../slack/calls';
import { truncate } from '../slack/text';
import { formatLocal } from '../slack/time';
import { audit } from './audit';
import { isDuplicateKey } from './claims';
import { linkPreviews } from './link-previews';
import { deskPosts, findPostDoc } from './post-desk';
import { postKind } from './post-kinds';
import { POST_MESSAGES } from './post-messages';
import { replyCardContext, runPhi } from './post-phi';
import { type PostView, toView } from './post-view';
import { loadGuideline } from './tags';
import { parseWhen, type When } from './when';

export { POST_MESSAGES };

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

/** The checks of a post's kind (post-kinds/): a post's length and #tag checks, a reply's API limits, a repost's none… */
export async function runChecks(text: string, targets: string[], kind?: string) {
  return postKind(kind).check(text, targets, await loadGuideline());
}

/** What the approval card needs besides the post: for a reply, the review it answers. */
export async function cardOptions(ctx: SmxContext, post: PostView): Promise<CardOptions> {
  return { timezone: ctx.config.timezone, labels: labels(), ...(await replyCardContext(ctx, post)) };
}

/** The post with this short id, by `_id` lookups only (services/post-desk.ts); NOT_FOUND when there is none. */
export async function findPost(shortId: string, now: Date = new Date()): Promise<PostView> {
  const doc = await findPostDoc(shortId, now);
  if (!doc) throw new SmxError('NOT_FOUND', POST_MESSAGES.notFound(truncate(shortId, 20)));
  return toView(doc);
}

export async function reload(id: string): Promise<PostView> {
  const doc = await Post.findById(id);
  if (!doc) throw new SmxError('NOT_FOUND', POST_MESSAGES.notFound(id));
  return toView(doc);
}

/** Rebuilds the approval card in place from the stored post. */
export async function refreshCard(ctx: SmxContext, client: WebClient, post: PostView): Promise<void> {
  if (!post.cardChannel || !post.cardTs) return;
  const msg = approvalCard(post, await cardOptions(ctx, post));
  const { cardChannel: channel, cardTs: ts } = post;
  await withSlackRetry(() => client.chat.update({ channel, ts, text: msg.text, blocks: msg.blocks }));
}

/** Tells a person something by DM (conversations.open + chat.postMessage). */
export async function tellUser(client: WebClient, userId: string, text: string): Promise<void> {
  const open = await withSlackRetry(() => client.conversations.open({ users: userId }));
  const channel = open.channel?.id;
  if (!channel) return;
  await withSlackRetry(() => client.chat.postMessage({ channel, text }));
}

export interface CreateInput {
  authorId: string;
  targets: string[];
  when: When;
  text: string;
  originChannel?: string;
  cannedId?: string;
  /** Default `post`; see post-kinds/. */
  kind?: PostKindName;
  /** Kind-specific data (post-kinds/): a repost's original post, a video fix's video. */
  details?: Record<string, unknown>;
  /** For a reply (src/services/replies.ts): the review it answers. */
  reply?: NonNullable<PostView['reply']>;
}

/**
 * Stores the draft and posts its approval card. A draft whose card cannot be posted is removed again, so nothing is
 * left behind that nobody can approve; the author is told why and what to do.
 */
export async function createPost(ctx: SmxContext, client: WebClient, input: CreateInput): Promise<PostView> {
  const channel = ctx.config.posts.approvalsChannel;
  if (!channel) throw new SmxError('NOT_CONFIGURED', POST_MESSAGES.noApprovalsChannel);
  const kind = postKind(input.kind ?? (input.reply ? 'reply' : 'post'));
  const [checks, phi, previews] = await Promise.all([
    runChecks(input.text, input.targets, kind.name),
    runPhi(ctx, { text: input.text, kind: kind.name, details: input.details }, input.reply?.reviewId),
    kind.previewsLinks ? linkPreviews(ctx, input.text) : Promise.resolve([]),
  ]);
  const now = ctx.now();
  let doc: InstanceType<typeof Post> | undefined;
  for (let i = 0; i < 5 && !doc; i++) {
    try {
      doc = await Post.create({
        shortId: newShortId(kind.shortIdPrefix),
        kind: kind.name,
        reply: input.reply ?? null,
        phi,
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
        details: input.details ?? null,
        previews,
      });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }
  if (!doc)
    throw new SmxError('INTERNAL', 'Could not allocate a post id; nothing was scheduled — try again.');
  let post = toView(doc);
  const card = approvalCard(post, await cardOptions(ctx, post));
  let res: Awaited<ReturnType<WebClient['chat']['postMessage']>>;
  try {
    res = await withSlackRetry(() =>
      client.chat.postMessage({ channel, text: card.text, blocks: card.blocks }),
    );
  } catch (err) {
    const problem = channelProblem(slackErrorCode(err), channel);
    ctx.logger.warn({ err, postId: post.shortId, channel }, 'approval card could not be posted');
    const removed = await Post.deleteOne({ _id: doc._id })
      .then((r) => r.deletedCount === 1)
      .catch(() => false);
    if (removed) throw new SmxError('UPSTREAM', POST_MESSAGES.noCard(problem), { cause: err });
    throw new SmxError('UPSTREAM', POST_MESSAGES.savedWithoutCard(post.shortId, problem), { cause: err });
  }
  const cardChannel = res.channel ?? channel;
  if (res.ts) {
    await Post.updateOne({ _id: doc._id }, { $set: { cardChannel, cardTs: res.ts } });
    post = { ...post, cardChannel, cardTs: res.ts };
  }
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
      phi: phi.findings,
      ...(post.reply ? { reviewId: post.reply.reviewId } : {}),
    },
  });
  if (post.reply) {
    await audit({
      entity: 'review',
      entityId: post.reply.reviewId,
      action: 'reply_drafted',
      actor: input.authorId,
      at: now,
      after: { reply: post.shortId, phiFindings: phi.findings.length },
    });
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

/** Reads `<shortId>:<revision>` from a button value. */
export function parseCardValue(value: string | undefined): { shortId: string; revision: number } {
  const m = /^([A-Z0-9]{2,12}):(\d+)$/.exec(value ?? '');
  if (!m?.[1] || !m[2]) throw new SmxError('BAD_INPUT', 'This button is damaged; nothing was changed.');
  return { shortId: m[1], revision: Number(m[2]) };
}

/** The exactly-once key of one (post, target) publish; shared by the publisher and cancel. */
export const publishKey = (postId: string, target: string) => `publish:${postId}:${target}`;

/** What a cancel leaves on a publish claim: the publisher skips such a target. */
export const CANCELLED_NOTE = JSON.stringify({ status: 'cancelled' });

export const QUEUE_STATUSES = [
  'pending_approval',
  'approved',
  'publishing',
  'failed',
  'needs_check',
] as const;

/** Posts not yet final, soonest first: from the posts desk (every such post is on it), not the archive. */
export async function queue(now: Date, limit = 40): Promise<PostView[]> {
  const docs = await deskPosts(now, { status: { $in: QUEUE_STATUSES } }, { sort: { scheduledAt: 1 }, limit });
  return docs.map(toView);
}
