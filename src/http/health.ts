import type { CustomRoute } from '@slack/bolt';
import type { SmxContext } from '../context';
import { sendJson } from './respond';

/**
 * GET /healthz: 200 when the database answers, Slack accepts the bot token and (Socket Mode) the WebSocket to Slack
 * is up; else 503 naming the failing parts, e.g. `{"status":"degraded","db":"down","slack":"ok","failing":["db"]}`.
 */
export function healthRoute(ctx: SmxContext): CustomRoute {
  return {
    path: '/healthz',
    method: ['GET'],
    handler: (_req, res) => {
      void (async () => {
        if (!ctx.health) {
          const up = await ctx.db.ping();
          sendJson(res, up ? 200 : 503, { status: up ? 'ok' : 'degraded', db: up ? 'up' : 'down' });
          return;
        }
        const { ok, failing, ...parts } = await ctx.health.report(ctx.db);
        sendJson(res, ok ? 200 : 503, {
          status: ok ? 'ok' : 'degraded',
          ...parts,
          ...(ok ? {} : { failing }),
        });
      })().catch(() => sendJson(res, 503, { status: 'degraded' }));
    },
  };
}
