import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { SmxContext } from '../../src/context';
import { toUserFacing } from '../../src/errors';
import { loadHome } from '../../src/services/home';
import { homeView } from '../../src/slack/blocks/home';

/** `app_home_opened`: publishes the viewer's dashboard to the Home tab. */
export const appHomeOpened =
  (ctx: SmxContext) =>
  async ({
    event,
    client,
  }: SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs): Promise<void> => {
    if (event.tab !== 'home') return;
    const log = ctx.logger.child({ event: 'app_home_opened', user: event.user });
    try {
      const data = await loadHome(ctx, client, event.user);
      await client.views.publish({ user_id: event.user, view: homeView(data) });
    } catch (err) {
      const answer = toUserFacing(err);
      log.error({ err, code: answer.code, ref: answer.ref }, 'could not publish the App Home');
      // Still show something: the error in the Home tab instead of a stale or empty page.
      await client.views
        .publish({
          user_id: event.user,
          view: {
            type: 'home',
            blocks: [{ type: 'section', text: { type: 'mrkdwn', text: answer.message } }],
          },
        })
        .catch((e: unknown) => log.error({ err: e }, 'could not publish the App Home error either'));
    }
  };
