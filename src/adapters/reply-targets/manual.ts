/**
 * Reviews no API can answer (imports from review sites, webhook feedback, Facebook recommendations): after approval
 * the card shows the text to copy and a link to the review; a person posts it there and clicks Mark as replied.
 * The publisher never calls it.
 */
import { PublishError } from '../targets/base';
import type { ReplyTarget } from './types';

export const manualReply: ReplyTarget = {
  name: 'copy',
  label: 'Copy reply',
  aliases: [],
  manual: true,
  manualHint:
    'This site has no API: copy the text from its card, post it under the review, then press *Mark as replied* on the card.',
  enabled: () => true,
  answers: () => true,
  check: () => [],
  async publish() {
    throw new PublishError('permanent', 'this reply is posted by a person (Copy reply), not by smx');
  },
};
