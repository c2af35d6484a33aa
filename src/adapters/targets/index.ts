/** Every publish target. Adding one = one file in this folder + one line here. */
import type { Config } from '../../config';
import { facebookTarget } from './facebook';
import type { PublishTarget } from './types';
import { xTarget } from './x';

export const targets: readonly PublishTarget[] = [xTarget, facebookTarget];

export function findTarget(word: string): PublishTarget | undefined {
  const w = word.trim().toLowerCase();
  return targets.find((t) => t.name === w || t.aliases.includes(w));
}

export function enabledTargets(config: Config): PublishTarget[] {
  return targets.filter((t) => t.enabled(config));
}

export function targetLabel(name: string): string {
  return targets.find((t) => t.name === name)?.label ?? name;
}

export type { PublishTarget } from './types';
