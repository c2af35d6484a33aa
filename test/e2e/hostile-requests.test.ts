/**
 * Hostile and broken requests (issue 9, deliverable 8): ~100 signed-but-malformed, unsigned, replayed, oversized,
 * deeply nested and non-UTF-8 requests against the real app. None may crash the process or get a 5xx, none may
 * change anything, a repeated delivery acts once, and the app is still serving afterwards.
 */
import { createHmac } from 'node:crypto';
import { request } from 'node:http';
import { Audit } from '../../models/audit';
import { CannedPost } from '../../models/canned-post';
import { Post } from '../../models/post';
import { Review } from '../../models/review';
import { SeenRequest } from '../../models/seen-request';
import { TagGuideline } from '../../models/tag-guideline';
import { Visit } from '../../models/visit';
import { signWebhook } from '../../src/http/signed-webhook';
import { expireSeenRequests } from '../../src/http/slack-guard';
import {
  POST_ACTION_IDS,
  POST_CALLBACK_IDS,
  REPLY_BLOCK_IDS,
  REPLY_CALLBACK_IDS,
  REPLY_INPUT_IDS,
  REVIEW_ACTION_IDS,
} from '../../src/slack/ids';
import { FakeSlack } from '../fakes/slack';
import { FakeX } from '../fakes/x';
import { FORM, startTestApp, type TestApp } from '../support/app';
import { useTestDatabase } from '../support/db';
import { TEST_SIGNING_SECRET } from '../support/signing';

const CHANNEL = 'C0APPROVALS';
const WEBHOOK_SECRET = 'hook-secret';

const nowSec = () => Math.floor(Date.now() / 1000);
let uniq = 0;
let responseBase = '';

