/**
 * Replies to reviews. A reply is a post of kind 'reply' (models/post.ts): it goes through the same approval card,
 * rules (approvers, four-eyes, PHI guard) and publisher claim-before-call as a post, with one reply target
 * (src/adapters/reply-targets/). This module holds what is particular to replies: the review behind the modal, the
 * draft, and the review's `replied` status once the answer is out.
 */
import { randomBytes } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import { isValidObjectId } from 'mongoose';
import { ReplyOrigin } from '../../models/reply-origin';
import { Review } from '../../models/review';
import { replyTargetFor } from '../adapters/reply-targets';
import type { SmxContext } from '../context';
import { SmxError } from '../errors';
import { type DigestItem, REVIEW_ITEM_ID, replaceItemBlocks } from '../slack/blocks/digest';
import { truncate } from '../slack/text';
import { histories, history } from './audit';
import type { PostView } from './post-view';
import { createPost } from './posts';
import { fillTemplate, listTemplates, type ReplyTemplateView } from './reply-templates';
import { performReviewAction } from './review-actions';

export const REPLY_MESSAGES = {
  usage:
    'Say which review, e.g. `/smx reply 6750c3f1a2b4c5d6e7f80912` — the id is on the review’s card (`/smx reviews`), or use its *Draft reply* button.',
  notFound:
    "I can't find that review (the id may be mistyped, or it was removed). Nothing was changed; `/smx reviews` lists the current ones with their *Draft reply* buttons.",
  emptyText: 'Write the reply, or pick a template. Nothing was sent for approval.',
  noApprovals:
    "SMX_APPROVALS_CHANNEL isn't set, so there is nowhere to send replies for approval. Ask whoever runs smx to set it. Nothing was drafted.",
  alreadyReplied: (who: string) => `This review was already answered by <@${who}>. Nothing was drafted.`,
  drafted: (id: string, label: string, blocked: boolean, findings: string[]) =>
    blocked
      ? `:no_entry: Reply *${id}* is waiting for approval, but the PHI guard blocks it:\n${findings.map((f) => `• ${f}`).join('\n')}\nUse *Edit* on its card in the approvals channel to take them out (an approver can override with a reason).`
      : `:memo: Reply *${id}* (${label}) is waiting for approval in the approvals channel; it is posted once approved. \`/smx cancel ${id}\` withdraws it.`,
} as const;

export interface ReplyReview {
  id: string;
  source: string;
  externalId: string;
  facility: string | null;
  rating: number | null;
  text: string;
  authorName: string | null;
  url: string | null;
  sentiment: string;
  status: string;
  repliedBy: string | null;
}

export async function loadReplyReview(reviewId: string): Promise<ReplyReview> {
  const id = reviewId.trim();
  const r = isValidObjectId(id) && /^[0-9a-f]{24}$/i.test(id) ? await Review.findById(id).lean() : null;
  if (!r) throw new SmxError('NOT_FOUND', REPLY_MESSAGES.notFound);
  return {
    id: String(r._id),
    source: r.source,
    externalId: r.externalId,
    facility: r.facility ?? null,
    rating: r.rating ?? null,
    text: r.text ?? '',
    authorName: r.authorName ?? null,
    url: r.url ?? null,
    sentiment: r.sentiment,
    status: r.status ?? 'new',
    repliedBy: r.repliedBy ?? null,
  };
}

export interface ReplyModalData {
  review: ReplyReview;
  templates: ReplyTemplateView[];
  targetLabel: string;
  manual: boolean;
  showNames: boolean;
  originId: string | null;
}

/** What the reply modal shows: the review (full text, for the person answering), templates, where it will go. */
export async function replyModalData(
  ctx: SmxContext,
  reviewId: string,
  origin?: { channel: string; ts: string; text: string; blocks: unknown[] },
): Promise<ReplyModalData> {
  const review = await loadReplyReview(reviewId);
  if (review.status === 'replied' && review.repliedBy)
    throw new SmxError('CONFLICT', REPLY_MESSAGES.alreadyReplied(review.repliedBy));
  const contact = ctx.config.replies.patientRelationsContact;
  const templates = (await listTemplates(review.sentiment)).map((t) => ({
    ...t,
    text: fillTemplate(t.text, contact),
  }));
  const target = replyTargetFor(review, ctx.config);
  let originId: string | null = null;
  if (origin) {
    originId = randomBytes(9).toString('hex');
    await ReplyOrigin.create({
      _id: originId,
      channel: origin.channel,
      ts: origin.ts,
      text: origin.text,
      blocks: JSON.stringify(origin.blocks),
      createdAt: ctx.now(),
    });
  }
  return {
    review,
    templates,
    targetLabel: target.label,
    manual: target.manual === true,
    showNames: ctx.config.digest.showNames,
    originId,
  };
}

export interface ReplyDraft {
  reviewId: string;
  originId: string | null;
  text: string;
  templateName?: string | null;
  authorId: string;
}

