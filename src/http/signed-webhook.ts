/**
 * Signed webhooks (POST /hooks/feedback, POST /hooks/visits): header `X-Smx-Timestamp` (unix seconds) and
 * `X-Smx-Signature: sha256=<hex HMAC-SHA256 of "{timestamp}.{raw body}">` with SMX_WEBHOOK_SECRET.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { CustomRoute } from '@slack/bolt';
import type { SmxContext } from '../context';
import { isDbUnavailable } from '../errors';
import type { Logger } from '../logger';
import { MAX_JSON_DEPTH, parseJsonBody } from './body';
import { readBody, sendJson } from './respond';

export const WEBHOOK_MAX_AGE_SECONDS = 5 * 60;

export type WebhookAuthResult = { ok: true } | { ok: false; reason: string };

export function signWebhook(rawBody: string | Buffer, secret: string, timestamp: number): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex')}`;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export function verifyWebhook(
  rawBody: Buffer,
  headers: IncomingHttpHeaders,
  secret: string,
  now: Date,
): WebhookAuthResult {
  const ts = header(headers, 'x-smx-timestamp');
  const sig = header(headers, 'x-smx-signature');
  if (!ts || !sig) return { ok: false, reason: 'missing X-Smx-Timestamp or X-Smx-Signature header' };
  if (!/^\d{1,12}$/.test(ts)) return { ok: false, reason: 'X-Smx-Timestamp must be unix seconds' };
  const age = Math.abs(Math.floor(now.getTime() / 1000) - Number(ts));
  if (age > WEBHOOK_MAX_AGE_SECONDS) return { ok: false, reason: 'timestamp is older than 5 minutes' };
  const expected = Buffer.from(signWebhook(rawBody, secret, Number(ts)));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, reason: 'signature does not match' };
  }
  return { ok: true };
}

export interface SignedWebhookOptions {
  path: string;
  maxBytes: number;
  /** What each refusal says to the caller (machines, and the people who set them up). */
  answers: { notConfigured: string; tooLarge: string; notJson: string; failed: string };
  /** Handles a verified, parsed body; returns the HTTP status and JSON answer. Throws only on storage failure. */
  handle(body: unknown, env: { now: Date; log: Logger }): Promise<{ status: number; body: unknown }>;
}

/**
 * A signed JSON webhook route: 503 when SMX_WEBHOOK_SECRET is unset, 413 past `maxBytes`, 401 for a missing, wrong
 * or stale signature, 400 for a body that is not UTF-8, not JSON or nested too deep — each before anything is
 * stored — then `handle`. A storage failure
 * answers 503 (database down) or 500 with the fixed `failed` text; details go to the log.
 */
export function signedWebhookRoute(ctx: SmxContext, opts: SignedWebhookOptions): CustomRoute {
  return {
    path: opts.path,
    method: ['POST'],
    handler: (req, res) => {
      void (async () => {
        const log = ctx.logger.child({ route: `POST ${opts.path}` });
        const secret = ctx.config.webhookSecret;
        if (!secret) {
          sendJson(res, 503, { error: opts.answers.notConfigured });
          return;
        }
        let raw: Buffer;
        try {
          raw = await readBody(req, opts.maxBytes);
        } catch {
          sendJson(res, 413, { error: opts.answers.tooLarge });
          return;
        }
        const now = ctx.now();
        const auth = verifyWebhook(raw, req.headers, secret, now);
        if (!auth.ok) {
          log.warn({ reason: auth.reason }, 'webhook refused');
          sendJson(res, 401, { error: auth.reason });
          return;
        }
        const parsed = parseJsonBody(raw);
        if (!parsed.ok) {
          const error =
            parsed.reason === 'not_utf8'
              ? `${opts.answers.notJson} (the body is not UTF-8 text)`
              : parsed.reason === 'too_deep'
                ? `${opts.answers.notJson} (nested more than ${MAX_JSON_DEPTH} levels deep)`
                : opts.answers.notJson;
          sendJson(res, 400, { error });
          return;
        }
        const body = parsed.value;
        try {
          const answer = await opts.handle(body, { now, log });
          sendJson(res, answer.status, answer.body);
        } catch (err) {
          log.error({ err }, 'webhook failed');
          sendJson(res, isDbUnavailable(err) ? 503 : 500, { error: opts.answers.failed });
        }
      })();
    },
  };
}
