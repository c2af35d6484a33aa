import type { CustomRoute } from '@slack/bolt';
import type { SmxContext } from '../context';
import { sendJson } from './respond';

/** GET /healthz: 200 when the database answers a ping, 503 when it does not. */
export function healthRoute(ctx: SmxContext): CustomRoute {
  return {
    path: '/healthz',
    method: ['GET'],
    handler: (_req, res) => {
      void ctx.db.ping().then((up) => {
        sendJson(res, up ? 200 : 503, { status: up ? 'ok' : 'degraded', db: up ? 'up' : 'down' });
      });
    },
  };
}
