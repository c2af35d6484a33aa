/**
 * POST /hooks/visits: a hospital system reports patient visits per month (and optionally facility), signed like the
 * feedback webhook (webhook-auth.ts). Body `{ "month": "2026-11", "count": 1200, "facility"?: "North Clinic" }`.
 * A repeated report for the same month and facility replaces the count.
 */
import type { CustomRoute } from '@slack/bolt';
import type { SmxContext } from '../context';
import { isDbUnavailable } from '../errors';
import { recordVisits, visitInput } from '../services/visits';
import { readBody, sendJson } from './respond';
import { verifyWebhook } from './webhook-auth';

export function visitsWebhookRoute(ctx: SmxContext): CustomRoute {
  return {
    path: '/hooks/visits',
    method: ['POST'],
    handler: (req, res) => {
      void (async () => {
        const log = ctx.logger.child({ route: 'POST /hooks/visits' });
        const secret = ctx.config.webhookSecret;
        if (!secret) {
          sendJson(res, 503, { error: 'webhooks are off: set SMX_WEBHOOK_SECRET on the smx server' });
          return;
        }
        let raw: Buffer;
        try {
          raw = await readBody(req, 64 * 1024);
        } catch {
          sendJson(res, 413, { error: 'body too large (max 64 KB)' });
          return;
        }
        const auth = verifyWebhook(raw, req.headers, secret, ctx.now());
        if (!auth.ok) {
          log.warn({ reason: auth.reason }, 'visits webhook refused');
          sendJson(res, 401, { error: auth.reason });
          return;
        }
        let body: unknown;
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          sendJson(res, 400, { error: 'body must be JSON: {"month":"2026-11","count":1200}' });
          return;
        }
        const parsed = visitInput.strict().safeParse(body);
        if (!parsed.success) {
          sendJson(res, 400, {
            error: 'invalid body; expected {"month":"2026-11","count":1200,"facility":"optional"}',
            problems: parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`),
          });
          return;
        }
        try {
          const { previous } = await recordVisits(parsed.data, 'webhook', ctx.now());
          log.info(
            { event: 'visits_recorded', month: parsed.data.month, count: parsed.data.count },
            'visits recorded',
          );
          sendJson(res, 200, {
            ok: true,
            month: parsed.data.month,
            facility: parsed.data.facility ?? null,
            count: parsed.data.count,
            replaced: previous,
          });
        } catch (err) {
          log.error({ err }, 'visits webhook failed');
          sendJson(res, isDbUnavailable(err) ? 503 : 500, {
            error: 'could not store the visits; nothing was changed, retry later',
          });
        }
      })();
    },
  };
}
