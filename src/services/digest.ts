/**
 * The daily reviews digest: which channel gets which items, what goes in it, and the exactly-once posting.
 *
 * Channels and items
 * - Each facility listed in SMX_FACILITY_CHANNELS gets its items in its own channel (several facilities may share
 *   one channel).
 * - SMX_DIGEST_CHANNEL gets every item whose facility has NO channel of its own — including items without a
 *   facility. It does not repeat items that went to a facility channel (an item leaves the digest inbox with the one
 *   digest that carries it). If the main channel is also listed as a facility's channel, it simply covers both.
 * - Items of a scope with no channel (no SMX_DIGEST_CHANNEL set) wait in the inbox until one is configured.
 * - Items posted before the backfill window (SMX_DIGEST_BACKFILL_DAYS: history on a source's first fetch, big
 *   imports) get no card: one line per digest sums them up by source, and they leave the inbox with it.
 * - A digest due while an ingest is storing items (a marker claim per run, see ingest.ts) waits for it, bounded.
 *
 * The digest inbox (models/digest-inbox.ts)
 * - New items are selected from the inbox, a small collection holding a copy of each not-yet-digested review, and
 *   removed from it with `deleteMany({_id: {$in: chunk}})` once posted. The review archive is never updated by the
 *   digest (on FerretDB v1 each update re-reads the whole collection: marking 1 k reviews took ~56 s at 10 k
 *   stored). What each digest carried is recorded insert-only in the digest log (models/digest-log.ts).
 *
 * Exactly once
 * - Per channel and local day, `tryClaim('digest:<channel>:<localDay>')` BEFORE posting: one instance wins; every
 *   other run that day (other instances, a cron firing every few seconds) sees the claim and does nothing.
 * - If loading or the first chat.postMessage fails, the claim is released so a later run retries the same day.
 * - After the digest and its thread replies are posted: one insert of the digest log (what each message carried),
 *   then the posted items are deleted from the inbox (1000 ids per delete). A reply that fails leaves its items in
 *   the inbox: they go into the next digest instead of being dropped.
 * - Crash between posting and the inbox delete: the claim stays (no second digest that day) and the posted items
 *   stay in the inbox, so they appear again in the next day's digest — at least once, never lost. The window is
 *   the time the thread replies take to post plus one insert. A crash after claiming but before posting leaves the
 *   day claimed with nothing posted; the items then simply go out in the next day's digest.
 */
import type { WebClient } from '@slack/web-api';
import { DateTime } from 'luxon';
import { Claim } from '../../models/claim';
import { addToInbox, DigestInbox } from '../../models/digest-inbox';
import { DigestLog } from '../../models/digest-log';
import { Review } from '../../models/review';
import type { SmxContext } from '../context';
import {
  buildDigestMessages,
  type DigestData,
  type DigestItem,
  type DigestMessage,
  type OlderItems,
  type RatingSummary,
  reviewId,
} from '../slack/blocks/digest';
import { localDay } from '../slack/time';
import { noteClaim, releaseClaim, tryClaim } from './claims';
import { reportDeliveryFailure, reportDeliverySuccess } from './delivery-alerts';
import { runningIngests } from './ingest';
import { loadRollups } from './rollups';

/** Where a digest goes and which items it covers: `include` facilities, or everything except `exclude`. */
export interface DigestTarget {
  channel: string;
  include?: string[];
  exclude?: string[];
  /** For the header: the facilities of a facility channel. */
  label?: string;
}

/** Items removed from the inbox per delete: keeps each command small whatever the day's volume. */
const DONE_CHUNK = 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Every channel that gets a digest, from config (see the header comment for how they relate). */
export function digestTargets(config: SmxContext['config']): DigestTarget[] {
  const byChannel = new Map<string, string[]>();
  for (const [facility, channel] of Object.entries(config.digest.facilityChannels)) {
    byChannel.set(channel, [...(byChannel.get(channel) ?? []), facility]);
  }
  const main = config.digest.channel;
  const targets: DigestTarget[] = [];
  if (main) {
    const elsewhere = Object.entries(config.digest.facilityChannels)
      .filter(([, channel]) => channel !== main)
      .map(([facility]) => facility);
    targets.push({ channel: main, exclude: elsewhere });
  }
  for (const [channel, facilities] of byChannel) {
    if (channel === main) continue;
    targets.push({ channel, include: facilities, label: facilities.join(', ') });
  }
  return targets;
}

