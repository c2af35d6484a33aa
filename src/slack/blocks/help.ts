import type { KnownBlock } from '@slack/types';
import { escapeMrkdwn } from '../text';

export interface HelpEntry {
  name: string;
  summary: string;
  example: string;
}

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

const SECTION_LIMIT = 2900;

/** `/smx help`: every subcommand, one line each, with an example. `intro` leads (e.g. "I don't know …"). */
export function helpMessage(entries: readonly HelpEntry[], intro?: string): SlackMessage {
  const lines = entries.map(
    (e) => `• *${e.name}* — ${escapeMrkdwn(e.summary)}\n      e.g. \`${escapeMrkdwn(e.example)}\``,
  );
  const blocks: KnownBlock[] = [];
  if (intro) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: intro } });
  blocks.push({ type: 'header', text: { type: 'plain_text', text: 'smx — what you can ask me' } });
  // Several sections when the list outgrows one (3000 characters each).
  let current = '';
  for (const line of lines) {
    if (current !== '' && current.length + line.length + 1 > SECTION_LIMIT) {
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text: current } });
      current = '';
    }
    current = current === '' ? line : `${current}\n${line}`;
  }
  if (current !== '') blocks.push({ type: 'section', text: { type: 'mrkdwn', text: current } });
  blocks.push({
    type: 'context',
    elements: [
      { type: 'mrkdwn', text: 'Only you can see this. Type `/smx help` any time to see this list again.' },
    ],
  });
  const plain = entries.map((e) => `/smx ${e.name} — ${e.summary} (e.g. ${e.example})`).join('\n');
  return { text: `${intro ? `${intro}\n` : ''}smx commands:\n${plain}`, blocks };
}
