/**
 * X: a mention is answered with `POST /2/tweets {text, reply: {in_reply_to_tweet_id}}` (twitter-api-v2 `v2.reply`),
 * at most 280 weighted characters (twitter-text).
 */
import twitterText from 'twitter-text';
import { PublishError } from '../targets/base';
import { sortXError } from '../targets/x';
import { xClient } from '../x-client';
import type { ReplyTarget } from './types';

export const xReply: ReplyTarget = {
  name: 'x-reply',
  label: 'X',
  aliases: [],
  enabled: (config) => config.twitter !== undefined,
  answers: (review) => review.source === 'x' && /^\d{1,19}$/.test(review.externalId),
  check(text) {
    const parsed = twitterText.parseTweet(text);
    return parsed.valid || parsed.weightedLength === 0
      ? []
      : [
          `X allows 280 weighted characters (links count 23, emoji double); this reply has ${parsed.weightedLength}.`,
        ];
  },
  async publish(input, config, { timeoutMs }) {
    const cfg = config.twitter;
    const review = input.replyTo;
    if (!cfg) throw new PublishError('permanent', 'X is not configured (TWITTER_* variables)');
    if (!review) throw new PublishError('permanent', 'an X reply needs the post it answers');
    try {
      const res = await xClient(cfg, { timeoutMs }).v2.reply(input.text, review.externalId);
      const id = res.data?.id;
      if (!id) throw new PublishError('unknown', 'X answered without a post id');
      return { externalId: id, url: `https://x.com/i/web/status/${id}` };
    } catch (err) {
      if (err instanceof PublishError) throw err;
      throw sortXError(err);
    }
  },
};
