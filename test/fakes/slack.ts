/**
 * A fake Slack Web API (and response_url receiver) on loopback. It records every call, answers like Slack does,
 * and enforces the Block Kit limits, so what a test asserts is what a Slack user would have seen.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { messageProblems, viewProblems } from './block-kit';
import { type FakeServer, firstMultipartPart, json, listen, readRaw, waitFor } from './http';
import { argumentProblems } from './slack-spec';

export const FAKE_BOT_TOKEN = 'xoxb-test-token';
export const FAKE_TEAM = 'T0TEST';
export const FAKE_BOT_USER = 'UBOT';
/** The app-level token (Socket Mode) the fake accepts for apps.connections.open. */
export const FAKE_APP_TOKEN = 'xapp-1-test-token';

/** What a channel looks like to conversations.info: private channels start with G or are flagged. */
export interface FakeChannel {
  name: string;
  isMember: boolean;
  isPrivate?: boolean;
}

export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
  token: string | undefined;
  at: number;
}

export interface StoredMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[];
  thread_ts?: string;
  /** Every version of the message, oldest first, so tests can check in-place updates. */
  history: Array<{ text: string; blocks: unknown[] }>;
}

export interface ResponseUrlPost {
  id: string;
  body: Record<string, unknown>;
  at: number;
}

export interface Upload {
  fileId: string;
  filename: string;
  bytes: Buffer;
  completed?: Record<string, unknown>;
}

type Failure = { error: string; status?: number; retryAfter?: number };

const JSON_ARGS = ['blocks', 'attachments', 'view', 'files', 'metadata'];

function parseArgs(raw: string, contentType: string | undefined): Record<string, unknown> {
  let args: Record<string, unknown> = {};
  if (contentType?.includes('application/json')) {
    args = raw === '' ? {} : (JSON.parse(raw) as Record<string, unknown>);
  } else {
    args = Object.fromEntries(new URLSearchParams(raw));
  }
  for (const k of JSON_ARGS) {
    const v = args[k];
    if (typeof v === 'string') {
      try {
        args[k] = JSON.parse(v);
      } catch {
        /* left as a string: the validator reports it */
      }
    }
  }
  return args;
}

export class FakeSlack {
  readonly calls: SlackCall[] = [];
  readonly responses: ResponseUrlPost[] = [];
  readonly messages = new Map<string, StoredMessage>();
  readonly uploads = new Map<string, Upload>();
  /** Every Block Kit violation seen; real Slack would have refused these calls. */
  readonly violations: Array<{ method: string; problems: string[] }> = [];
  readonly users = new Map<string, { name: string; real_name: string; tz?: string }>();
  readonly usergroups = new Map<string, string[]>();
  /** Channels conversations.info knows; any other id answers channel_not_found, as for a channel smx can't see. */
  readonly channels = new Map<string, FakeChannel>();
  /**
   * Calls whose argument names the method's spec (test/specs/slack-methods) does not define, or that lack a required
   * argument: real Slack ignores unknown names silently, so this is where a misspelt argument shows.
   */
  readonly argProblems: Array<{ method: string; problems: string[] }> = [];
  /** Set by a Socket Mode fake: the WebSocket URL apps.connections.open hands out. */
  socketUrl: (() => string) | undefined;
  private failures = new Map<string, Failure[]>();
  private hangs: Array<{ method: string; when: (args: Record<string, unknown>) => boolean }> = [];
  private held: Array<() => void> = [];
  /** Calls that were left hanging (never answered, until release()). */
  hung = 0;
  private respondHangs = false;
  private tsCounter = 1_700_000_000;
  private idCounter = 0;
  private server: FakeServer | undefined;

  get url(): string {
    if (!this.server) throw new Error('fake Slack is not started');
    return this.server.url;
  }

  /** Base URL for SLACK_API_URL. */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  async start(port = 0): Promise<this> {
    this.server = await listen((req, res) => this.handle(req, res), port);
    return this;
  }

  async close(): Promise<void> {
    await this.server?.close();
  }

  /** A fresh response_url for one slash command or interaction. */
  responseUrl(): { id: string; url: string } {
    const id = `r${++this.idCounter}`;
    return { id, url: `${this.url}/respond/${id}` };
  }

  /** Makes the next call(s) of `method` fail like Slack would (e.g. `{ error: 'ratelimited', status: 429 }`). */
  failNext(method: string, failure: Failure, times = 1): void {
    const list = this.failures.get(method) ?? [];
    for (let i = 0; i < times; i++) list.push(failure);
    this.failures.set(method, list);
  }

