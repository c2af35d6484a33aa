/** Every review source. Adding one = one file implementing ReviewSource + one line here. */
import { facebook } from './facebook';
import { flickr } from './flickr';
import { google } from './google';
import type { ReviewSource } from './types';
import { x } from './x';
import { youtube } from './youtube';

export const reviewSources: readonly ReviewSource[] = [google, facebook, x, youtube, flickr];

/** Names an import or the webhook may not use: they belong to a source with an API (its ids would collide). */
export function isApiSourceName(name: string): boolean {
  return reviewSources.some((s) => s.name === name);
}