function signed(body: string | Buffer, ts = nowSec()): Record<string, string> {
  const sig = createHmac('sha256', TEST_SIGNING_SECRET).update(`v0:${ts}:`).update(body).digest('hex');
  return { 'x-slack-signature': `v0=${sig}`, 'x-slack-request-timestamp': String(ts) };
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const payloadBody = (p: unknown) => form({ payload: typeof p === 'string' ? p : JSON.stringify(p) });
const user = { id: 'U0STAFF', username: 'staff', team_id: 'T0TEST' };
const action = (actionId: string, value: unknown) => ({
  type: 'block_actions',
  user,
  team: { id: 'T0TEST' },
  channel: { id: CHANNEL },
  container: { type: 'message', message_ts: '1.000', channel_id: CHANNEL },
  message: { ts: '1.000', text: '', blocks: [] },
  trigger_id: `t.${++uniq}`,
  actions: [{ action_id: actionId, block_id: 'b', value, type: 'button', action_ts: '1' }],
});
const submission = (callbackId: string, metadata: unknown, values: unknown = {}) => ({
  type: 'view_submission',
  user,
  team: { id: 'T0TEST' },
  trigger_id: `t.${++uniq}`,
  view: { id: 'V1', type: 'modal', callback_id: callbackId, private_metadata: metadata, state: { values } },
});
const command = (fields: Record<string, string>) =>
  form({
    token: 'x',
    team_id: 'T0TEST',
    channel_id: 'C0GENERAL',
    user_id: 'U0STAFF',
    command: '/smx',
    text: 'help',
    response_url: `${responseBase}/respond/hostile`,
    trigger_id: `t.${++uniq}`,
    ...fields,
  });

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

interface Case {
  name: string;
  body: string | Buffer;
  headers?: Record<string, string>;
  path?: string;
  /** Leave the Slack signature off or change it (auth cases). */
  sign?: false | number;
  contentType?: string;
}

const GARBAGE_VALUES: unknown[] = [
  '',
  'x',
  ':',
  'P1:abc',
  'ZZZZZ:1',
  `${'A'.repeat(5000)}:1`,
  '../../etc',
  '😀:1',
  null,
  42,
  { a: 1 },
];
const GARBAGE_METADATA: unknown[] = [
  '',
  'garbage',
  'P1:1|zzz',
  'PXXXXX:99',
  '{"a":1}',
  'A'.repeat(3000),
  42,
  null,
];

const slackCases: Case[] = [
  // payload that is not an interaction object at all
  ...['null', 'true', '1', '"text"', '[]', '{}', 'not json', '{"type":5}', '{"type":"block_actions"}'].map(
    (p) => ({
      name: `payload=${p}`,
      body: form({ payload: p }),
    }),
  ),
  { name: 'payload given twice', body: `${form({ payload: '{}' })}&${form({ payload: '{}' })}` },
  // block_actions without what they need
  ...[undefined, null, {}, { id: 7 }, { name: 'x' }].map((u) => ({
    name: `block_actions with user=${JSON.stringify(u)}`,
    body: payloadBody({ ...action(POST_ACTION_IDS.approve, 'P1:1'), user: u }),
  })),
  ...[undefined, null, [], [null], [{}], [{ action_id: 5 }], 'x'].map((a) => ({
    name: `block_actions with actions=${JSON.stringify(a)}`,
    body: payloadBody({ ...action(POST_ACTION_IDS.approve, 'P1:1'), actions: a }),
  })),
  // every button with garbage values
  ...[...Object.values(POST_ACTION_IDS), ...Object.values(REVIEW_ACTION_IDS)].flatMap((id) =>
    GARBAGE_VALUES.filter((_, i) => i % 2 === 0 || id === POST_ACTION_IDS.approve).map((v) => ({
      name: `${id} with value ${JSON.stringify(v)?.slice(0, 20)}`,
      body: payloadBody(action(id, v)),
    })),
  ),
  // view submissions without state, or with garbage private_metadata
  ...[undefined, null, {}, { callback_id: POST_CALLBACK_IDS.edit }].map((v) => ({
    name: `view_submission with view=${JSON.stringify(v)}`,
    body: payloadBody({ ...submission(POST_CALLBACK_IDS.edit, 'P1:1'), view: v }),
  })),
  ...Object.values(POST_CALLBACK_IDS).flatMap((cb) =>
    GARBAGE_METADATA.map((m) => ({
      name: `${cb} with private_metadata ${JSON.stringify(m)?.slice(0, 20)}`,
      body: payloadBody(submission(cb, m, { post_text: { text: { type: 'plain_text_input', value: 'x' } } })),
    })),
  ),
  {
    name: 'view_submission without user',
    body: payloadBody({ ...submission(POST_CALLBACK_IDS.edit, 'P1:1'), user: undefined }),
  },
  // slash commands without what they need
  { name: 'command without user_id', body: command({ user_id: '' }) },
  { name: 'command without command', body: command({ command: '' }) },
  { name: 'command with text twice', body: `${command({})}&text=again` },
  { name: 'another command', body: command({ command: '/other' }) },
  // JSON bodies (Events API)
  ...[
    'null',
    '[]',
    '{}',
    '{"type":"event_callback"}',
    '{"type":"event_callback","event":{"type":"app_home_opened"}}',
    'nope',
  ].map((b) => ({
    name: `event body ${b}`,
    body: b,
    contentType: 'application/json',
  })),
  { name: 'unknown content type', body: 'hello', contentType: 'text/plain' },
  // bytes and shapes no parser should have to walk
  {
    name: 'non-UTF-8 payload',
    body: Buffer.concat([Buffer.from('payload='), Buffer.from([0xff, 0xfe, 0xc3, 0x28])]),
  },
  { name: 'non-UTF-8 event', body: Buffer.from([0x7b, 0xff, 0x7d]), contentType: 'application/json' },
  { name: 'deeply nested payload', body: form({ payload: `{"type":"block_actions","x":${nested(5000)}}` }) },
  {
    name: 'deeply nested event',
    body: `{"type":"event_callback","event":${nested(5000)}}`,
    contentType: 'application/json',
  },
  { name: 'body over 4 MB', body: Buffer.alloc(4 * 1024 * 1024 + 10, 0x61) },
  // signatures
  { name: 'no signature', body: command({}), sign: false },
  { name: 'timestamp 10 minutes in the future', body: command({}), sign: nowSec() + 600 },
  { name: 'timestamp 10 years in the future', body: command({}), sign: nowSec() + 10 * 365 * 86400 },
  { name: 'timestamp 10 minutes old', body: command({}), sign: nowSec() - 600 },
  { name: 'wrong signature', body: command({}), headers: { 'x-slack-signature': `v0=${'0'.repeat(64)}` } },
];

const webhookCases: Array<Case & { want: number }> = [
  {
    name: 'feedback body over 5 MB',
    path: '/hooks/feedback',
    body: Buffer.alloc(5 * 1024 * 1024 + 10, 0x20),
    want: 413,
  },
  {
    name: 'visits body over 64 KB',
    path: '/hooks/visits',
    body: Buffer.alloc(64 * 1024 + 10, 0x20),
    want: 413,
  },
  { name: 'feedback nested 5000 deep', path: '/hooks/feedback', body: nested(5000), want: 400 },
  { name: 'visits nested 100 deep', path: '/hooks/visits', body: `{"month":${nested(100)}}`, want: 400 },
  { name: 'feedback not UTF-8', path: '/hooks/feedback', body: Buffer.from([0x5b, 0xff, 0x5d]), want: 400 },
  { name: 'feedback null', path: '/hooks/feedback', body: 'null', want: 400 },
];

describe('hostile requests: 0 crashes, 0 5xx, no state change, repeated deliveries act once', () => {
  const db = useTestDatabase();
  let t: TestApp;
  let slack: FakeSlack;
  let x: FakeX;
  const crashes: unknown[] = [];
  const onCrash = (err: unknown) => crashes.push(err);

  beforeAll(async () => {
    process.on('unhandledRejection', onCrash);
    process.on('uncaughtException', onCrash);
    slack = await new FakeSlack().start();
    responseBase = slack.url;
    x = await new FakeX().start();
    t = await startTestApp({
      db: db(),
      slack,
      env: {
        ...x.env(),
        SMX_APPROVALS_CHANNEL: CHANNEL,
        SMX_APPROVERS: 'U0BOSS',
        SMX_WEBHOOK_SECRET: WEBHOOK_SECRET,
      },
    });
  });
  afterAll(async () => {
    process.off('unhandledRejection', onCrash);
    process.off('uncaughtException', onCrash);
    await t.stop();
    await slack.close();
    await x.close();
  });

  const counts = async () => ({
    posts: await Post.countDocuments(),
    audit: await Audit.countDocuments(),
    reviews: await Review.countDocuments(),
    canned: await CannedPost.countDocuments(),
    tags: await TagGuideline.countDocuments(),
    visits: await Visit.countDocuments(),
    // Private answers (ephemerals, DMs saying nothing was changed) are fine; posts to channels and modals are not.
    writes: slack.calls.filter(
      (c) =>
        ['chat.postMessage', 'chat.update', 'views.open'].includes(c.method) &&
        !String(c.args.channel ?? '').startsWith('D'),
    ).length,
  });

  async function send(c: Case): Promise<number> {
    const headers: Record<string, string> = {
      'content-type': c.contentType ?? FORM,
      ...(c.sign === false ? {} : signed(c.body, c.sign)),
      ...c.headers,
    };
    try {
      const res = await fetch(`${t.url}${c.path ?? '/slack/events'}`, {
        method: 'POST',
        body: c.body,
        headers,
      });
      await res.arrayBuffer();
      return res.status;
    } catch {
      // A reset connection is a failure too: the sender never learns why.
      return -1;
    }
  }

  test(`${slackCases.length + webhookCases.length} hostile requests: every answer is 2xx/4xx, nothing changes`, async () => {
    const before = await counts();
    const bad: string[] = [];
    for (const c of slackCases) {
      const status = await send(c);

      if (status < 200 || status >= 500) bad.push(`${c.name}: ${status}`);
    }
    for (const c of webhookCases) {
      const ts = nowSec();
      const status = await send({
        ...c,
        sign: false,
        contentType: 'application/json',
        headers: {
          'x-smx-timestamp': String(ts),
          'x-smx-signature': signWebhook(c.body, WEBHOOK_SECRET, ts),
        },
      });
      if (status !== c.want) bad.push(`${c.name}: ${status}, expected ${c.want}`);
    }
    // Let any work a listener started in the background finish before counting.
    await new Promise((r) => setTimeout(r, 300));
    expect(bad).toEqual([]);
    expect(crashes).toEqual([]);
    const after = await counts();
    expect(after).toEqual(before);
    // Still serving.
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    expect(slackCases.length + webhookCases.length).toBeGreaterThanOrEqual(100);
  }, 120_000);

  test('the same signed /smx schedule delivered 3× acts once: one post, one card', async () => {
    const body = command({ text: 'schedule to:x tomorrow 9am | Replayed #CityHospital' });
    const headers = { 'content-type': FORM, ...signed(body) };
    const answersBefore = slack.responsesFor('hostile').length;
    const statuses = await Promise.all(
      [0, 1, 2].map(() =>
        fetch(`${t.url}/slack/events`, { method: 'POST', body, headers }).then((r) => r.status),
      ),
    );
    expect(statuses).toEqual([200, 200, 200]);
    await new Promise((r) => setTimeout(r, 300));
    expect(slack.responsesFor('hostile').length - answersBefore).toBe(1);
    expect(await Post.countDocuments({ text: 'Replayed #CityHospital' })).toBe(1);
    expect(slack.channelMessages(CHANNEL).filter((m) => m.text.includes('Replayed'))).toHaveLength(1);
    // Slack's retry of an event (new signature, same event_id) is handled once too.
    const event = JSON.stringify({
      type: 'event_callback',
      event_id: 'Ev0REPLAY',
      team_id: 'T0TEST',
      event: { type: 'app_home_opened', user: 'U0STAFF', tab: 'home' },
    });
    const published = () => slack.callsOf('views.publish').length;
    const first = published();
    await fetch(`${t.url}/slack/events`, {
      method: 'POST',
      body: event,
      headers: { 'content-type': 'application/json', ...signed(event) },
    });
    await fetch(`${t.url}/slack/events`, {
      method: 'POST',
      body: event,
      headers: {
        'content-type': 'application/json',
        'x-slack-retry-num': '1',
        ...signed(event, nowSec() - 1),
      },
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(published() - first).toBe(1);
  });

  /** Sends one request as given, path unnormalised (fetch would resolve `/./` itself). */
  const raw = (path: string, body: string, headers: Record<string, string>) =>
    new Promise<number>((resolve, reject) => {
      const url = new URL(t.url);
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path,
          method: 'POST',
          headers: { 'content-type': FORM, ...headers },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  test('every path Bolt takes for /slack/events passes the guard: unsigned, they are refused and change nothing', async () => {
    // Bolt matches the URL's pathname, so these all reach its event handler, which no longer checks signatures itself.
    const paths = [
      '/slack/./events',
      '/slack/x/../events',
      '/slack/%2e/events',
      '/slack/events?x=1',
      '/slack/events#f',
    ];
    const before = await counts();
    const body = command({ text: 'schedule to:x tomorrow 9am | Unsigned #CityHospital' });
    const statuses = await Promise.all(paths.map((p) => raw(p, body, {})));
    expect(statuses).toEqual(paths.map(() => 401));
    // Signed, the same path variant is served: it is the same endpoint.
    const ok = command({});
    expect(await raw('/slack/./events', ok, signed(ok))).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(await counts()).toEqual(before);
  });

  test('a button click delivered 3× is answered once; a modal submitted 3× acts once', async () => {
    // A click on a card that names no post: the clicker is told so, privately — once.
    const click = payloadBody(action(POST_ACTION_IDS.approve, 'PNONE:1'));
    const ephemerals = () => slack.callsOf('chat.postEphemeral').length;
    const before = ephemerals();
    const clickHeaders = { 'content-type': FORM, ...signed(click) };
    const statuses = await Promise.all(
      [0, 1, 2].map(() =>
        fetch(`${t.url}/slack/events`, { method: 'POST', body: click, headers: clickHeaders }).then(
          (r) => r.status,
        ),
      ),
    );
    expect(statuses).toEqual([200, 200, 200]);
    await new Promise((r) => setTimeout(r, 300));
    expect(ephemerals() - before).toBe(1);

    // A submission is checked and acted on before its ack, so its claim is awaited first: one DM, three 200s.
    const submit = payloadBody(
      submission(REPLY_CALLBACK_IDS.override, 'not-a-post', {
        [REPLY_BLOCK_IDS.reason]: {
          [REPLY_INPUT_IDS.reason]: { type: 'plain_text_input', value: 'The patient asked us to post it.' },
        },
      }),
    );
    const dms = () =>
      slack.callsOf('chat.postMessage').filter((c) => String(c.args.channel).startsWith('D')).length;
    const dmsBefore = dms();
    const submitHeaders = { 'content-type': FORM, ...signed(submit) };
    const answers = await Promise.all(
      [0, 1, 2].map(() =>
        fetch(`${t.url}/slack/events`, { method: 'POST', body: submit, headers: submitHeaders }).then(
          (r) => r.status,
        ),
      ),
    );
    expect(answers).toEqual([200, 200, 200]);
    await new Promise((r) => setTimeout(r, 300));
    expect(dms() - dmsBefore).toBe(1);
  });

  test('seen requests are forgotten by the expire job after the replay window', async () => {
    expect(await SeenRequest.countDocuments()).toBeGreaterThan(0);
    await expireSeenRequests(new Date(Date.now() + 11 * 60_000));
    expect(await SeenRequest.countDocuments()).toBe(0);
  });
});
