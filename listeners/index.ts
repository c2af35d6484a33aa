import type { App } from '@slack/bolt';
import type { SmxContext } from '../src/context';
import * as actions from './actions';
import * as commands from './commands';
import * as events from './events';
import * as views from './views';

export function registerListeners(app: App, ctx: SmxContext): void {
  commands.register(app, ctx);
  actions.register(app, ctx);
  views.register(app, ctx);
  events.register(app, ctx);
}
