import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { SmxContext } from '../../src/context';
import { logFailure } from '../../src/errors';
import { reliableRespond } from '../../src/slack/respond';
import { codeOutside, unescapeSlack } from '../../src/slack/text';
import { renderHelp } from './smx/help';
import { findSubcommand } from './smx/index';

export const UNKNOWN_SUBCOMMAND = (name: string) =>
  `I don't know the command ${codeOutside(`/smx ${name}`, 60)}. Here is what I can do:`;

/** Splits "schedule tomorrow 9am | text" into the subcommand name and the rest. */
export function splitCommandText(text: string): { name: string; args: string } {
  const trimmed = unescapeSlack(text).trim();
  const m = /^(\S+)\s*([\s\S]*)$/.exec(trimmed);
  if (!m) return { name: '', args: '' };
  return { name: (m[1] ?? '').toLowerCase(), args: (m[2] ?? '').trim() };
}

/** `/smx …`: one router; each subcommand lives in its own file (listeners/commands/smx/). */
export const smxCommand =
  (ctx: SmxContext) =>
  async ({
    command,
    ack,
    respond: boltRespond,
    client,
  }: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const { name, args } = splitCommandText(command.text ?? '');
    // Made only when something is logged: pino's child() serialises and redacts its bindings when it is made, about
    // 16 KB of garbage each — on every request, most of which log nothing (bench:ack).
    let child: SmxContext['logger'] | undefined;
    const log = () => {
      child ??= ctx.logger.child({ command: 'smx', subcommand: name || 'help', user: command.user_id });
      return child;
    };
    // A response_url that fails or hangs: the answer comes as an ephemeral message (or DM) instead.
    const respond = reliableRespond(
      boltRespond,
      client,
      { user: command.user_id, channel: command.channel_id },
      { warn: (obj, msg) => log().warn(obj, msg) },
    );
    try {
      if (name === '') {
        await respond({ response_type: 'ephemeral', ...renderHelp(ctx.config) });
        return;
      }
      const sub = findSubcommand(name);
      if (!sub) {
        await respond({ response_type: 'ephemeral', ...renderHelp(ctx.config, UNKNOWN_SUBCOMMAND(name)) });
        return;
      }
      await sub.run({ ctx, args, command, respond, client });
    } catch (err) {
      const answer = logFailure(log(), err, 'subcommand failed');
      try {
        await respond({ response_type: 'ephemeral', text: answer.message });
      } catch (respondErr) {
        log().error({ err: respondErr }, 'could not tell the user about the failure');
      }
    }
  };
