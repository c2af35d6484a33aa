/**
 * Starts the real smx app in HTTP mode against the fake Slack and the test database, and drives it the way Slack
 * does: signed slash commands, block_actions and view_submission payloads over HTTP.
 */
import type { WebClient } from '@slack/web-api';
import pino from 'pino';
import { createSmxApp, type SmxApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import type { SmxContext } from '../../src/context';
import type { Database } from '../../src/db';
import { newOwnerId } from '../../src/services/claims';
import { publishDue } from '../../src/services/publisher';
import { outboxSettled } from '../../src/services/slack-outbox';
import { FAKE_BOT_TOKEN, FAKE_TEAM, FakeSlack, type ResponseUrlPost } from '../fakes/slack';
import { slackSignature, TEST_SIGNING_SECRET } from './signing';

export interface TestApp {
  smx: SmxApp;
  ctx: SmxContext;
  slack: FakeSlack;
  url: string;
  /** Sends a signed `/smx <text>` and returns the HTTP status and what came back on its response_url. */
  command(text: string, opts?: CommandOptions): Promise<{ status: number; responses: ResponseUrlPost[] }>;
  /** Sends a signed block_actions payload for a button click. */
  action(action: ActionInput): Promise<{ status: number; responses: ResponseUrlPost[] }>;
  /** Sends a signed view_submission payload; returns the HTTP status and Bolt's JSON answer (errors etc.). */
  viewSubmission(view: ViewInput): Promise<{ status: number; body: unknown }>;
  /** Posts a raw body to the app with Slack headers (for signature tests). */
  post(path: string, body: string, headers: Record<string, string>): Promise<Response>;
  stop(): Promise<void>;
}

export interface CommandOptions {
  user?: string;
  channel?: string;
  /** Wait for this many response_url posts (default 1). */
  expect?: number;
}

export interface ActionInput {
  actionId: string;
  value?: string;
  blockId?: string;
  user?: string;
  channel?: string;
  messageTs?: string;
  message?: Record<string, unknown>;
  expect?: number;
  /** Where the button was clicked: a channel message (default), an ephemeral message, or the App Home tab. */
  surface?: 'message' | 'ephemeral' | 'home';
}

export interface ViewInput {
  callbackId: string;
  values: Record<string, Record<string, unknown>>;
  privateMetadata?: string;
  user?: string;
}

export const FORM = 'application/x-www-form-urlencoded';

/** Makes every simulated request distinct, as Slack's are: smx acts once on a repeated delivery of the same one. */
let requestNo = 0;

/** The fields Slack sends with `/smx <text>` (form-encoded over HTTP, a JSON payload over Socket Mode). */
export function slashCommandFields(
  text: string,
  responseUrl: string,
  opts: { user?: string; channel?: string } = {},
): Record<string, string> {
  return {
    token: 'legacy-verification-token',
    team_id: FAKE_TEAM,
    team_domain: 'test',
    channel_id: opts.channel ?? 'C0GENERAL',
    channel_name: 'general',
    user_id: opts.user ?? 'U0STAFF',
    user_name: 'staff',
    command: '/smx',
    text,
    api_app_id: 'A0SMX',
    response_url: responseUrl,
    trigger_id: `trigger.${Date.now()}.${++requestNo}`,
  };
}

export interface StartOptions {
  db: Database;
  env?: Record<string, string>;
  now?: () => Date;
  slack?: FakeSlack;
  /** Per-attempt Slack Web API timeout (the app's default is 10 s). */
  slackTimeoutMs?: number;
  /** Timeout of response_url posts (the app's default is 10 s). */
  respondTimeoutMs?: number;
}

export function testEnv(slack: FakeSlack, env: Record<string, string> = {}): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: FAKE_BOT_TOKEN,
    SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    PORT: '0',
    SMX_TIMEZONE: 'Asia/Kolkata',
    MONGODB_URI: 'mongodb://unused-in-tests',
    ...env,
  };
}