/** The target for a facility name given by a person (case-insensitive), for `/smx digest <facility>`. */
export function targetForFacility(
  targets: readonly DigestTarget[],
  facility: string,
): DigestTarget | undefined {
  const f = facility.trim().toLowerCase();
  return (
    targets.find((t) => t.include?.some((x) => x.toLowerCase() === f)) ??
    targets.find((t) => t.exclude !== undefined)
  );
}

export function scopeFilter(target: DigestTarget): Record<string, unknown> {
  if (target.include) return { facility: { $in: target.include } };
  if (target.exclude && target.exclude.length > 0) return { facility: { $nin: target.exclude } };
  return {};
}

export const digestKey = (channel: string, day: string) => `digest:${channel}:${day}`;

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** How many earlier days `previousDigestAt` looks up by exact `_id` before it searches the claims. */
const PREVIOUS_LOOKBACK_DAYS = 14;

/**
 * When the previous digest to this channel went out: the newest earlier day's claim. The last
 * PREVIOUS_LOOKBACK_DAYS days are exact `_id` lookups (FerretDB reads the whole claims collection for anything
 * else); only a channel without a digest in that time searches the claims.
 */
async function previousDigestAt(
  channel: string,
  key: string,
  now: Date,
  timezone: string,
): Promise<Date | null> {
  const today = DateTime.fromJSDate(now, { zone: timezone }).startOf('day');
  const days = Array.from(
    { length: PREVIOUS_LOOKBACK_DAYS },
    (_, i) => today.minus({ days: i + 1 }).toISODate() as string,
  );
  const recent = await Promise.all(days.map((d) => Claim.findById(digestKey(channel, d)).lean()));
  const found = recent.find((c) => c !== null);
  if (found) return found.claimedAt ?? null;
  return searchPreviousDigest(channel, key);
}

async function searchPreviousDigest(channel: string, key: string): Promise<Date | null> {
  const prev = await Claim.find({ _id: { $regex: `^${escapeRegex(`digest:${channel}:`)}`, $lt: key } })
    .sort({ _id: -1 })
    .limit(1)
    .lean();
  return prev[0]?.claimedAt ?? null;
}

/**
 * Sum and count of ratings of the reviews WRITTEN on the 7 local days before `start`'s day, for the scope: read from
 * the daily roll-ups (services/rollups.ts), never from the archive. Averages are sum ÷ count.
 */
async function ratingSummary(target: DigestTarget, start: Date, timezone: string): Promise<RatingSummary> {
  const day = DateTime.fromJSDate(start, { zone: timezone }).startOf('day');
  const rows = await loadRollups(
    ['reviews'],
    day.minus({ days: 7 }).toISODate() as string,
    day.minus({ days: 1 }).toISODate() as string,
  );
  const inScope = (f: string | null) =>
    target.include ? f !== null && target.include.includes(f) : !(target.exclude ?? []).includes(f ?? '');
  let sum = 0;
  let count = 0;
  for (const r of rows) {
    if (!inScope(r.facility)) continue;
    sum += r.ratingSum;
    count += r.rated;
  }
  return { sum, count };
}

/** The new (never digested) items of a target, oldest first: the digest inbox (index `facility_1_ingestedAt_1`). */
export async function newItems(target: DigestTarget, showNames: boolean): Promise<DigestItem[]> {
  const query = DigestInbox.find(scopeFilter(target)).sort({ ingestedAt: 1 });
  if (!showNames) query.select({ authorName: 0 });
  return (await query.batchSize(5000).lean()) as unknown as DigestItem[];
}

/**
 * Splits new items into those posted within the backfill window (one card each) and older ones (a source's history
 * on first connect, a big import, a late batch): those are summarised per source in one line.
 */