  /** Leaves matching calls of `method` unanswered (the connection stays open) until release(). */
  hang(method: string, when: (args: Record<string, unknown>) => boolean = () => true): void {
    this.hangs.push({ method, when });
  }

  /** Leaves every response_url post unanswered (the connection stays open) until release(). */
  hangResponses(): void {
    this.respondHangs = true;
  }

  /** Stops hanging and answers every held call normally. */
  release(): void {
    this.hangs = [];
    this.respondHangs = false;
    const held = this.held;
    this.held = [];
    for (const answer of held) answer();
  }

  callsOf(method: string): SlackCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  responsesFor(id: string): ResponseUrlPost[] {
    return this.responses.filter((r) => r.id === id);
  }

  waitForResponse(id: string, count = 1, timeoutMs?: number): Promise<ResponseUrlPost[]> {
    return waitFor(
      `${count} response(s) on response_url ${id}`,
      () => {
        const got = this.responsesFor(id);
        return got.length >= count ? got : undefined;
      },
      timeoutMs,
    );
  }

  waitForCall(method: string, predicate: (c: SlackCall) => boolean = () => true, timeoutMs?: number) {
    return waitFor(
      `a ${method} call`,
      () => this.calls.find((c) => c.method === method && predicate(c)),
      timeoutMs,
    );
  }

  /** Messages posted to a channel (top level and thread replies), oldest first. */
  channelMessages(channel: string): StoredMessage[] {
    return [...this.messages.values()].filter((m) => m.channel === channel);
  }

