import type { Config } from '../../../src/config';
import { ROLES_SUMMARY } from '../../../src/services/approvers';
import { helpMessage, type SlackMessage } from '../../../src/slack/blocks/help';
import type { Subcommand } from './types';

/** Filled in by index.ts so help can list every subcommand without importing the list (no import cycle). */
let entries: () => readonly Subcommand[] = () => [];

export function setHelpEntries(list: () => readonly Subcommand[]): void {
  entries = list;
}

export function exampleOf(s: Subcommand, config: Config): string {
  return typeof s.example === 'function' ? s.example(config) : s.example;
}

/** The list depends only on the config, fixed for the process: rendered once, not per request (bench:ack). */
const rendered = new WeakMap<Config, SlackMessage>();

export function renderHelp(config: Config, intro?: string): SlackMessage {
  if (intro) return build(config, intro);
  let message = rendered.get(config);
  if (!message) {
    message = build(config);
    rendered.set(config, message);
  }
  return message;
}

function build(config: Config, intro?: string): SlackMessage {
  return helpMessage(
    entries().map((s) => ({ name: s.name, summary: s.summary, example: exampleOf(s, config) })),
    intro,
    ROLES_SUMMARY,
  );
}

export const help: Subcommand = {
  name: 'help',
  summary: 'Show every smx command with an example.',
  example: '/smx help',
  async run({ ctx, respond }) {
    await respond({ response_type: 'ephemeral', ...renderHelp(ctx.config) });
  },
};