export function splitBackfill(
  all: readonly DigestItem[],
  now: Date,
  backfillDays: number,
  timezone: string,
): { items: DigestItem[]; older: OlderItems } {
  const cutoff = now.getTime() - backfillDays * DAY_MS;
  const items: DigestItem[] = [];
  const older: OlderItems = { ids: [], bySource: [] };
  const bySource = new Map<string, OlderItems['bySource'][number]>();
  for (const item of all) {
    if (item.postedAt.getTime() >= cutoff) {
      items.push(item);
      continue;
    }
    older.ids.push(reviewId(item));
    const year = DateTime.fromJSDate(item.postedAt, { zone: timezone }).year;
    const s = bySource.get(item.source);
    if (s) {
      s.count++;
      s.fromYear = Math.min(s.fromYear, year);
      s.toYear = Math.max(s.toYear, year);
    } else bySource.set(item.source, { source: item.source, count: 1, fromYear: year, toYear: year });
  }
  older.bySource = [...bySource.values()].sort(
    (a, b) => b.count - a.count || a.source.localeCompare(b.source),
  );
  return { items, older };
}

/** Everything a digest needs from the database (no writes). */
export async function loadDigestData(
  ctx: SmxContext,
  target: DigestTarget,
  now: Date = ctx.now(),
): Promise<DigestData> {
  const { config } = ctx;
  const key = digestKey(target.channel, localDay(now, config.timezone));
  const { items, older } = splitBackfill(
    await newItems(target, config.digest.showNames),
    now,
    config.digest.backfillDays,
    config.timezone,
  );
  const previousAt = await previousDigestAt(target.channel, key, now, config.timezone);
  let baseline: RatingSummary = { sum: 0, count: 0 };
  if (items.length > 0) {
    // The period starts with its oldest item; the comparison is the 7 days before that.
    let start = now;
    for (const i of items) if (i.ingestedAt < start) start = i.ingestedAt;
    baseline = await ratingSummary(target, start, config.timezone);
  }
  return {
    now,
    timezone: config.timezone,
    showNames: config.digest.showNames,
    ...(target.label ? { scopeLabel: target.label } : {}),
    items,
    previousAt,
    baseline,
    older,
  };
}

/**
 * Done with posted items: records what each posted message carried (one insert, the digest log), then removes the
 * items from the inbox by `_id` (1000 per delete). Returns how many inbox documents were removed.
 */
export async function markDigested(
  key: string,
  channel: string,
  ts: string,
  at: Date,
  parts: ReadonlyArray<{ part: number; reviewIds: readonly string[] }>,
): Promise<number> {
  const logged = parts.filter((p) => p.reviewIds.length > 0);
  if (logged.length > 0) {
    await DigestLog.insertMany(
      logged.map((p) => ({
        _id: `${key}:${ts}:${p.part}`,
        key,
        channel,
        ts,
        part: p.part,
        at,
        reviewIds: [...p.reviewIds],
      })),
      { ordered: false },
    );
  }
  const ids = logged.flatMap((p) => p.reviewIds);
  let removed = 0;
  for (let i = 0; i < ids.length; i += DONE_CHUNK) {
    const res = await DigestInbox.deleteMany({ _id: { $in: ids.slice(i, i + DONE_CHUNK) } });
    removed += res.deletedCount;
  }
  return removed;
}

export const LEGACY_MIGRATION_KEY = 'migration:digest-inbox';
let legacyChecked = false;

/**
 * Once per database, for data from before the digest inbox: reviews stored with `digestedAt: null` (the old marker;
 * no longer in the schema) get their inbox documents, and the old index is dropped. Exactly once across instances
 * by a claim; checked once per process, by the digest job. Reviews stored since then have no `digestedAt`, so this
 * finds nothing.
 */
