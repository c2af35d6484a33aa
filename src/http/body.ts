/**
 * Checks shared by every way a body comes in (Slack requests, webhooks): text must be UTF-8, JSON must not nest
 * deeper than anything smx sends or receives, so nothing downstream walks a hostile structure.
 */

/** Deeper than any real payload (Slack's views nest about 8 levels). */
export const MAX_JSON_DEPTH = 32;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The body as text, or undefined when it is not valid UTF-8. */
export function decodeUtf8(raw: Buffer): string | undefined {
  try {
    return utf8.decode(raw);
  } catch {
    return undefined;
  }
}

/** True when `value` nests objects/arrays more than `max` levels (walked without recursion). */
export function nestsDeeperThan(value: unknown, max = MAX_JSON_DEPTH): boolean {
  const stack: Array<{ v: unknown; depth: number }> = [{ v: value, depth: 0 }];
  while (stack.length > 0) {
    const { v, depth } = stack.pop() as { v: unknown; depth: number };
    if (typeof v !== 'object' || v === null) continue;
    if (depth + 1 > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push({ v: child, depth: depth + 1 });
  }
  return false;
}

export type JsonBody =
  | { ok: true; value: unknown }
  | { ok: false; reason: 'not_utf8' | 'not_json' | 'too_deep' };

/** Parses a raw JSON body with the checks above. */
export function parseJsonBody(raw: Buffer): JsonBody {
  const text = decodeUtf8(raw);
  if (text === undefined) return { ok: false, reason: 'not_utf8' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not_json' };
  }
  return nestsDeeperThan(value) ? { ok: false, reason: 'too_deep' } : { ok: true, value };
}
