import type { App } from '@slack/bolt';
import type { SmxContext } from '../../src/context';
import { COMMAND } from '../../src/slack/ids';
import { smxCommand } from './smx';

export function register(app: App, ctx: SmxContext): void {
  app.command(COMMAND, smxCommand(ctx));
}
