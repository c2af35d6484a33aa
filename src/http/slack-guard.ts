/**
 * The front door of POST /slack/events (HTTP mode), before Bolt sees a request. Bolt crashes the process on some
 * bodies (`payload=null` throws inside its receiver, outside any handler), lets listeners run on payloads without a
 * user, accepts timestamps in the future and acts on every repeated delivery. Here, in order:
 * 413 past the size limit · 401 for a missing or wrong signature, or a timestamp more than 5 minutes off (either way)
 * · 400 for a body that is not UTF-8, not parseable, nested too deep, or missing what its type needs (user, actions,
 * view state). Anything else goes on to Bolt unchanged, with the claim of its delivery (the same signed request, or
 * event id, seen before?) under way as an insert (seen-request model): a repeat is acked and nothing is done
 * (delivery-once.ts).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { coalescedInsertNew } from '../../models/insert-new';
import { SeenRequest } from '../../models/seen-request';
import type { SmxContext } from '../context';
import { DELIVERY_CLAIM, logRepeat } from '../slack/delivery-once';
import { decodeUtf8, nestsDeeperThan } from './body';
import { readBody } from './respond';

export const SLACK_EVENTS_PATH = '/slack/events';
/** Bolt's own default; Slack's payloads are far smaller. */
export const SLACK_BODY_LIMIT = 4 * 1024 * 1024;
export const SLACK_MAX_SKEW_SECONDS = 5 * 60;

export type Verdict = { pass: true } | { pass: false; status: number; reason: string };

const refuse = (status: number, reason: string): Verdict => ({ pass: false, status, reason });

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string' && v !== '';
const header = (req: IncomingMessage, name: string) => {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
};

/** Slack's signature: `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{raw body}`. */
export function verifySlackSignature(
  raw: Buffer,
  req: IncomingMessage,
  secret: string,
  nowMs: number,
): Verdict | { pass: true; signature: string } {
  const ts = header(req, 'x-slack-request-timestamp');
  const sig = header(req, 'x-slack-signature');
  if (!ts || !sig) return refuse(401, 'missing x-slack-signature or x-slack-request-timestamp');
  if (!/^\d{1,12}$/.test(ts)) return refuse(401, 'x-slack-request-timestamp must be unix seconds');
  const skew = Number(ts) - Math.floor(nowMs / 1000);
  if (skew > SLACK_MAX_SKEW_SECONDS) return refuse(401, 'timestamp is more than 5 minutes in the future');
  if (-skew > SLACK_MAX_SKEW_SECONDS) return refuse(401, 'timestamp is older than 5 minutes');
  const expected = Buffer.from(
    `v0=${createHmac('sha256', secret).update(`v0:${ts}:`).update(raw).digest('hex')}`,
  );
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return refuse(401, 'signature does not match');
  }
  return { pass: true, signature: sig };
}

/** What each interaction type needs before any listener may run on it. */
function checkInteraction(p: Obj): string | undefined {
  if (!isStr(p.type)) return 'payload has no type';
  const user = p.user;
  const needsUser = ['block_actions', 'view_submission', 'view_closed', 'shortcut', 'message_action'];
  if (needsUser.includes(p.type) && !(isObj(user) && isStr(user.id))) return `${p.type} without user.id`;
  if (p.type === 'block_actions') {
    if (!Array.isArray(p.actions) || p.actions.length === 0) return 'block_actions without actions';
    if (!p.actions.every((a) => isObj(a) && isStr(a.action_id))) return 'an action without action_id';
  }
  if (p.type === 'view_submission' || p.type === 'view_closed') {
    const view = p.view;
    if (!isObj(view) || !isStr(view.callback_id)) return `${p.type} without view.callback_id`;
    if (view.private_metadata !== undefined && typeof view.private_metadata !== 'string')
      return 'view.private_metadata must be a string';
    if (p.type === 'view_submission' && !(isObj(view.state) && isObj(view.state.values)))
      return 'view_submission without view.state.values';
  }
  return undefined;
}

function checkCommand(q: Obj): string | undefined {
  for (const k of ['command', 'user_id', 'channel_id'] as const)
    if (!isStr(q[k])) return `command without ${k}`;
  if (q.text !== undefined && typeof q.text !== 'string') return 'command text must be a string';
  return undefined;
}

/**
 * Interactions whose smx listeners ack before doing anything (src/slack/buttons.ts); slash commands and events do
 * too. Their claim is not awaited before the ack (delivery-once.ts). View submissions check and write before their
 * ack carries the result, so theirs is awaited before Bolt sees them, as before, outside Bolt's 3-second window.
 */
const ACKS_FIRST = new Set(['block_actions', 'shortcut', 'message_action']);

