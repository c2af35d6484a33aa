import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { SmxContext } from '../../src/context';
import { publishHome } from '../../src/slack/home';

/** `app_home_opened`: publishes the viewer's dashboard to the Home tab. */
export const appHomeOpened =
  (ctx: SmxContext) =>
  async ({
    event,
    client,
  }: SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs): Promise<void> => {
    if (event.tab !== 'home') return;
    await publishHome(ctx, client, event.user);
  };
