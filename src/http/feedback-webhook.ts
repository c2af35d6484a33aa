/**
 * POST /hooks/feedback: website forms, kiosks and patient surveys send feedback here, one item or an array of up to
 * 500, signed with SMX_WEBHOOK_SECRET (signed-webhook.ts). Valid items are stored even when others in the batch are
 * not; the answer lists every problem by index and field. Re-delivery stores nothing twice.
 */
import type { CustomRoute } from '@slack/bolt';
import type { SmxContext } from '../context';
import { checkItem } from '../services/external-items';
import { type IncomingReview, storeItems } from '../services/review-store';
import { recordSuccess } from '../services/source-state';
import { signedWebhookRoute } from './signed-webhook';

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
  return signedWebhookRoute(ctx, {
    path: FEEDBACK_PATH,
    maxBytes: 5 * 1024 * 1024,
    answers: WEBHOOK_ANSWERS,
    async handle(body, { now, log }) {
      const list = Array.isArray(body) ? body : [body];
      if (list.length === 0) return { status: 400, body: { error: WEBHOOK_ANSWERS.empty } };
      if (list.length > MAX_ITEMS) return { status: 400, body: { error: WEBHOOK_ANSWERS.tooMany } };

      const valid: IncomingReview[] = [];
      const problems: Array<{ index: number; field: string; message: string }> = [];
      list.forEach((raw, index) => {
        const c = checkItem(raw, { source: FEEDBACK_SOURCE, now });
        if (c.ok) valid.push(c.item);
        else for (const p of c.problems) problems.push({ index, ...p });
      });
      const invalid = new Set(problems.map((p) => p.index)).size;

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
      if (invalid === 0) return { status: 200, body: answer };
      return {
        status: 400,
        body: { error: WEBHOOK_ANSWERS.someInvalid(invalid, list.length), ...answer, invalid, problems },
      };
    },
  });
}
