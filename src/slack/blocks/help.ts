import type { KnownBlock } from '@slack/types';
import { escapeMrkdwn } from '../text';
import { mrkdwnSections } from './sections';

export interface HelpEntry {
  name: string;
  summary: string;
  example: string;
}

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

/** `/smx help`: every subcommand, one line each, with an example. `intro` leads (e.g. "I don't know …"). */
export function helpMessage(entries: readonly HelpEntry[], intro?: string, roles?: string): SlackMessage {
  const lines = entries.map(
    (e) => `• *${e.name}* — ${escapeMrkdwn(e.summary)}\n      e.g. \`${escapeMrkdwn(e.example)}\``,
  );
  const blocks: KnownBlock[] = [];
  if (intro) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: intro } });
  blocks.push({ type: 'header', text: { type: 'plain_text', text: 'smx — what you can ask me' } });
  // Several sections when the list outgrows one (3000 characters each).
  blocks.push(...mrkdwnSections(lines));
  if (roles)
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `*Who may do what* — ${escapeMrkdwn(roles)}` },
    });
  blocks.push({
    type: 'context',
    elements: [
      { type: 'mrkdwn', text: 'Only you can see this. Type `/smx help` any time to see this list again.' },
    ],
  });
  const plain = entries.map((e) => `/smx ${e.name} — ${e.summary} (e.g. ${e.example})`).join('\n');
  return { text: `${intro ? `${intro}\n` : ''}smx commands:\n${plain}${roles ? `\n${roles}` : ''}`, blocks };
}
