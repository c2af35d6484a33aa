/**
 * The Slack notifications that follow a publish (card update, thread reply, DMs) go through a durable outbox, so
 * the publisher's tick never waits on Slack (issue 15) and nothing is lost when Slack hangs or smx restarts:
 *  1. enqueue = insert into `slack_outbox` with an `_id` naming what is announced (a duplicate insert is a no-op);
 *  2. delivery starts at once in the background; each attempt is claimed by inserting `outbox:<id>:<attempt>`
 *     (exactly one instance sends an attempt; the claim stays until the entry is forgotten, so an attempt that
 *     finished can never be claimed again) and bounded by SEND_TIMEOUT_MS;
 *  3. a failed or timed-out attempt is retried with a backoff by the `slack-outbox` job (every minute, and so after
 *     a restart); an attempt whose sender died is taken over once its lease has passed. A notification Slack still
 *     refuses after MAX_ATTEMPTS, or refuses for good (message_not_found, not_in_channel …), is given up and logged
 *     at error level with the post's id; the outcome itself is stored and shown by `/smx queue` and `/smx audit`.
 * Delivery is at-least-once: a call that timed out here may still reach Slack later. Cards are rendered from the
 * post at send time, so a late or repeated card update never shows an old state.
 */
import type { WebClient } from '@slack/web-api';
import { Claim } from '../../models/claim';
import { Post } from '../../models/post';
import { SlackOutbox, type SlackOutboxDoc } from '../../models/slack-outbox';
import type { SmxContext } from '../context';
import { slackErrorCode, withSlackRetry } from '../slack/calls';
import { getClaim, isDuplicateKey, tryClaim } from './claims';
import { type PostView, toView } from './post-view';
import { refreshCard } from './posts';

/** One attempt's bound, whatever the Web API client's own timeout and retries. */
export const SEND_TIMEOUT_MS = 30_000;
/** An attempt claimed longer ago than this without an outcome belongs to a sender that died. */
export const ATTEMPT_LEASE_MS = 2 * 60_000;
export const MAX_ATTEMPTS = 10;
/** Delivered entries are kept this long, so a late duplicate enqueue of the same notification is still a no-op. */
export const KEEP_DELIVERED_MS = 24 * 3600_000;
/** Given-up entries are kept this long for whoever looks into them. */
export const KEEP_GIVEN_UP_MS = 7 * 24 * 3600_000;
const BACKOFF_BASE_MS = 30_000;
const BACKOFF_MAX_MS = 15 * 60_000;

/** Slack errors no retry can fix: the message, channel or user is gone, or smx may not post there. */
const PERMANENT = new Set([
  'message_not_found',
  'cant_update_message',
  'edit_window_closed',
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'user_not_found',
  'user_disabled',
  'cannot_dm_bot',
  'invalid_blocks',
  'msg_too_long',
  'msg_blocks_too_long',
  'invalid_auth',
  'token_revoked',
  'account_inactive',
  'missing_scope',
]);

export type OutboxItem =
  | { what: 'card'; post: PostView; label: string }
  | {
      what: 'message';
      post: PostView;
      key: string;
      label: string;
      channel: string;
      threadTs?: string;
      text: string;
      blocks?: unknown[];
    }
  | {
      what: 'dm';
      post: PostView;
      key: string;
      label: string;
      user: string;
      text: string;
      blocks?: unknown[];
    };

/** What the card shows depends on these; a card entry per distinct state, so two instances enqueue one. */
function cardState(post: PostView): string {
  const results = post.targets.map((t) => post.results[t]?.status ?? '-').join(',');
  return `${post.version}:${post.status}:${results}`;
}

function entryId(item: OutboxItem): string {
  return item.what === 'card' ? `card:${item.post.id}:${cardState(item.post)}` : `${item.what}:${item.key}`;
}

/** Deliveries started by this process and not finished (tests and shutdown may wait for them). */
const inFlight = new Set<Promise<void>>();

/**
 * Stores the notification and starts delivering it without waiting. Throws only if the database refuses the
 * insert (the caller logs it; the outcome it announces is already stored).
 */
