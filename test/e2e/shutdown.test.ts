/**
 * Graceful shutdown of the real process: smx runs as a child (`src/main.ts` through tsx) against the fake Slack, a
 * slow fake X and this file's database; SIGTERM arrives while a tweet is being sent.
 *  - within the grace period the publish finishes, is recorded, and smx exits 0 — no `needs_check`;
 *  - past it, smx still exits 0 and records the publish as interrupted at once; the next start never resends it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { WebClient } from '@slack/web-api';
import { Audit } from '../../models/audit';
import { Post } from '../../models/post';
import { approvePost } from '../../src/services/post-decisions';
import { toView } from '../../src/services/post-view';
import { createPost } from '../../src/services/posts';
import { FAKE_BOT_TOKEN, FakeSlack } from '../fakes/slack';
import { FakeX } from '../fakes/x';
import { testContext } from '../support/app';
import { testDbUri, useTestDatabase } from '../support/db';
import { TEST_SIGNING_SECRET } from '../support/signing';

const ROOT = path.join(__dirname, '..', '..');
const CHANNEL = 'C0APPROVALS';
const NEVER = '0 0 1 1 *';

interface Running {
  child: ChildProcess;
  out: () => string;
  exited: Promise<number | null>;
}

async function view(shortId: string) {
  const doc = await Post.findOne({ shortId });
  if (!doc) throw new Error(`post ${shortId} missing`);
  return toView(doc);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  ms = 60_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('graceful shutdown: SIGTERM during a publish', () => {
  const db = useTestDatabase();
  let slack: FakeSlack;
  let x: FakeX;
  let delayMs = 0;
  let sending = 0;

  beforeAll(async () => {
    slack = await new FakeSlack().start();
    x = await new FakeX().start();
    // A slow X: the tweet is stored only once the (slow) answer is sent.
    x.route('POST', '/2/tweets', async (req) => {
      sending++;
      await sleep(delayMs);
      const id = String(8000 + x.tweets.length);
      x.tweets.push({ id, text: String(req.fields.text ?? ''), body: req.fields });
      return { status: 201, body: { data: { id, text: req.fields.text } } };
    });
  });
  afterAll(async () => {
    await slack.close();
    await x.close();
  });

  function env(grace: number): Record<string, string> {
    const u = new URL(testDbUri());
    u.pathname = `/${db().connection.name}`;
    return {
      PATH: process.env.PATH ?? '',
      SLACK_BOT_TOKEN: FAKE_BOT_TOKEN,
      SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      PORT: '0',
      MONGODB_URI: u.toString(),
      SMX_TIMEZONE: 'Asia/Kolkata',
      SMX_APPROVALS_CHANNEL: CHANNEL,
      SMX_APPROVERS: 'U0BOSS',
      // The publisher every second; nothing else runs.
      SMX_PUBLISH_CRON: '* * * * * *',
      SMX_INGEST_CRON: NEVER,
      SMX_DIGEST_CRON: NEVER,
      SMX_SNAPSHOT_CRON: NEVER,
      SMX_REPORT_CRON: NEVER,
      SMX_SHUTDOWN_GRACE_SECONDS: String(grace),
      LOG_LEVEL: 'info',
      ...x.env(),
    };
  }

  function start(grace: number): Running {
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', path.join(ROOT, 'src', 'main.ts')], {
      cwd: ROOT,
      env: env(grace),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, out: () => out, exited };
  }

  /** An approved post due now, drafted and approved through the services against this database. */
  async function approvedPost(text: string) {
    const ctx = testContext(db(), slack, {
      env: { ...x.env(), SMX_APPROVALS_CHANNEL: CHANNEL, SMX_APPROVERS: 'U0BOSS' },
    });
    const client = new WebClient(FAKE_BOT_TOKEN, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
    const post = await createPost(ctx, client, {
      authorId: 'U0STAFF',
      targets: ['x'],
      when: { at: ctx.now(), now: true },
      text,
    });
    const res = await approvePost(ctx, client, post.shortId, 1, 'U0BOSS');
    expect(res.kind).toBe('ok');
    return post.shortId;
  }

  /** Starts smx, sends SIGTERM once X has the tweet request, and waits for the process to exit. */
  async function sigtermWhileSending(text: string, grace: number, xDelayMs: number) {
    delayMs = xDelayMs;
    const id = await approvedPost(text);
    const sendingBefore = sending;
    const smx = start(grace);
    await until('the tweet to be on its way', () => sending > sendingBefore);
    const signalled = Date.now();
    smx.child.kill('SIGTERM');
    const code = await smx.exited;
    const tookMs = Date.now() - signalled;
    const tweetedBeforeExit = x.tweets.some((t) => t.text === text);
    return { id, code, tookMs, out: smx.out(), tweetedBeforeExit };
  }

  test('within the grace period: the tweet goes out once, is recorded, and smx exits 0', async () => {
    const { id, code, tookMs, out, tweetedBeforeExit } = await sigtermWhileSending(
      'Shutdown while sending, with time to finish #CityHospital',
      20,
      3000,
    );
    expect(code).toBe(0);
    // It waited for X's slow answer instead of exiting at once.
    expect(tweetedBeforeExit).toBe(true);
    expect((await view(id)).results.x?.status).toBe('published');
    expect(x.tweets.filter((t) => t.text.startsWith('Shutdown while sending, with time')).length).toBe(1);
    const results = await Audit.find({ entityId: id, action: 'publish_result' }).lean();
    expect(results.map((r) => (r.after as { status: string }).status)).toEqual(['published']);
    expect(out).toContain('"finished":true');
    process.stdout.write(`shutdown within grace: exited ${code} ${tookMs} ms after SIGTERM\n`);

    // It was settled before exiting; the next start sends nothing again.
    expect((await view(id)).status).toBe('published');
    const again = start(20);
    await until('smx to be running', () => again.out().includes('jobs scheduled'));
    await sleep(2500); // a few publisher ticks
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
    expect(x.tweets.filter((t) => t.text.startsWith('Shutdown while sending, with time')).length).toBe(1);
  }, 120_000);

  test('past the grace period: exits 0 at the deadline, the publish is recorded as interrupted, never resent', async () => {
    const { id, code, tookMs, tweetedBeforeExit } = await sigtermWhileSending(
      'Shutdown while sending, no time left #CityHospital',
      1,
      8000,
    );
    expect(code).toBe(0);
    // It left at the deadline, before X answered.
    expect(tweetedBeforeExit).toBe(false);
    const result = (await view(id)).results.x;
    expect(result?.status).toBe('needs_check');
    expect(result?.error).toContain('smx was stopped');
    process.stdout.write(`shutdown past grace: exited ${code} ${tookMs} ms after SIGTERM\n`);

    // Restarted: the post settles as needs_check at once (no 15-minute wait) and X is not called again.
    const calls = sending;
    const again = start(20);
    await until('smx to be running', () => again.out().includes('jobs scheduled'));
    await until('the post to settle', async () =>
      (await Post.findOne({ shortId: id }).lean())?.status === 'needs_check' ? true : undefined,
    );
    await sleep(2500); // a few more publisher ticks
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
    expect(sending).toBe(calls);
    const thread = slack.calls.filter(
      (c) =>
        c.method === 'chat.postMessage' &&
        String(c.args.text).includes(`I don't know whether ${id} reached X`),
    );
    expect(thread.length).toBe(1);
  }, 120_000);
});
