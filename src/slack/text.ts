/**
 * Text from outside (reviews, tweets, CSV rows, slash-command text) is data, never markup: escape it before it goes
 * into mrkdwn so it cannot ping @channel, mention people or fake a link.
 */

/** Escapes the three characters Slack treats as control characters in mrkdwn. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Slack escapes &, < and > in slash-command text; this gives back what the person typed. */
export function unescapeSlack(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Shortens to at most `max` characters (code points), ending with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return `${chars
    .slice(0, Math.max(0, max - 1))
    .join('')
    .trimEnd()}…`;
}

/** Outside text shown inline: control characters flattened, escaped, shortened to `max` units once escaped. */
export function quoteOutside(text: string, max = 200): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return fitText(flat, max);
}

/** A mrkdwn link whose label is outside text: `|`, `<`, `>` and newlines would break the link syntax. */
export function linkOutside(url: string, label: string): string {
  return `<${url.replace(/[|<>\s]/g, encodeURIComponent)}|${escapeMrkdwn(truncate(label.replace(/[|\n]/g, ' '), 120))}>`;
}

/** Outside text as a mrkdwn block quote, escaped. */
export const blockQuote = (text: string) =>
  escapeMrkdwn(text)
    .split('\n')
    .map((l) => `>${l}`)
    .join('\n');

/** Inline code for something a user typed; backticks would end the code span, so they are dropped. */
export function codeOutside(text: string, max = 80): string {
  const cleaned = quoteOutside(text.replace(/`/g, "'"), max);
  return cleaned === '' ? '' : `\`${cleaned}\``;
}

/**
 * Slack measures text in UTF-16 code units (JavaScript's `.length`) and after escaping: `&` counts five. `fitShown` cuts
 * the raw text (never inside an escape or a surrogate pair) so that `render(cut + '…')` stays within `max` units.
 * Only the display is shortened; callers keep the full text and offer a way to read it (`cut` says when).
 */
export function fitShown(
  text: string,
  max: number,
  render: (s: string) => string = escapeMrkdwn,
): { text: string; cut: boolean } {
  const whole = render(text);
  if (whole.length <= max) return { text: whole, cut: false };
  // Every character renders as at least one unit, so no prefix longer than `max` can fit: cut there first.
  const chars = Array.from(text.slice(0, max + 1));
  const shown = (n: number) => render(`${chars.slice(0, n).join('').trimEnd()}…`);
  let lo = 0;
  let hi = chars.length - 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (shown(mid).length <= max) lo = mid;
    else hi = mid - 1;
  }
  return { text: shown(lo), cut: true };
}

/** Outside text escaped and shortened to at most `max` units as Slack counts them. */
export function fitText(text: string, max: number): string {
  return fitShown(text, max).text;
}

/**
 * Splits a text into chunks of at most `max` UTF-16 units (never inside a surrogate pair), each chunk ending at the
 * last line break or space that fits, else anywhere. The chunks joined together are the text, exactly.
 */
export function splitUnits(text: string, max: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = max;
    if (/[\uD800-\uDBFF]/.test(rest[cut - 1] ?? '')) cut--;
    const window = rest.slice(0, cut);
    const nl = window.lastIndexOf('\n');
    const sp = window.lastIndexOf(' ');
    const soft = nl > max / 2 ? nl + 1 : sp > max / 2 ? sp + 1 : cut;
    out.push(rest.slice(0, soft));
    rest = rest.slice(soft);
  }
  out.push(rest);
  return out;
}
