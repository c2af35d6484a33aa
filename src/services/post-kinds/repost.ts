/**
 * A repost (retweet) of an X post (services/repost.ts): the original is shared as it is, so no length or #tag checks
 * apply and the text cannot be edited; the PHI guard reads the original; the card quotes it; X's target sends
 * `POST /2/users/{id}/retweets` once. It counts toward X's cadence like any post.
 */
import { findTarget } from '../../adapters/targets';
import { blockQuote, escapeMrkdwn, fitShown, linkOutside } from '../../slack/text';
import type { PostKind } from './types';

const str = (d: Record<string, unknown> | null | undefined, k: string) =>
  typeof d?.[k] === 'string' ? (d[k] as string) : '';

export const postKindRepost: PostKind = {
  name: 'repost',
  noun: 'Repost',
  shortIdPrefix: 'P',
  doneWord: 'Reposted',
  editable: false,
  previewsLinks: false,
  countsTowardCadence: true,
  phiMode: 'post',
  phiText: (p) => str(p.details, 'text'),
  check: () => ({
    errors: [],
    warnings: [],
    passed: ['A repost shares the original post as it is: no length or #tag checks apply'],
  }),
  cardIntro(p) {
    const who = str(p.details, 'author') ? `@${escapeMrkdwn(str(p.details, 'author'))}` : 'a post';
    const quoted = fitShown(str(p.details, 'text'), 2000, blockQuote).text;
    return `:repeat: *Repost* of ${who}'s ${linkOutside(str(p.details, 'url'), 'post')} — shared as it is:\n${quoted}`;
  },
  showsText: false,
  target: (name) => findTarget(name, 'repost'),
  publishInput: (p) => ({ kind: 'repost', details: p.details ?? null }),
};