export async function migrateLegacyUndigested(ctx: SmxContext): Promise<number> {
  if (legacyChecked) return 0;
  if (!(await tryClaim(LEGACY_MIGRATION_KEY, ctx.instanceId, ctx.now()))) {
    legacyChecked = true;
    return 0;
  }
  const legacy = await Review.collection.find({ digestedAt: { $exists: true, $eq: null } }).toArray();
  const added = await addToInbox(legacy);
  await Review.collection.dropIndex('digestedAt_1_ingestedAt_1').catch(() => undefined);
  await noteClaim(LEGACY_MIGRATION_KEY, ctx.instanceId, `done:${added}`);
  ctx.logger.info({ added }, 'digest inbox: legacy undigested reviews moved in');
  legacyChecked = true;
  return added;
}

export type DigestOutcome =
  | {
      channel: string;
      status: 'posted';
      key: string;
      ts: string;
      items: number;
      replies: number;
      unposted: number;
    }
  | { channel: string; status: 'quiet'; key: string; ts: string }
  | { channel: string; status: 'skipped'; key: string }
  | { channel: string; status: 'failed'; key: string; error: unknown };

async function post(client: WebClient, channel: string, msg: DigestMessage, threadTs?: string) {
  const res = await client.chat.postMessage({
    channel,
    text: msg.text,
    blocks: msg.blocks,
    unfurl_links: false,
    unfurl_media: false,
    ...(threadTs ? { thread_ts: threadTs } : {}),
  });
  if (!res.ts) throw new Error('chat.postMessage answered without a ts');
  return res.ts;
}

export interface DigestHooks {
  /** Called once the messages are built (the benchmark times the pure build with it). */
  onBuilt?: (data: DigestData, messages: DigestMessage[], buildMs: number) => void;
}

/** One channel's digest for today, exactly once (see the header comment). */
export async function postDigest(
  ctx: SmxContext,
  client: WebClient,
  target: DigestTarget,
  hooks: DigestHooks = {},
): Promise<DigestOutcome> {
  const now = ctx.now();
  const key = digestKey(target.channel, localDay(now, ctx.config.timezone));
  const log = ctx.logger.child({ job: 'digest', channel: target.channel, key });
  if (!(await tryClaim(key, ctx.instanceId, now))) {
    log.debug('digest already claimed for today');
    return { channel: target.channel, status: 'skipped', key };
  }

  let messages: DigestMessage[];
  let ts: string;
  try {
    const data = await loadDigestData(ctx, target, now);
    const started = performance.now();
    messages = buildDigestMessages(data);
    hooks.onBuilt?.(data, messages, performance.now() - started);
    ts = await post(client, target.channel, messages[0] as DigestMessage);
  } catch (error) {
    // Nothing was posted: give the day back so a later run retries.
    await releaseClaim(key, ctx.instanceId);
    log.error({ err: error }, 'digest not posted; claim released for a later run');
    return { channel: target.channel, status: 'failed', key, error };
  }

  const first = messages[0] as DigestMessage;
  if (first.reviewIds.length === 0) {
    await noteClaim(key, ctx.instanceId, `quiet:${ts}`);
    log.info({ ts }, 'quiet-day digest posted');
    return { channel: target.channel, status: 'quiet', key, ts };
  }
  const parts = [{ part: 1, reviewIds: first.reviewIds }];
  let unposted = 0;
  for (const [i, reply] of messages.slice(1).entries()) {
    try {
      await post(client, target.channel, reply, ts);
      parts.push({ part: i + 2, reviewIds: reply.reviewIds });
    } catch (err) {
      // Left in the inbox, these items go into the next digest rather than being lost.
      unposted += reply.reviewIds.length;
      log.error(
        { err, items: reply.reviewIds.length },
        'digest thread reply not posted; its items wait for the next digest',
      );
    }
  }
  // Done with everything posted at once, after the replies: one log insert and one delete per 1000 items.
  await markDigested(key, target.channel, ts, now, parts);
  const posted = parts.flatMap((p) => p.reviewIds);
  await noteClaim(key, ctx.instanceId, `posted:${ts}`);
  log.info({ ts, items: posted.length, replies: messages.length - 1, unposted }, 'digest posted');
  return {
    channel: target.channel,
    status: 'posted',
    key,
    ts,
    items: posted.length,
    replies: messages.length - 1,
    unposted,
  };
}