export async function enqueueSlack(ctx: SmxContext, client: WebClient, item: OutboxItem): Promise<void> {
  const _id = entryId(item);
  const now = ctx.now();
  let entry: Entry;
  try {
    entry = await SlackOutbox.create({
      _id,
      what: item.what,
      postId: item.post.id,
      label: item.label,
      channel: item.what === 'message' ? item.channel : null,
      threadTs: item.what === 'message' ? (item.threadTs ?? null) : null,
      user: item.what === 'dm' ? item.user : null,
      text: item.what === 'card' ? null : item.text,
      blocks: item.what !== 'card' && item.blocks ? JSON.stringify(item.blocks) : null,
      attempts: 0,
      nextAt: now,
      createdAt: now,
    }).then((d) => d.toObject() as Entry);
  } catch (err) {
    if (isDuplicateKey(err)) return; // already announced (another instance, or an earlier tick)
    throw err;
  }
  startDelivery(ctx, client, entry);
}

function startDelivery(ctx: SmxContext, client: WebClient, entry: Entry): void {
  const id = entry._id;
  const p: Promise<void> = attempt(ctx, client, entry, {})
    .then(() => undefined)
    .catch((err: unknown) =>
      ctx.logger.error({ err, outbox: id }, 'Slack outbox delivery failed unexpectedly'),
    )
    .finally(() => {
      inFlight.delete(p);
    });
  inFlight.add(p);
}

/** Resolves once every delivery this process started has finished (or after `ms`); returns how many are left. */
export async function outboxSettled(ms: number): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.allSettled([...inFlight]),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
  return inFlight.size;
}

function withTimeout<T>(call: () => Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    call(),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer from Slack within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

type Entry = SlackOutboxDoc & { _id: string };

async function send(ctx: SmxContext, client: WebClient, e: Entry): Promise<void> {
  const blocks = e.blocks ? (JSON.parse(e.blocks) as unknown[]) : undefined;
  if (e.what === 'card') {
    // Rendered now from the stored post; if the post changed while the update was on its way, send the newer one.
    for (let i = 0; i < 3; i++) {
      const doc = await Post.findById(e.postId);
      if (!doc) return;
      const post = toView(doc);
      await refreshCard(ctx, client, post);
      const after = await Post.findById(e.postId);
      if (!after || cardState(toView(after)) === cardState(post)) return;
    }
    return;
  }
  let channel = e.channel ?? undefined;
  if (e.what === 'dm' && e.user) {
    const user = e.user;
    const open = await withSlackRetry(() => client.conversations.open({ users: user }));
    channel = open.channel?.id;
  }
  if (!channel || e.text === null || e.text === undefined) return;
  const args = {
    channel,
    text: e.text,
    ...(e.threadTs ? { thread_ts: e.threadTs } : {}),
    ...(blocks ? { blocks: blocks as never } : {}),
  };
  await withSlackRetry(() => client.chat.postMessage(args));
}

const attemptKey = (id: string, attempt: number) => `outbox:${id}:${attempt}`;

function backoffMs(attempts: number): number {
  return Math.min(BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1), BACKOFF_MAX_MS);
}

export type DeliveryOutcome = 'delivered' | 'retry' | 'gave_up' | 'busy' | 'done';

/** Makes one attempt at entry `id` if it is due and nobody else is making it. */
export async function deliverEntry(
  ctx: SmxContext,
  client: WebClient,
  id: string,
  opts: { timeoutMs?: number } = {},
): Promise<DeliveryOutcome> {
  const e = await SlackOutbox.findById(id).lean<Entry>();
  if (!e || e.deliveredAt || e.gaveUpAt) return 'done';
  if (e.nextAt.getTime() > ctx.now().getTime()) return 'busy';
  return attempt(ctx, client, e, opts);
}

