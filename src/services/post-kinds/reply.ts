/**
 * A reply to a review (services/replies.ts): one reply target (adapters/reply-targets/), only that API's limits
 * (no cadence tags on an answer to a patient), the PHI guard also against the reviewer's name, the review quoted on
 * the card; once out, the review is marked replied. It is not a post toward the cadence.
 */
import { findReplyTarget } from '../../adapters/reply-targets';
import type { CardOptions } from '../../slack/blocks/approval-card';
import { escapeMrkdwn, truncate } from '../../slack/text';
import { reviewReplied } from '../replies';
import type { PostKind } from './types';

const REVIEW_SOURCE_LABELS: Record<string, string> = {
  google: 'Google',
  facebook: 'Facebook',
  x: 'X',
  feedback: 'feedback',
};

/** The review a reply answers, as the card quotes it (text already masked for the channel). */
export function reviewQuote(o: CardOptions): string {
  const r = o.review;
  if (!r) return '*Replying to a review* (no longer stored in smx)';
  const stars = r.rating ? ` ${'★'.repeat(r.rating)}${'☆'.repeat(5 - r.rating)}` : '';
  const link =
    r.url && /^https?:\/\//.test(r.url)
      ? ` · <${r.url.replace(/[|<>\s]/g, encodeURIComponent)}|open the review>`
      : '';
  const source = REVIEW_SOURCE_LABELS[r.source] ?? escapeMrkdwn(r.source);
  const excerpt =
    r.excerpt.trim() === ''
      ? '_(no text)_'
      : `>${escapeMrkdwn(truncate(r.excerpt.replace(/\s+/g, ' '), 600))}`;
  return `*Replying to a ${source} review*${stars}${link}\n${excerpt}`;
}

export const postKindReply: PostKind = {
  name: 'reply',
  noun: 'Reply',
  shortIdPrefix: 'R',
  doneWord: 'Replied',
  editable: true,
  previewsLinks: false,
  countsTowardCadence: false,
  phiMode: 'reply',
  phiText: (p) => p.text,
  check(text, targets) {
    const errors = targets.flatMap((t) => findReplyTarget(t)?.check(text) ?? []);
    return { errors, warnings: [], passed: errors.length === 0 ? ['Fits the reply limits'] : [] };
  },
  cardIntro: (_p, o) => reviewQuote(o),
  showsText: true,
  target: findReplyTarget,
  publishInput: (p) =>
    p.reply
      ? {
          replyTo: {
            source: p.reply.source,
            externalId: p.reply.externalId,
            facility: p.reply.facility,
            url: p.reply.url,
          },
        }
      : {},
  afterPublish: (ctx, client, p, markedBy) => reviewReplied(ctx, client, p, markedBy),
};