export interface IngestWait {
  pollMs: number;
  /**
   * An ingest is scheduled in the same minute as this digest (08:00 and every 15 minutes): when none has marked
   * itself yet, give it this long to start, so the order in which the scheduler fires the two does not matter.
   */
  expectIngest?: boolean;
  graceMs?: number;
}
export const DEFAULT_INGEST_WAIT: IngestWait = { pollMs: 1000, graceMs: 5_000 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/**
 * Waits while an ingest (on any instance) is storing items, so a digest due at the same minute carries them rather
 * than a "quiet day": until the runs in progress finish, bounded by their own run bound (the marker's `until`, see
 * ingest.ts), after which the digest goes out with what is stored. Returns the ms waited.
 */
export async function waitForIngest(
  ctx: SmxContext,
  wait: IngestWait = DEFAULT_INGEST_WAIT,
): Promise<number> {
  const started = Date.now();
  const log = ctx.logger.child({ job: 'digest' });
  let running = await runningIngests(ctx.now());
  const grace = wait.expectIngest ? (wait.graceMs ?? 0) : 0;
  while (running.length === 0 && Date.now() - started < grace) {
    await sleep(Math.min(wait.pollMs, grace - (Date.now() - started)));
    running = await runningIngests(ctx.now());
  }
  if (running.length === 0) return Date.now() - started;
  // The clock of the run's bound is smx's (ctx.now); the wait itself is real time.
  const boundMs = Math.max(...running.map((r) => r.until.getTime() - ctx.now().getTime()));
  const deadline = Date.now() + boundMs;
  log.info(
    { ingests: running.map((r) => r.marker), boundMs, event: 'digest_waits_for_ingest' },
    'digest waits for the ingest in progress',
  );
  while (running.length > 0) {
    if (Date.now() >= deadline) {
      log.warn(
        { ingests: running.map((r) => r.marker), waitedMs: Date.now() - started },
        'ingest ran past its bound; posting the digest with what is stored',
      );
      return Date.now() - started;
    }
    await sleep(Math.min(wait.pollMs, deadline - Date.now()));
    running = await runningIngests(ctx.now());
  }
  log.info(
    { waitedMs: Date.now() - started, event: 'digest_ingest_done' },
    'ingest finished; digest goes on',
  );
  return Date.now() - started;
}

/** Every configured channel's digest. Fails (after trying them all) when any channel's digest failed. */
export async function runDigest(
  ctx: SmxContext,
  client: WebClient,
  wait: IngestWait = DEFAULT_INGEST_WAIT,
): Promise<DigestOutcome[]> {
  await migrateLegacyUndigested(ctx);
  await waitForIngest(ctx, wait);
  const outcomes: DigestOutcome[] = [];
  for (const target of digestTargets(ctx.config)) outcomes.push(await postDigest(ctx, client, target));
  for (const o of outcomes) {
    if (o.status === 'failed') {
      await reportDeliveryFailure(ctx, client, {
        kind: 'digest',
        channel: o.channel,
        key: o.key,
        error: o.error,
      });
    } else if (o.status !== 'skipped') await reportDeliverySuccess(ctx, 'digest', o.channel);
  }
  const failed = outcomes.filter((o) => o.status === 'failed');
  if (failed.length > 0) {
    throw new Error(
      `digest failed for ${failed.map((f) => f.channel).join(', ')}; will retry at the next run`,
      {
        cause: (failed[0] as { error: unknown }).error,
      },
    );
  }
  return outcomes;
}

export interface DigestPreview {
  target: DigestTarget;
  data: DigestData;
  messages: DigestMessage[];
}

/** What the next digest of each channel would contain, without claiming, logging or removing anything. */
export async function previewDigests(ctx: SmxContext): Promise<DigestPreview[]> {
  const targets = digestTargets(ctx.config);
  // Without any channel configured, show the main scope so people see what is waiting.
  const list = targets.length > 0 ? targets : [{ channel: '', exclude: [] }];
  const out: DigestPreview[] = [];
  for (const target of list) {
    const data = await loadDigestData(ctx, target);
    out.push({ target, data, messages: buildDigestMessages(data, { preview: true }) });
  }
  return out;
}
