/**
 * YouTube's daily quota (10,000 units by default; a list costs 1, an update 50) is scarce, so smx counts every unit
 * it spends in QuotaSpend before making the call, and refuses calls that would run the day out: reads stop while
 * YOUTUBE_QUOTA_RESERVE units are still left (so an approved metadata fix still fits), writes stop at the limit.
 * The quota day is Google's: it resets at midnight Pacific time.
 */
import { DateTime } from 'luxon';
import { QuotaSpend } from '../../models/quota-spend';
import type { YoutubeConfig } from '../config';
import { SourceError } from './http';

export const YOUTUBE_SERVICE = 'youtube';
/** Units per call (developers.google.com/youtube/v3/determine_quota_cost). */
export const YOUTUBE_COST = { list: 1, update: 50 } as const;
const QUOTA_ZONE = 'America/Los_Angeles';
const KEEP_DAYS = 7;

export function quotaDay(now: Date): string {
  return DateTime.fromJSDate(now, { zone: QUOTA_ZONE }).toISODate() as string;
}

/** When the current quota day ends (midnight Pacific). */
export function quotaResetsAt(now: Date): Date {
  return DateTime.fromJSDate(now, { zone: QUOTA_ZONE }).startOf('day').plus({ days: 1 }).toJSDate();
}

export interface QuotaToday {
  day: string;
  used: number;
  limit: number;
  reserve: number;
  /** YouTube itself answered quotaExceeded today. */
  exhausted: boolean;
}

export async function quotaToday(yt: YoutubeConfig, now: Date): Promise<QuotaToday> {
  const day = quotaDay(now);
  const filter = { service: YOUTUBE_SERVICE, day };
  const [sum, exhausted] = await Promise.all([
    QuotaSpend.aggregate<{ units: number }>([
      { $match: filter },
      { $group: { _id: null, units: { $sum: '$units' } } },
    ]),
    QuotaSpend.countDocuments({ ...filter, exhausted: true }),
  ]);
  return {
    day,
    used: sum[0]?.units ?? 0,
    limit: yt.dailyQuota,
    reserve: yt.quotaReserve,
    exhausted: exhausted > 0,
  };
}

/** Over budget, or YouTube said quotaExceeded: rate_limited for /smx sources, but never retried (it would not help). */
export class QuotaError extends SourceError {
  constructor(message: string, status?: number) {
    super('rate_limited', message, { status });
    this.name = 'QuotaError';
  }

  override get retryable(): boolean {
    return false;
  }
}

export const QUOTA_MESSAGES = {
  backOff: (call: string, q: QuotaToday, cost: number) =>
    `YouTube quota: ${call} (${cost} unit${cost === 1 ? '' : 's'}) not sent — ${q.used.toLocaleString('en-US')} of ${q.limit.toLocaleString('en-US')} units used today and ${q.reserve.toLocaleString('en-US')} are kept for approved updates; it resumes after midnight Pacific time`,
  full: (call: string, q: QuotaToday, cost: number) =>
    `YouTube quota: ${call} (${cost} units) not sent — only ${Math.max(0, q.limit - q.used).toLocaleString('en-US')} of ${q.limit.toLocaleString('en-US')} units are left today; it resumes after midnight Pacific time`,
  exhausted: (call: string) =>
    `YouTube quota: ${call} not sent — YouTube said today's quota is used up (quotaExceeded); it resumes after midnight Pacific time`,
} as const;

/**
 * Records `cost` units for `call` before it is made, or throws a QuotaError (rate_limited, not retried by the
 * shared engine's wait: it has no retry-after) when the call would break the budget.
 */
export async function spendQuota(
  yt: YoutubeConfig,
  call: string,
  cost: number,
  kind: 'read' | 'write',
  now: Date,
): Promise<void> {
  const q = await quotaToday(yt, now);
  if (q.exhausted) throw new QuotaError(QUOTA_MESSAGES.exhausted(call));
  const ceiling = kind === 'read' ? q.limit - q.reserve : q.limit;
  if (q.used + cost > ceiling) {
    throw new QuotaError(
      kind === 'read' ? QUOTA_MESSAGES.backOff(call, q, cost) : QUOTA_MESSAGES.full(call, q, cost),
    );
  }
  await QuotaSpend.create({ service: YOUTUBE_SERVICE, day: q.day, units: cost, call, at: now });
  if (q.used === 0) {
    // First spend of a new day: drop rows from long-gone days so the ledger stays small.
    const oldest = DateTime.fromJSDate(now, { zone: QUOTA_ZONE }).minus({ days: KEEP_DAYS }).toISODate();
    await QuotaSpend.deleteMany({ service: YOUTUBE_SERVICE, day: { $lt: oldest } });
  }
}

/** YouTube answered quotaExceeded: nothing more is sent until its quota day ends. */
export async function markQuotaExhausted(call: string, now: Date): Promise<void> {
  await QuotaSpend.create({
    service: YOUTUBE_SERVICE,
    day: quotaDay(now),
    units: 0,
    call,
    exhausted: true,
    at: now,
  });
}