/** Attempt `e.attempts + 1` of entry `e`, if this instance wins its claim. */
async function attempt(
  ctx: SmxContext,
  client: WebClient,
  e: Entry,
  opts: { timeoutMs?: number },
): Promise<DeliveryOutcome> {
  const id = e._id;
  const now = ctx.now();
  const n = e.attempts + 1;
  const key = attemptKey(id, n);
  if (!(await tryClaim(key, ctx.instanceId, now))) {
    const claim = await getClaim(key);
    const current = await SlackOutbox.findById(id).lean<Entry>();
    if (!current || current.deliveredAt || current.gaveUpAt) return 'done';
    if (
      claim &&
      current.attempts === e.attempts &&
      now.getTime() - new Date(claim.claimedAt).getTime() > ATTEMPT_LEASE_MS
    ) {
      // Its sender stopped mid-attempt: count the attempt as failed; the next try is attempt n + 1. Every instance
      // that finds it writes the same values, so concurrent take-overs agree.
      await SlackOutbox.updateOne(
        { _id: id },
        { $set: { attempts: n, nextAt: now, lastError: 'the sender stopped before Slack answered' } },
      );
    }
    return 'busy';
  }
  const log = ctx.logger.child({ outbox: id, postId: e.postId, notification: e.label, attempt: n });
  try {
    await withTimeout(() => send(ctx, client, e), opts.timeoutMs ?? SEND_TIMEOUT_MS, e.label);
    await SlackOutbox.updateOne({ _id: id }, { $set: { attempts: n, deliveredAt: ctx.now() } });
    if (n > 1) log.info('Slack notification delivered after a retry');
    return 'delivered';
  } catch (err) {
    const code = slackErrorCode(err);
    const error = code ?? (err instanceof Error ? err.message : String(err)).slice(0, 300);
    const giveUp = (code !== undefined && PERMANENT.has(code)) || n >= MAX_ATTEMPTS;
    const at = ctx.now();
    await SlackOutbox.updateOne(
      { _id: id },
      {
        $set: {
          attempts: n,
          lastError: error,
          ...(giveUp ? { gaveUpAt: at } : { nextAt: new Date(at.getTime() + backoffMs(n)) }),
        },
      },
    );
    if (giveUp) {
      log.error({ error }, 'Slack notification given up; the outcome is stored (see /smx queue, /smx audit)');
      return 'gave_up';
    }
    log.warn({ error, retryInMs: backoffMs(n) }, 'Slack notification not delivered; will retry');
    return 'retry';
  }
}

export interface GivenUp {
  /** The post's short id ("P1A2B3"), or its database id when the post is gone. */
  post: string;
  label: string;
  error: string | null;
  at: Date;
}

/**
 * Notifications given up and not yet forgotten (the last KEEP_GIVEN_UP_MS), newest first, at most `limit` of them,
 * with how many there are: what `/smx status` shows, so a card or DM Slack never got is not only in the logs.
 * The outbox is small (entries are forgotten a day after delivery), so this reads it whole.
 */
export async function givenUpNotifications(limit = 5): Promise<{ count: number; items: GivenUp[] }> {
  const all = await SlackOutbox.find({ gaveUpAt: { $ne: null } })
    .select({ postId: 1, label: 1, lastError: 1, gaveUpAt: 1 })
    .lean();
  all.sort((a, b) => new Date(b.gaveUpAt as Date).getTime() - new Date(a.gaveUpAt as Date).getTime());
  const items = await Promise.all(
    all.slice(0, limit).map(async (e) => {
      const post = await Post.findById(e.postId, { shortId: 1 }).lean();
      return {
        post: post?.shortId ?? e.postId,
        label: e.label,
        error: e.lastError ?? null,
        at: e.gaveUpAt as Date,
      };
    }),
  );
  return { count: all.length, items };
}

/** Forgets entries delivered a day ago (given up: a week ago), with their attempt claims. */
async function forgetOld(now: Date): Promise<void> {
  const old = await SlackOutbox.find({
    $or: [
      { deliveredAt: { $lt: new Date(now.getTime() - KEEP_DELIVERED_MS) } },
      { gaveUpAt: { $lt: new Date(now.getTime() - KEEP_GIVEN_UP_MS) } },
    ],
  })
    .limit(500)
    .select({ _id: 1, attempts: 1 })
    .lean<Array<{ _id: string; attempts: number }>>();
  if (old.length === 0) return;
  const claims = old.flatMap((e) =>
    Array.from({ length: e.attempts + 1 }, (_, i) => attemptKey(e._id, i + 1)),
  );
  await Claim.deleteMany({ _id: { $in: claims } });
  await SlackOutbox.deleteMany({ _id: { $in: old.map((e) => e._id) } });
}

/**
 * The `slack-outbox` job: retries every entry that is due (a failed attempt's backoff passed, or its sender died)
 * and forgets entries delivered more than a day ago. Returns how each went.
 */
export async function deliverDueOutbox(
  ctx: SmxContext,
  client: WebClient,
  opts: { limit?: number; timeoutMs?: number } = {},
): Promise<Record<DeliveryOutcome, number>> {
  const now = ctx.now();
  const counts: Record<DeliveryOutcome, number> = { delivered: 0, retry: 0, gave_up: 0, busy: 0, done: 0 };
  const due = await SlackOutbox.find({ deliveredAt: null, gaveUpAt: null, nextAt: { $lte: now } })
    .sort({ nextAt: 1 })
    .limit(opts.limit ?? 50)
    .select({ _id: 1 })
    .lean<Array<{ _id: string }>>();
  for (const { _id } of due) {
    counts[await deliverEntry(ctx, client, _id, opts)]++;
  }
  await forgetOld(now);
  return counts;
}
