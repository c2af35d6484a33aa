/**
 * POST /hooks/visits: a hospital system reports patient visits per month (and optionally facility), signed like the
 * feedback webhook (signed-webhook.ts). Body `{ "month": "2026-11", "count": 1200, "facility"?: "North Clinic" }`.
 * A repeated report for the same month and facility replaces the count.
 */
import type { CustomRoute } from '@slack/bolt';
import type { SmxContext } from '../context';
import { recordVisits, visitInput } from '../services/visits';
import { signedWebhookRoute } from './signed-webhook';

export const VISITS_ANSWERS = {
  notConfigured: 'webhooks are off: set SMX_WEBHOOK_SECRET on the smx server',
  tooLarge: 'body too large (max 64 KB)',
  notJson: 'body must be JSON: {"month":"2026-11","count":1200}',
  failed: 'could not store the visits; nothing was changed, retry later',
} as const;

export function visitsWebhookRoute(ctx: SmxContext): CustomRoute {
  return signedWebhookRoute(ctx, {
    path: '/hooks/visits',
    maxBytes: 64 * 1024,
    answers: VISITS_ANSWERS,
    async handle(body, { now, log }) {
      const parsed = visitInput.strict().safeParse(body);
      if (!parsed.success) {
        return {
          status: 400,
          body: {
            error: 'invalid body; expected {"month":"2026-11","count":1200,"facility":"optional"}',
            problems: parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`),
          },
        };
      }
      const { previous } = await recordVisits(parsed.data, 'webhook', now);
      log.info(
        { event: 'visits_recorded', month: parsed.data.month, count: parsed.data.count },
        'visits recorded',
      );
      return {
        status: 200,
        body: {
          ok: true,
          month: parsed.data.month,
          facility: parsed.data.facility ?? null,
          count: parsed.data.count,
          replaced: previous,
        },
      };
    },
  });
}
