/**
 * Checks run on a draft before approval and shown on its card. Length limits are hard (approval is blocked); the
 * #tag guideline only warns — approvers decide.
 */
import { parseTweet } from 'twitter-text';
import type { Guideline } from './tags';

export const X_MAX_WEIGHTED = 280;
export const FACEBOOK_MAX_CHARS = 63_206;

export interface CheckResult {
  /** Hard failures: the post cannot be approved until edited. */
  errors: string[];
  /** Advice, e.g. missing tags. */
  warnings: string[];
  /** What passed, for the card ("X length 52/280"). */
  passed: string[];
}

/** Tags in a text, without '#', lower-cased for comparison. */
export function tagsIn(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(/(?:^|[^\p{L}\p{N}_&])#([\p{L}\p{N}_]+)/gu)) {
    if (m[1]) out.add(m[1].toLowerCase());
  }
  return out;
}

export function checkPost(text: string, targets: readonly string[], guideline: Guideline): CheckResult {
  const result: CheckResult = { errors: [], warnings: [], passed: [] };
  if (targets.includes('x')) {
    const { weightedLength } = parseTweet(text);
    if (weightedLength > X_MAX_WEIGHTED) {
      result.errors.push(
        `Too long for X: ${weightedLength}/${X_MAX_WEIGHTED} (links count 23, emoji and CJK count double) — shorten it by ${weightedLength - X_MAX_WEIGHTED}.`,
      );
    } else {
      result.passed.push(`X length ${weightedLength}/${X_MAX_WEIGHTED}`);
    }
  }
  if (targets.includes('facebook')) {
    const length = Array.from(text).length;
    if (length > FACEBOOK_MAX_CHARS) {
      result.errors.push(
        `Too long for Facebook: ${length}/${FACEBOOK_MAX_CHARS} characters — shorten it by ${length - FACEBOOK_MAX_CHARS}.`,
      );
    } else {
      result.passed.push(`Facebook length ${length}/${FACEBOOK_MAX_CHARS}`);
    }
  }
  const missing = missingTags(text, tagsIn(text), guideline);
  if (missing.required.length > 0) {
    result.warnings.push(
      `Missing required tag${missing.required.length === 1 ? '' : 's'}: add ${missing.required.map((t) => `#${t}`).join(' ')}`,
    );
  }
  for (const { topic, tags } of missing.topics) {
    result.warnings.push(`Mentions '${topic}': add ${tags.map((t) => `#${t}`).join(' ')}`);
  }
  if (result.warnings.length === 0 && (guideline.required.length > 0 || guideline.topics.length > 0)) {
    result.passed.push('Tags follow the guideline');
  }
  return result;
}

export interface MissingTags {
  required: string[];
  /** Topics the text mentions whose tags are not all present. */
  topics: Array<{ topic: string; tags: string[] }>;
}

/** Which guideline tags `text` lacks, given the tags it has (`present`, lower-case, without '#'). */
export function missingTags(text: string, present: Set<string>, guideline: Guideline): MissingTags {
  const lower = text.toLowerCase();
  const required = guideline.required.filter((t) => !present.has(t.toLowerCase()));
  const topics: MissingTags['topics'] = [];
  for (const { topic, tags } of guideline.topics) {
    const mentioned = new RegExp(
      `(^|[^\\p{L}\\p{N}_])#?${escapeRegExp(topic)}([^\\p{L}\\p{N}_]|$)`,
      'u',
    ).test(lower);
    if (!mentioned) continue;
    const lacking = tags.filter((t) => !present.has(t.toLowerCase()));
    if (lacking.length > 0) topics.push({ topic, tags: lacking });
  }
  return { required, topics };
}

/** Every tag `missing` names, once, in guideline order. */
export function allMissing(missing: MissingTags): string[] {
  const out: string[] = [];
  for (const t of [...missing.required, ...missing.topics.flatMap((x) => x.tags)]) {
    if (!out.some((o) => o.toLowerCase() === t.toLowerCase())) out.push(t);
  }
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
