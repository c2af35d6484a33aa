/**
 * The front door of POST /slack/events (HTTP mode), before Bolt sees a request. Bolt crashes the process on some
 * bodies (`payload=null` throws inside its receiver, outside any handler), lets listeners run on payloads without a
 * user, accepts timestamps in the future and acts on every repeated delivery. Here, in order:
 * 413 past the size limit · 401 for a missing or wrong signature, or a timestamp more than 5 minutes off (either way)
 * · 400 for a body that is not UTF-8, not parseable, nested too deep, or missing what its type needs (user, actions,
 * view state) · 200 with nothing done for a repeated delivery of the same signed request (or event id), claimed by
 * an insert (seen-request model). Anything else goes on to Bolt unchanged.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { SeenRequest } from '../../models/seen-request';
import type { SmxContext } from '../context';
import { isDuplicateKey } from '../services/claims';
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

/** Parses and checks a verified body; returns the event id to de-duplicate on, if any. */
export function checkSlackBody(
  text: string,
  contentType: string | undefined,
): { ok: true; eventId?: string } | { ok: false; reason: string } {
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
      return bad ? { ok: false, reason: bad } : { ok: true };
    }
    for (const v of Object.values(q))
      if (Array.isArray(v)) return { ok: false, reason: 'a field is repeated' };
    const bad = checkCommand(q);
    return bad ? { ok: false, reason: bad } : { ok: true };
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
      return isStr(b.event_id) ? { ok: true, eventId: b.event_id } : { ok: true };
    }
    return { ok: true };
  }
  return { ok: false, reason: 'content-type must be application/x-www-form-urlencoded or application/json' };
}

/** True when this is the first time `key` is seen (the insert won). */
async function firstTime(key: string, now: Date): Promise<boolean> {
  try {
    await SeenRequest.create({ _id: key, seenAt: now });
    return true;
  } catch (err) {
    if (isDuplicateKey(err)) return false;
    throw err;
  }
}

/**
 * Reads and judges one request to /slack/events. On pass, the raw body is left on `req.rawBody` for Bolt (which
 * takes an already-buffered request as is). On refusal the answer has been sent.
 */
export async function guardSlackRequest(
  ctx: SmxContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  const log = ctx.logger.child({ route: `POST ${SLACK_EVENTS_PATH}` });
  const answer = (status: number, reason: string) => {
    log.warn({ status, reason }, 'slack request refused');
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

  const now = new Date();
  try {
    const sigKey = `sig:${createHash('sha256').update(verified.signature).digest('hex')}`;
    const fresh =
      (await firstTime(sigKey, now)) &&
      (!checked.eventId || (await firstTime(`event:${checked.eventId}`, now)));
    if (!fresh) {
      log.info({ retryNum: header(req, 'x-slack-retry-num') }, 'repeated delivery ignored');
      res.writeHead(200).end();
      return false;
    }
  } catch (err) {
    // No database to de-duplicate against: let the request through; its listener answers about the outage.
    log.warn({ err }, 'could not record the request; it is not de-duplicated');
  }
  (req as IncomingMessage & { rawBody?: Buffer }).rawBody = raw;
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
