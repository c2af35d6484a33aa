import type { RespondFn, SlashCommand } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Config } from '../../../src/config';
import type { SmxContext } from '../../../src/context';

export interface SubcommandInput {
  ctx: SmxContext;
  /** What follows the subcommand name, trimmed, with Slack's &amp;/&lt;/&gt; escaping undone. */
  args: string;
  command: SlashCommand;
  respond: RespondFn;
  client: WebClient;
}

/**
 * One `/smx` subcommand: its own file holds the parser and handler; `index.ts` lists it, which also puts it in
 * `/smx help`.
 */
export interface Subcommand {
  name: string;
  aliases?: readonly string[];
  /** One line for `/smx help`. */
  summary: string;
  /**
   * A complete example a user can copy, e.g. `/smx schedule tomorrow 9am | Flu shots are free #FluSeason`; a
   * function when it depends on the configuration (the hospital's date order).
   */
  example: string | ((config: Config) => string);
  run(input: SubcommandInput): Promise<void>;
}
