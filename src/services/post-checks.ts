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
  const present = tagsIn(text);
  const lower = text.toLowerCase();
  const missingRequired = guideline.required.filter((t) => !present.has(t.toLowerCase()));
  if (missingRequired.length > 0) {
    result.warnings.push(
      `Missing required tag${missingRequired.length === 1 ? '' : 's'}: add ${missingRequired.map((t) => `#${t}`).join(' ')}`,
    );
  }
  for (const { topic, tags } of guideline.topics) {
    const mentioned = new RegExp(
      `(^|[^\\p{L}\\p{N}_])#?${escapeRegExp(topic)}([^\\p{L}\\p{N}_]|$)`,
      'u',
    ).test(lower);
    if (!mentioned) continue;
    const missing = tags.filter((t) => !present.has(t.toLowerCase()));
    if (missing.length > 0) {
      result.warnings.push(`Mentions '${topic}': add ${missing.map((t) => `#${t}`).join(' ')}`);
    }
  }
  if (result.warnings.length === 0 && (guideline.required.length > 0 || guideline.topics.length > 0)) {
    result.passed.push('Tags follow the guideline');
  }
  return result;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
