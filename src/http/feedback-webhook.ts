/**
 * POST /hooks/feedback: website forms, kiosks and patient surveys send feedback here, one item or an array of up to
 * 500, signed with SMX_WEBHOOK_SECRET (webhook-auth.ts). Valid items are stored even when others in the batch are
 * not; the answer lists every problem by index and field. Re-delivery stores nothing twice.
 */
import type { CustomRoute } from '@slack/bolt';
import type { SmxContext } from '../context';
import { isDbUnavailable } from '../errors';
import { checkItem } from '../services/external-items';
import { type IncomingReview, storeItems } from '../services/review-store';
import { recordSuccess } from '../services/source-state';
import { readBody, sendJson } from './respond';
import { verifyWebhook } from './webhook-auth';

export const FEEDBACK_PATH = '/hooks/feedback';
export const MAX_ITEMS = 500;
export const FEEDBACK_SOURCE = 'feedback';

export const WEBHOOK_ANSWERS = {
  notConfigured:
    'the feedback webhook is not configured: set SMX_WEBHOOK_SECRET on the smx server (and sign requests with it)',
  notJson:
    'body must be JSON: one item {"externalId":"F-1","text":"…"} or an array of up to 500; nothing was stored',
  empty: 'send at least one item; nothing was stored',
  tooMany: `at most ${MAX_ITEMS} items per request; nothing was stored — split the batch`,
  tooLarge: 'body too large (max 5 MB); nothing was stored',
  someInvalid: (bad: number, all: number) =>
    `${bad} of ${all} item${all === 1 ? '' : 's'} ${bad === 1 ? 'is' : 'are'} invalid and ${bad === 1 ? 'was' : 'were'} not stored; the valid ones were stored`,
  failed: 'could not store the feedback; nothing was changed, retry later',
} as const;

export function feedbackWebhookRoute(ctx: SmxContext): CustomRoute {
  return {
    path: FEEDBACK_PATH,
    method: ['POST'],
    handler: (req, res) => {
      void (async () => {
        const log = ctx.logger.child({ route: `POST ${FEEDBACK_PATH}` });
        const secret = ctx.config.webhookSecret;
        if (!secret) {
          sendJson(res, 503, { error: WEBHOOK_ANSWERS.notConfigured });
          return;
        }
        let raw: Buffer;
        try {
          raw = await readBody(req);
        } catch {
          sendJson(res, 413, { error: WEBHOOK_ANSWERS.tooLarge });
          return;
        }
        const now = ctx.now();
        const auth = verifyWebhook(raw, req.headers, secret, now);
        if (!auth.ok) {
          log.warn({ reason: auth.reason }, 'feedback webhook refused');
          sendJson(res, 401, { error: auth.reason });
          return;
        }
        let body: unknown;
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          sendJson(res, 400, { error: WEBHOOK_ANSWERS.notJson });
          return;
        }
        const list = Array.isArray(body) ? body : [body];
        if (list.length === 0) {
          sendJson(res, 400, { error: WEBHOOK_ANSWERS.empty });
          return;
        }
        if (list.length > MAX_ITEMS) {
          sendJson(res, 400, { error: WEBHOOK_ANSWERS.tooMany });
          return;
        }

        const valid: IncomingReview[] = [];
        const problems: Array<{ index: number; field: string; message: string }> = [];
        list.forEach((raw, index) => {
          const c = checkItem(raw, { source: FEEDBACK_SOURCE, now });
          if (c.ok) valid.push(c.item);
          else for (const p of c.problems) problems.push({ index, ...p });
        });
        const invalid = new Set(problems.map((p) => p.index)).size;

        try {
          const counts = await storeItems(valid, ctx);
          for (const source of new Set(valid.map((v) => v.source))) await recordSuccess(source, now);
          log.info(
            {
              event: 'feedback_received',
              items: list.length,
              invalid,
              created: counts.created,
              duplicate: counts.duplicate,
            },
            'feedback stored',
          );
          const answer = { created: counts.created, duplicate: counts.duplicate + counts.updated };
          if (invalid > 0) {
            sendJson(res, 400, {
              error: WEBHOOK_ANSWERS.someInvalid(invalid, list.length),
              ...answer,
              invalid,
              problems,
            });
          } else {
            sendJson(res, 200, answer);
          }
        } catch (err) {
          log.error({ err }, 'feedback webhook failed');
          sendJson(res, isDbUnavailable(err) ? 503 : 500, { error: WEBHOOK_ANSWERS.failed });
        }
      })();
    },
  };
}