export function testContext(
  db: Database,
  slack: FakeSlack,
  opts: Omit<StartOptions, 'db' | 'slack'> = {},
): SmxContext {
  const result = loadConfig(testEnv(slack, opts.env));
  if (!result.ok) throw new Error(`test config invalid: ${result.problems.join('; ')}`);
  return {
    config: result.config,
    logger: pino({ level: process.env.SMX_TEST_LOG_LEVEL ?? 'silent' }),
    db,
    now: opts.now ?? (() => new Date()),
    instanceId: newOwnerId('test'),
  };
}

export async function startTestApp(opts: StartOptions): Promise<TestApp> {
  const slack = opts.slack ?? (await new FakeSlack().start());
  const ownsSlack = opts.slack === undefined;
  const ctx = testContext(opts.db, slack, opts);
  const smx = createSmxApp(ctx, {
    processBeforeResponse: true,
    slackRetries: 0,
    ...(opts.slackTimeoutMs === undefined ? {} : { slackTimeoutMs: opts.slackTimeoutMs }),
    ...(opts.respondTimeoutMs === undefined ? {} : { respondTimeoutMs: opts.respondTimeoutMs }),
  });
  const { port } = await smx.start();
  const url = `http://127.0.0.1:${port}`;

  const post = (path: string, body: string, headers: Record<string, string>) =>
    fetch(`${url}${path}`, { method: 'POST', body, headers });

  const signedPost = (body: string) =>
    post('/slack/events', body, { 'content-type': FORM, ...slackSignature(body) });

  return {
    smx,
    ctx,
    slack,
    url,
    post,
    async command(text, copts = {}) {
      const r = slack.responseUrl();
      const body = new URLSearchParams(slashCommandFields(text, r.url, copts)).toString();
      const res = await signedPost(body);
      const expect = copts.expect ?? 1;
      const responses = expect > 0 ? await slack.waitForResponse(r.id, expect) : slack.responsesFor(r.id);
      return { status: res.status, responses };
    },
    async action(a) {
      const r = slack.responseUrl();
      const user = a.user ?? 'U0STAFF';
      const channel = a.channel ?? 'C0GENERAL';
      const surface = a.surface ?? 'message';
      const where =
        surface === 'home'
          ? {
              // The Home tab has no channel, no message and no response_url.
              container: { type: 'view', view_id: 'VHOME' },
              view: {
                id: 'VHOME',
                type: 'home',
                blocks: [],
                private_metadata: '',
                callback_id: '',
                hash: 'h',
              },
            }
          : {
              channel: { id: channel, name: 'channel' },
              container: {
                type: 'message',
                message_ts: a.messageTs ?? '1.000',
                channel_id: channel,
                is_ephemeral: surface === 'ephemeral',
              },
              message: a.message ?? { ts: a.messageTs ?? '1.000', text: '', blocks: [] },
              response_url: r.url,
            };
      const payload = {
        type: 'block_actions',
        user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: FAKE_TEAM },
        api_app_id: 'A0SMX',
        token: 'legacy-verification-token',
        team: { id: FAKE_TEAM, domain: 'test' },
        ...where,
        trigger_id: `trigger.${Date.now()}.${++requestNo}`,
        actions: [
          {
            action_id: a.actionId,
            block_id: a.blockId ?? 'b',
            value: a.value ?? '',
            type: 'button',
            action_ts: String(Date.now() / 1000),
          },
        ],
      };
      const res = await signedPost(new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
      const expect = a.expect ?? 0;
      const responses = expect > 0 ? await slack.waitForResponse(r.id, expect) : slack.responsesFor(r.id);
      return { status: res.status, responses };
    },
    async viewSubmission(v) {
      const user = v.user ?? 'U0STAFF';
      const payload = {
        type: 'view_submission',
        team: { id: FAKE_TEAM, domain: 'test' },
        user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: FAKE_TEAM },
        api_app_id: 'A0SMX',
        token: 'legacy-verification-token',
        trigger_id: `trigger.${Date.now()}.${++requestNo}`,
        view: {
          id: 'V0VIEW',
          type: 'modal',
          callback_id: v.callbackId,
          private_metadata: v.privateMetadata ?? '',
          state: { values: v.values },
          hash: 'h',
        },
      };
      const res = await signedPost(new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
      const text = await res.text();
      let body: unknown = text;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        /* not JSON */
      }
      return { status: res.status, body };
    },
    async stop() {
      await smx.stop();
      if (ownsSlack) await slack.close();
    },
  };
}

