/** An ordinary post: our own text to X and/or Facebook, length and #tag checks, links previewed on the card. */
import { findTarget } from '../../adapters/targets';
import { checkPost } from '../post-checks';
import type { PostKind } from './types';

export const postKindPost: PostKind = {
  name: 'post',
  noun: 'Post',
  shortIdPrefix: 'P',
  doneWord: 'Published',
  editable: true,
  previewsLinks: true,
  countsTowardCadence: true,
  phiMode: 'post',
  phiText: (p) => p.text,
  check: checkPost,
  showsText: true,
  target: (name) => findTarget(name, 'post'),
  publishInput: () => ({}),
};
