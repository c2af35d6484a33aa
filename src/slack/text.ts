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

/** Outside text shown inline: control characters flattened, escaped, shortened. */
export function quoteOutside(text: string, max = 200): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return escapeMrkdwn(truncate(flat, max));
}

/** Inline code for something a user typed; backticks would end the code span, so they are dropped. */
export function codeOutside(text: string, max = 80): string {
  const cleaned = quoteOutside(text.replace(/`/g, "'"), max);
  return cleaned === '' ? '' : `\`${cleaned}\``;
}
