import type { WebClient } from '@slack/web-api';
import type { SmxContext } from '../context';
import { logFailure } from '../errors';
import { healthLines } from '../services/health';
import { loadHome } from '../services/home';
import { homeView } from './blocks/home';

/** The failing lines of `/smx status`, for the top of the tab. */
async function healthProblems(ctx: SmxContext): Promise<string[]> {
  if (!ctx.health) return [];
  const report = await ctx.health.report(ctx.db);
  return healthLines(report, ctx.db.kind).filter((l) => l.startsWith(':red_circle:'));
}

/** Publishes the viewer's dashboard to the Home tab; on failure, the reason in the tab rather than a stale page. */
export async function publishHome(ctx: SmxContext, client: WebClient, user: string): Promise<void> {
  const log = ctx.logger.child({ surface: 'home', user });
  try {
    const data = await loadHome(ctx, client, user);
    await client.views.publish({ user_id: user, view: homeView(data, await healthProblems(ctx)) });
  } catch (err) {
    const answer = logFailure(log, err, 'could not publish the App Home');
    await client.views
      .publish({
        user_id: user,
        view: {
          type: 'home',
          blocks: [answer.message, ...(await healthProblems(ctx))].map((text) => ({
            type: 'section',
            text: { type: 'mrkdwn', text },
          })),
        },
      })
      .catch((e: unknown) => log.error({ err: e }, 'could not publish the App Home error either'));
  }
}
