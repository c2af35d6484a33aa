/** Shared helper for builders that list many lines. Pure. */
import type { SectionBlock } from '@slack/types';

/** Slack refuses a section text over 3000 characters; builders stay a little under. */
export const SECTION_TEXT_LIMIT = 2900;

/**
 * Packs `lines` (joined by newlines) into as few mrkdwn sections as possible, each at most `limit`
 * characters. A single line longer than `limit` gets a section of its own, unchanged. No lines, no sections.
 */
export function mrkdwnSections(lines: readonly string[], limit = SECTION_TEXT_LIMIT): SectionBlock[] {
  const sections: SectionBlock[] = [];
  let current = '';
  for (const line of lines) {
    if (current !== '' && current.length + 1 + line.length > limit) {
      sections.push({ type: 'section', text: { type: 'mrkdwn', text: current } });
      current = '';
    }
    current = current === '' ? line : `${current}\n${line}`;
  }
  if (current !== '') sections.push({ type: 'section', text: { type: 'mrkdwn', text: current } });
  return sections;
}
