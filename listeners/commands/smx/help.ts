import { helpMessage } from '../../../src/slack/blocks/help';
import type { Subcommand } from './types';

/** Filled in by index.ts so help can list every subcommand without importing the list (no import cycle). */
let entries: () => readonly Subcommand[] = () => [];

export function setHelpEntries(list: () => readonly Subcommand[]): void {
  entries = list;
}

export function renderHelp(intro?: string) {
  return helpMessage(
    entries().map((s) => ({ name: s.name, summary: s.summary, example: s.example })),
    intro,
  );
}

export const help: Subcommand = {
  name: 'help',
  summary: 'Show every smx command with an example.',
  example: '/smx help',
  async run({ respond }) {
    await respond({ response_type: 'ephemeral', ...renderHelp() });
  },
};
