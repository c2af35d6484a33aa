/**
 * Bolt's `respond()` posts to the request's response_url with a bare `fetch` — no timeout, so a response_url that
 * never answers would hold the listener (and, with processBeforeResponse, the request) forever (issue 15).
 *  - `boundedFetch` is the fetch Bolt and the Web API client are given: calls outside the Web API base (response_url
 *    posts, file uploads) are aborted when they do not connect, answer or go on answering within RESPOND_TIMEOUT_MS;
 *    Web API calls keep the client's own timeout.
 *  - `reliableRespond` wraps a `respond()`: when the response_url fails (timed out, expired, refused), an ephemeral
 *    answer is delivered another way — `chat.postEphemeral` in the channel, else a DM — and the failure is logged.
 *    An answer that was to replace the original message cannot be re-delivered that way: it is logged and rethrown.
 */
import type { RespondArguments, RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { Agent } from 'undici';

export const RESPOND_TIMEOUT_MS = 10_000;

type Fetch = typeof globalThis.fetch;

/**
 * Calls outside the Web API go through their own connection pool whose connect, response-headers and body-idle
 * timeouts are `timeoutMs`: a response_url that does not connect, answer or go on answering within that is aborted.
 * undici arms those timers for every request anyway (300 s by default), so bounding them costs nothing per request;
 * an `AbortSignal.timeout()` per post (before) kept a timer, a weak reference and a finaliser alive for the whole
 * 10 s after the post was done — thousands at a time under load, all for the GC to walk (bench:ack).
 */
export function boundedFetch(
  apiBase: string,
  timeoutMs = RESPOND_TIMEOUT_MS,
  base: Fetch = globalThis.fetch,
): Fetch {
  const dispatcher = new Agent({
    connect: { timeout: timeoutMs },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  return (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (url.startsWith(apiBase)) return base(input, init);
    // `dispatcher` is undici's extension of fetch's options. Node's bundled undici types it with its own copy of the
    // Dispatcher type; at run time it takes this one as it takes the global dispatcher, which importing undici sets.
    return base(input, { ...init, dispatcher } as unknown as RequestInit);
  };
}

/** pino's logger and Bolt's both fit. */
export interface WarnLogger {
  warn(obj: object, msg: string): void;
}

export interface RespondWhere {
  user: string;
  channel?: string | undefined;
}

/** The same answer, by the Web API, when response_url could not take it. */
async function deliverElsewhere(
  client: WebClient,
  where: RespondWhere,
  msg: RespondArguments,
): Promise<void> {
  const text = typeof msg.text === 'string' ? msg.text : '';
  const blocks = 'blocks' in msg && Array.isArray(msg.blocks) ? { blocks: msg.blocks } : {};
  if (msg.response_type === 'in_channel' && where.channel) {
    await client.chat.postMessage({ channel: where.channel, text, ...blocks });
    return;
  }
  if (where.channel) {
    try {
      await client.chat.postEphemeral({ channel: where.channel, user: where.user, text, ...blocks });
      return;
    } catch {
      // Not a channel smx can post in (a DM between people, smx not invited): the person's DM with smx instead.
    }
  }
  await client.chat.postMessage({ channel: where.user, text, ...blocks });
}

export function reliableRespond(
  respond: RespondFn,
  client: WebClient,
  where: RespondWhere,
  log: WarnLogger,
): RespondFn {
  return async (message) => {
    const msg: RespondArguments = typeof message === 'string' ? { text: message } : message;
    try {
      return await respond(msg);
    } catch (err) {
      const replaces = msg.replace_original === true || msg.delete_original === true;
      log.warn(
        { err, user: where.user, channel: where.channel, redelivered: !replaces },
        'response_url did not take the answer',
      );
      if (replaces) throw err;
      await deliverElsewhere(client, where, msg);
      // Bolt's respond() resolves with the response_url's answer; this one says where the answer went instead.
      return new Response(null, { status: 202, statusText: 'delivered through the Web API instead' });
    }
  };
}