  private nextTs(): string {
    this.tsCounter += 1;
    return `${this.tsCounter}.000100`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const bytes = await readRaw(req);
    const raw = bytes.toString('utf8');
    if (url.pathname.startsWith('/respond/')) {
      const id = url.pathname.slice('/respond/'.length);
      const body = JSON.parse(raw) as Record<string, unknown>;
      const problems = messageProblems(body);
      if (problems.length > 0) {
        this.violations.push({ method: 'response_url', problems });
        res.writeHead(400).end('invalid_blocks');
        return;
      }
      if (this.respondHangs) {
        this.hung++;
        // Held, then dropped unanswered on release(): the sender has long given up by then.
        this.held.push(() => {
          if (!res.writableEnded && !res.destroyed) res.destroy();
        });
        return;
      }
      this.responses.push({ id, body, at: Date.now() });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    if (url.pathname.startsWith('/upload/')) {
      const fileId = url.pathname.slice('/upload/'.length);
      const up = this.uploads.get(fileId);
      if (!up) {
        res.writeHead(404).end('no such upload');
        return;
      }
      up.bytes = Buffer.from(firstMultipartPart(bytes, req.headers['content-type']));
      res.writeHead(200).end('OK - uploaded');
      return;
    }
    const method = url.pathname.replace(/^\/api\//, '');
    const args = parseArgs(raw, req.headers['content-type']);
    const auth = req.headers.authorization;
    const token = auth?.startsWith('Bearer ') ? auth.slice(7) : (args.token as string | undefined);
    this.calls.push({ method, args, token, at: Date.now() });
    const argIssues = argumentProblems(method, args);
    if (argIssues.length > 0) this.argProblems.push({ method, problems: argIssues });

    if (this.hangs.some((h) => h.method === method && h.when(args))) {
      this.hung++;
      this.held.push(() => {
        if (!res.writableEnded && !res.destroyed) json(res, 200, this.answer(method, args));
      });
      return;
    }
    const queued = this.failures.get(method);
    const failure = queued?.shift();
    if (failure) {
      const headers: Record<string, string> = failure.retryAfter
        ? { 'retry-after': String(failure.retryAfter) }
        : {};
      json(res, failure.status ?? 200, { ok: false, error: failure.error }, headers);
      return;
    }
    if (method === 'apps.connections.open') {
      // Needs the app-level token; a bot token is the wrong kind.
      if (token === FAKE_BOT_TOKEN) json(res, 200, { ok: false, error: 'not_allowed_token_type' });
      else if (token !== FAKE_APP_TOKEN) json(res, 200, { ok: false, error: 'invalid_auth' });
      else if (!this.socketUrl) json(res, 200, { ok: false, error: 'internal_error' });
      else json(res, 200, { ok: true, url: this.socketUrl() });
      return;
    }
    if (token === undefined || token === '') {
      json(res, 200, { ok: false, error: 'not_authed' });
      return;
    }
    if (token !== FAKE_BOT_TOKEN) {
      json(res, 200, { ok: false, error: 'invalid_auth' });
      return;
    }
    json(res, 200, this.answer(method, args));
  }

  private answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    const fail = (error: string, problems?: string[]) => {
      if (problems) this.violations.push({ method, problems });
      return { ok: false, error, ...(problems ? { response_metadata: { messages: problems } } : {}) };
    };
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://test.slack.com/',
          team: 'Test',
          user: 'smx',
          team_id: FAKE_TEAM,
          user_id: FAKE_BOT_USER,
          bot_id: 'BBOT',
        };
      case 'chat.postMessage': {
        const problems = messageProblems(args);
        if (problems.length > 0)
          return fail(
            problems.includes('msg_blocks_too_long') ? 'msg_blocks_too_long' : 'invalid_blocks',
            problems,
          );
        const channel = String(args.channel ?? '');
        if (channel === '') return fail('channel_not_found');
        const ts = this.nextTs();
        const text = String(args.text ?? '');
        const blocks = (args.blocks as unknown[]) ?? [];
        const msg: StoredMessage = { channel, ts, text, blocks, history: [{ text, blocks }] };
        if (typeof args.thread_ts === 'string') msg.thread_ts = args.thread_ts;
        this.messages.set(`${channel}:${ts}`, msg);
        return { ok: true, channel, ts, message: { text, blocks, ts } };
      }
      case 'chat.postEphemeral': {
        const problems = messageProblems(args);
        if (problems.length > 0) return fail('invalid_blocks', problems);
        return { ok: true, message_ts: this.nextTs() };
      }
      case 'chat.update': {
        const problems = messageProblems(args);
        if (problems.length > 0) return fail('invalid_blocks', problems);
        const key = `${String(args.channel)}:${String(args.ts)}`;
        const msg = this.messages.get(key);
        if (!msg) return fail('message_not_found');
        msg.text = String(args.text ?? '');
        msg.blocks = (args.blocks as unknown[]) ?? [];
        msg.history.push({ text: msg.text, blocks: msg.blocks });
        return { ok: true, channel: msg.channel, ts: msg.ts, text: msg.text };
      }
      case 'views.open':
      case 'views.update':
      case 'views.publish': {
        const problems = viewProblems(args.view);
        if (problems.length > 0) return fail('invalid_arguments', problems);
        if (method === 'views.open' && typeof args.trigger_id !== 'string') return fail('invalid_trigger_id');
        return { ok: true, view: { id: `V${++this.idCounter}`, ...(args.view as object) } };
      }
      case 'users.info': {
        const id = String(args.user ?? '');
        const u = this.users.get(id) ?? { name: `user_${id.toLowerCase()}`, real_name: `User ${id}` };
        return {
          ok: true,
          user: {
            id,
            name: u.name,
            real_name: u.real_name,
            tz: u.tz ?? 'UTC',
            profile: { real_name: u.real_name, display_name: u.name },
          },
        };
      }
      case 'usergroups.users.list': {
        const users = this.usergroups.get(String(args.usergroup ?? ''));
        if (!users) return fail('no_such_subteam');
        return { ok: true, users };
      }
      case 'conversations.info': {
        const id = String(args.channel ?? '');
        const c = this.channels.get(id);
        if (!c) return fail('channel_not_found');
        const isPrivate = c.isPrivate ?? id.startsWith('G');
        return {
          ok: true,
          channel: {
            id,
            name: c.name,
            is_channel: !isPrivate,
            is_group: isPrivate,
            is_private: isPrivate,
            is_archived: false,
            is_member: c.isMember,
          },
        };
      }
      case 'conversations.open': {
        const users = String(args.users ?? '');
        return { ok: true, channel: { id: `D${users.replace(/,/g, '')}` } };
      }
      case 'files.getUploadURLExternal': {
        const fileId = `F${++this.idCounter}`;
        this.uploads.set(fileId, { fileId, filename: String(args.filename ?? ''), bytes: Buffer.alloc(0) });
        return { ok: true, file_id: fileId, upload_url: `${this.url}/upload/${fileId}` };
      }
      case 'files.completeUploadExternal': {
        const files = Array.isArray(args.files) ? (args.files as Array<{ id: string; title?: string }>) : [];
        for (const f of files) {
          const up = this.uploads.get(f.id);
          if (!up) return fail('file_not_found');
          up.completed = args;
        }
        return { ok: true, files: files.map((f) => ({ id: f.id, title: f.title ?? '' })) };
      }
      default:
        return fail('unknown_method');
    }
  }
}
