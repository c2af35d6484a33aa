import type { WebClient } from '@slack/web-api';
import type { SmxContext } from '../context';
import { toUserFacing } from '../errors';
import { loadHome } from '../services/home';
import { homeView } from './blocks/home';

/** Publishes the viewer's dashboard to the Home tab; on failure, the reason in the tab rather than a stale page. */
export async function publishHome(ctx: SmxContext, client: WebClient, user: string): Promise<void> {
  const log = ctx.logger.child({ surface: 'home', user });
  try {
    const data = await loadHome(ctx, client, user);
    await client.views.publish({ user_id: user, view: homeView(data) });
  } catch (err) {
    const answer = toUserFacing(err);
    log.error({ err, code: answer.code, ref: answer.ref }, 'could not publish the App Home');
    await client.views
      .publish({
        user_id: user,
        view: { type: 'home', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: answer.message } }] },
      })
      .catch((e: unknown) => log.error({ err: e }, 'could not publish the App Home error either'));
  }
}