/** A fake outside API (X, Facebook Graph…) that a test app talks to: started first, its env merged in, closed last. */
export interface EdgeFake {
  start(): Promise<unknown>;
  env(): Record<string, string>;
  close(): Promise<void>;
}

export interface ApprovalsApp<F extends EdgeFake> {
  t: TestApp;
  slack: FakeSlack;
  target: F;
}

/**
 * The usual set-up of a publishing test: a fake Slack, one fake target API, and the app with an approvals channel
 * and approvers (`env` adds or overrides variables). `stopApprovalsApp` stops them in the reverse order.
 */
export async function startApprovalsApp<F extends EdgeFake>(
  db: Database,
  target: F,
  opts: { channel: string; approvers: string } & Omit<StartOptions, 'db' | 'slack'>,
): Promise<ApprovalsApp<F>> {
  const { channel, approvers, env, ...rest } = opts;
  const slack = await new FakeSlack().start();
  await target.start();
  const t = await startTestApp({
    ...rest,
    db,
    slack,
    env: { ...target.env(), SMX_APPROVALS_CHANNEL: channel, SMX_APPROVERS: approvers, ...env },
  });
  return { t, slack, target };
}

export async function stopApprovalsApp(app: ApprovalsApp<EdgeFake>): Promise<void> {
  await app.t.stop();
  await app.slack.close();
  await app.target.close();
}

/** Sends a signed `app_home_opened` event for `user` and returns the Home view smx publishes for them. */
export async function openHome(
  t: TestApp,
  user: string,
): Promise<{ type: string; blocks: Array<Record<string, unknown>> }> {
  const body = JSON.stringify({
    token: 'legacy',
    team_id: FAKE_TEAM,
    api_app_id: 'A0SMX',
    type: 'event_callback',
    event_id: `Ev${user}${Date.now()}`,
    event_time: Math.floor(Date.now() / 1000),
    event: {
      type: 'app_home_opened',
      user,
      channel: `D${user}`,
      tab: 'home',
      event_ts: String(Date.now() / 1000),
    },
  });
  const before = t.slack.callsOf('views.publish').length;
  const res = await t.post('/slack/events', body, {
    'content-type': 'application/json',
    ...slackSignature(body),
  });
  if (res.status !== 200) throw new Error(`app_home_opened answered ${res.status}`);
  const call = await t.slack.waitForCall(
    'views.publish',
    (c) => c.args.user_id === user && t.slack.callsOf('views.publish').indexOf(c) >= before,
  );
  return call.args.view as { type: string; blocks: Array<Record<string, unknown>> };
}

/** The visible text of a Slack message body (text fallback plus every text in its blocks). */
export function visibleText(body: Record<string, unknown> | undefined): string {
  if (!body) return '';
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') return;
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'text' && typeof x === 'string') out.push(x);
        else walk(x);
      }
    }
  };
  if (typeof body.text === 'string') out.push(body.text);
  walk(body.blocks);
  return out.join('\n');
}

/**
 * One publisher tick, then a wait (bounded) for the Slack notifications it queued (card update, thread reply, DMs),
 * which the outbox sends in the background — so a test can read the card right after.
 */
export async function publishTick(
  ctx: SmxContext,
  client: WebClient,
  opts?: Parameters<typeof publishDue>[2],
): Promise<Awaited<ReturnType<typeof publishDue>>> {
  const summary = await publishDue(ctx, client, opts);
  await outboxSettled(15_000);
  return summary;
}

/** Waits until `check` holds (work that Slack's ack does not wait for, e.g. a modal submission's effect). */
export async function waitUntil(check: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
