import type { App } from '@slack/bolt';
import type { SmxContext } from '../../src/context';
import { appHomeOpened } from './app-home-opened';

/** Adding a listener = one file in this folder + one line here. */
export function register(app: App, ctx: SmxContext): void {
  app.event('app_home_opened', appHomeOpened(ctx));
}