/** The modal's text, or the picked template's when nothing was typed. */
export async function draftText(ctx: SmxContext, d: ReplyDraft): Promise<string> {
  const typed = d.text.trim();
  if (typed !== '') return typed;
  if (d.templateName) {
    const t = (await listTemplates()).find((x) => x.name === d.templateName);
    if (t) return fillTemplate(t.text, ctx.config.replies.patientRelationsContact);
  }
  return '';
}

/** Creates the reply (a post of kind 'reply') and its approval card; returns it with the author's confirmation. */
export async function createReply(
  ctx: SmxContext,
  client: WebClient,
  d: ReplyDraft,
): Promise<{ post: PostView; message: string }> {
  if (!ctx.config.posts.approvalsChannel) throw new SmxError('NOT_CONFIGURED', REPLY_MESSAGES.noApprovals);
  const review = await loadReplyReview(d.reviewId);
  if (review.status === 'replied' && review.repliedBy)
    throw new SmxError('CONFLICT', REPLY_MESSAGES.alreadyReplied(review.repliedBy));
  const text = await draftText(ctx, d);
  if (text === '') throw new SmxError('BAD_INPUT', REPLY_MESSAGES.emptyText);
  const target = replyTargetFor(review, ctx.config);
  const origin = d.originId ? await ReplyOrigin.findById(d.originId).lean() : null;
  const post = await createPost(ctx, client, {
    authorId: d.authorId,
    targets: [target.name],
    when: { now: true, at: ctx.now() },
    text,
    reply: {
      reviewId: review.id,
      source: review.source,
      externalId: review.externalId,
      facility: review.facility,
      url: review.url,
      originChannel: origin?.channel ?? null,
      originTs: origin?.ts ?? null,
      originBlocks: origin?.blocks ?? null,
    },
  });
  const findings = (post.phi?.findings ?? []).map((f) => `“${f.match}” — ${f.why}`);
  return {
    post,
    message: REPLY_MESSAGES.drafted(post.shortId, target.label, findings.length > 0, findings),
  };
}

/**
 * The reply is out (posted by smx, or copied by a person who marked it): the review becomes `replied` — by the
 * reply's author, or by whoever marked a copied reply — and the message the Draft reply click came from is redrawn.
 * Never throws for a Slack failure: the reply itself is done and recorded.
 */
export async function reviewReplied(
  ctx: SmxContext,
  client: WebClient | undefined,
  post: PostView,
  markedBy?: string,
): Promise<void> {
  if (!post.reply) return;
  const by = markedBy ?? post.authorId;
  await performReviewAction(ctx, post.reply.reviewId, 'reply', by, `reply ${post.shortId}`);
  if (!client || !post.reply.originChannel || !post.reply.originTs || !post.reply.originBlocks) return;
  try {
    await redrawOrigin(ctx, client, post.reply.originChannel, post.reply.originTs, post.reply.originBlocks);
  } catch (err) {
    ctx.logger.warn({ err, postId: post.shortId }, 'could not redraw the review card after the reply');
  }
}

/** Every review item in the stored message is redrawn from the database (other clicks may have changed them). */
async function redrawOrigin(ctx: SmxContext, client: WebClient, channel: string, ts: string, raw: string) {
  let blocks = JSON.parse(raw) as unknown[];
  const ids = new Set<string>();
  for (const b of blocks) {
    const m = REVIEW_ITEM_ID.exec(String((b as { block_id?: unknown }).block_id ?? ''));
    if (m?.[1]) ids.add(m[1]);
  }
  const reviews = await Review.find({ _id: { $in: [...ids] } }).lean();
  const opts = { timezone: ctx.config.timezone, showNames: ctx.config.digest.showNames };
  for (const r of reviews) blocks = replaceItemBlocks(blocks, r as unknown as DigestItem, opts) ?? blocks;
  await client.chat.update({ channel, ts, text: 'Reviews', blocks: blocks as never });
}

/** `/smx audit <review id>`: the review's own history and that of every reply drafted for it, oldest first. */
export async function reviewHistory(reviewId: string) {
  const review = await loadReplyReview(reviewId);
  // Its replies from its own history (every reply drafted is recorded on the review), not a scan of the posts.
  const own = await history('review', review.id);
  const replies = [
    ...new Set(
      own
        .filter((r) => r.action === 'reply_drafted')
        .map((r) => (r.after as { reply?: unknown } | undefined)?.reply)
        .filter((s): s is string => typeof s === 'string'),
    ),
  ];
  const rows = await histories([
    { entity: 'review', entityId: review.id },
    ...replies.map((shortId) => ({ entity: 'post', entityId: shortId })),
  ]);
  return { review, rows, replies };
}

export const reviewLabel = (r: ReplyReview) => truncate(r.text.replace(/\s+/g, ' '), 80);
