/**
 * Signed webhooks (POST /hooks/feedback, POST /hooks/visits): header `X-Smx-Timestamp` (unix seconds) and
 * `X-Smx-Signature: sha256=<hex HMAC-SHA256 of "{timestamp}.{raw body}">` with SMX_WEBHOOK_SECRET.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

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
