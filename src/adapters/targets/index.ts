/** Every publish target. Adding one = one file in this folder + one line here. */
import type { Config } from '../../config';
import { facebookTarget } from './facebook';
import type { PublishTarget } from './types';
import { xTarget } from './x';
import { youtubeTarget } from './youtube';

export const targets: readonly PublishTarget[] = [xTarget, facebookTarget, youtubeTarget];

/** Does `t` publish posts of `kind`? */
export function takes(t: PublishTarget, kind: string): boolean {
  return (t.kinds ?? ['post']).includes(kind);
}

/** A target for posts of `kind` (default: ordinary posts) by name or alias. */
export function findTarget(word: string, kind = 'post'): PublishTarget | undefined {
  const w = word.trim().toLowerCase();
  return targets.find((t) => takes(t, kind) && (t.name === w || t.aliases.includes(w)));
}

/** Connected targets for posts of `kind` (default: ordinary posts). */
export function enabledTargets(config: Config, kind = 'post'): PublishTarget[] {
  return targets.filter((t) => takes(t, kind) && t.enabled(config));
}

export function targetLabel(name: string): string {
  return targets.find((t) => t.name === name)?.label ?? name;
}

export type { PublishTarget } from './types';