/** Parses and checks a verified body; returns the event id to de-duplicate on, if any. */
export function checkSlackBody(
  text: string,
  contentType: string | undefined,
): { ok: true; eventId?: string; acksFirst?: boolean } | { ok: false; reason: string } {
  if (contentType === 'application/x-www-form-urlencoded') {
    const q = parseQuery(text) as Obj;
    if (q.ssl_check === '1') return { ok: true };
    if ('payload' in q) {
      if (typeof q.payload !== 'string') return { ok: false, reason: 'payload must be one JSON field' };
      let p: unknown;
      try {
        p = JSON.parse(q.payload);
      } catch {
        return { ok: false, reason: 'payload is not JSON' };
      }
      if (!isObj(p)) return { ok: false, reason: 'payload must be a JSON object' };
      if (nestsDeeperThan(p)) return { ok: false, reason: 'payload nests too deep' };
      const bad = checkInteraction(p);
      return bad ? { ok: false, reason: bad } : { ok: true, acksFirst: ACKS_FIRST.has(String(p.type)) };
    }
    for (const v of Object.values(q))
      if (Array.isArray(v)) return { ok: false, reason: 'a field is repeated' };
    const bad = checkCommand(q);
    return bad ? { ok: false, reason: bad } : { ok: true, acksFirst: true };
  }
  if (contentType?.split(';')[0]?.trim() === 'application/json') {
    let b: unknown;
    try {
      b = JSON.parse(text);
    } catch {
      return { ok: false, reason: 'body is not JSON' };
    }
    if (!isObj(b)) return { ok: false, reason: 'body must be a JSON object' };
    if (nestsDeeperThan(b)) return { ok: false, reason: 'body nests too deep' };
    if (!isStr(b.type)) return { ok: false, reason: 'body has no type' };
    if (b.type === 'event_callback') {
      if (!isObj(b.event) || !isStr(b.event.type))
        return { ok: false, reason: 'event_callback without event' };
      // Bolt acks events itself before any listener runs.
      return isStr(b.event_id)
        ? { ok: true, eventId: b.event_id, acksFirst: true }
        : { ok: true, acksFirst: true };
    }
    return { ok: true };
  }
  return { ok: false, reason: 'content-type must be application/x-www-form-urlencoded or application/json' };
}

/**
 * True when this is the first time `key` is seen (the insert won). Every Slack request claims a key, so concurrent
 * claims share one unordered bulk insert (the driver's, not mongoose's create: no casting needed).
 */
const insertSeen = coalescedInsertNew(SeenRequest.collection);
const firstTime = (key: string, now: Date): Promise<boolean> => insertSeen({ _id: key, seenAt: now });

/**
 * Claims one delivery: true when it is the first (or when there is no database to ask: its listener then answers
 * about the outage), false for a repeat. Never rejects. Concurrent claims share bulk inserts (`coalescedInsertNew`):
 * the first key goes out at once, keys arriving meanwhile join the next batch.
 */
export async function claimDelivery(
  ctx: SmxContext,
  keys: readonly string[],
  now: Date = new Date(),
): Promise<boolean> {
  try {
    const fresh = await Promise.all(keys.map((k) => firstTime(k, now)));
    return fresh.every(Boolean);
  } catch (err) {
    ctx.logger.warn({ err }, 'could not record the request; it is not de-duplicated');
    return true;
  }
}

/** What identifies a delivery: its signature (a replay), and its event id (Slack's retry carries a new signature). */
export function deliveryKeys(signature: string, eventId?: string): string[] {
  const sig = `sig:${createHash('sha256').update(signature).digest('hex')}`;
  return eventId ? [sig, `event:${eventId}`] : [sig];
}

/** A request the guard let through: its raw body for Bolt, and the pending claim of its delivery. */
export type GuardedRequest = IncomingMessage & { rawBody?: Buffer; [DELIVERY_CLAIM]?: Promise<boolean> };

/**
 * True for the requests Bolt's HTTPReceiver treats as Slack events — matched exactly as Bolt matches them (the URL's
 * pathname, so `/slack/./events` and `/slack/events?x` count too): every one of them passes the guard, which is
 * what lets Bolt skip verifying the signature a second time.
 */
export function isSlackEventsRequest(req: IncomingMessage): boolean {
  if (req.method?.toUpperCase() !== 'POST') return false;
  try {
    return new URL(req.url ?? '/', 'http://localhost').pathname === SLACK_EVENTS_PATH;
  } catch {
    // Bolt's own parse of this URL fails the same way; the caller's fallback answers.
    return false;
  }
}

/**
 * Reads and judges one request to /slack/events. On pass, the raw body is left on `req.rawBody` for Bolt (which
 * takes an already-buffered request as is). The claim of the delivery is started; for kinds that ack first it is not
 * awaited here: the ack does not wait for the database, the listeners' work does (delivery-once.ts). Other kinds wait
 * for it, and a repeat is answered 200 here. On refusal (or a repeat) the answer has been sent.
 */
export async function guardSlackRequest(
  ctx: SmxContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  const answer = (status: number, reason: string) => {
    ctx.logger.warn({ route: `POST ${SLACK_EVENTS_PATH}`, status, reason }, 'slack request refused');
    if (!res.headersSent) {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
      res.end(reason);
    }
    return false;
  };
  let raw: Buffer;
  try {
    raw = await readBody(req, SLACK_BODY_LIMIT);
  } catch (err) {
    return (err as { tooLarge?: boolean }).tooLarge ? answer(413, 'request body too large') : false;
  }
  const verified = verifySlackSignature(raw, req, ctx.config.slack.signingSecret, Date.now());
  if (!('signature' in verified)) return answer(401, (verified as { reason: string }).reason);
  const text = decodeUtf8(raw);
  if (text === undefined) return answer(400, 'body is not UTF-8');
  const checked = checkSlackBody(text, header(req, 'content-type'));
  if (!checked.ok) return answer(400, checked.reason);

  const guarded = req as GuardedRequest;
  const claim = claimDelivery(ctx, deliveryKeys(verified.signature, checked.eventId));
  if (checked.acksFirst) guarded[DELIVERY_CLAIM] = claim;
  else if (!(await claim)) {
    logRepeat(ctx.logger, header(req, 'x-slack-retry-num'));
    res.writeHead(200).end();
    return false;
  }
  guarded.rawBody = raw;
  return true;
}

/** Forgets requests older than the window in which Slack could deliver them again (the expire-requests job). */
export async function expireSeenRequests(
  now: Date,
  keepMs = 2 * SLACK_MAX_SKEW_SECONDS * 1000,
): Promise<number> {
  const res = await SeenRequest.deleteMany({ seenAt: { $lt: new Date(now.getTime() - keepMs) } });
  return res.deletedCount ?? 0;
}
