/**
 * The figures behind `/smx metrics`, the weekly report and the App Home. Reviews, response times, posts and approval
 * turnaround come from the daily roll-ups (services/rollups.ts) — one read of a small collection whatever the
 * archive holds — open negatives from the review desk, and posts waiting for approval from the posts working set;
 * reviews count on the local day they were written (`postedAt`). Averages are sums ÷ counts; medians are taken in
 * JS over the roll-ups' lists of hours.
 */
import { DateTime } from 'luxon';
import { AudienceSnapshot } from '../../models/audience-snapshot';
import { PostDesk } from '../../models/post-working-set';
import { ReviewDesk } from '../../models/review-desk';
import { SourceState } from '../../models/source-state';
import { Visit } from '../../models/visit';
import type { SmxContext } from '../context';
import { type AudienceNames, audienceTargets, DEFAULT_AUDIENCE_NAMES } from './audience-targets';
import { type Goals, loadGoals } from './goals';
import {
  median,
  monthShares,
  type Period,
  type PeriodKind,
  type Periods,
  resolvePeriods,
  sparklineBuckets,
} from './metrics-periods';
import { ensurePostWorkingSet } from './post-desk';
import { OPEN_STATUSES } from './review-desk';
import { loadRollups, standingApprovals } from './rollups';

/** Results come back in one reply: on FerretDB every getMore costs a round trip through its slow cursor path. */
const ONE_BATCH = 100_000;

export interface Compared<T = number> {
  value: T;
  previous: T | null;
}

export type Availability<T> = ({ available: true } & T) | { available: false; reason: string };

export interface TargetPosting {
  target: string;
  label: string;
  posts: number;
  prevPosts: number;
  perWeek: number;
  prevPerWeek: number;
  goal: { min: number; max: number } | null;
  connected: boolean;
  howToConnect: string;
}

export interface MetricsReport {
  periods: Periods;
  facility: string | undefined;
  goals: Goals;
  posting: TargetPosting[];
  reviews: {
    total: Compared;
    bySource: Array<{ source: string; count: number; previous: number }>;
    avgRating: Compared<number | null>;
    rated: number;
    shareNegative: Compared<number | null>;
    negatives: number;
    sparkline: number[];
  };
  feedbackRate: Availability<{
    items: number;
    visits: number;
    rate: number;
    previous: number | null;
    /** The recorded months behind `visits`: each month's count and how many of its days the period counts. */
    basis: VisitBasis[];
  }>;
  response: {
    medianHours: Compared<number | null>;
    samples: number;
    open: number;
    oldestOpenAt: Date | null;
  };
  approval: { medianHours: Compared<number | null>; samples: number; waiting: number };
  audience: Array<
    { target: string; label: string; names: AudienceNames } & Availability<{
      day: string;
      likes: number | null;
      followers: number;
      growth: number | null;
      likesGrowth: number | null;
    }>
  >;
  /** Database round trips the report took (aggregate/find/count calls). */
  queries: number;
}

export const NOT_AVAILABLE = {
  noVisits: (month: string) =>
    `no visits recorded — add them with \`/smx visits 1200 ${month}\` (or POST /hooks/visits)`,
  missingVisits: (months: string[]) =>
    `visits missing for ${months.join(', ')} — add them with \`/smx visits 1200 ${months[0]}\``,
  noItems: 'no reviews or feedback in this period',
  notConnected: (label: string, how: string) => `${label} is not connected — ${how}`,
  noSnapshot: (label: string, lastError: string | null) =>
    lastError
      ? `no ${label} audience reading yet — the last daily snapshot failed (${lastError}); it is retried tomorrow`
      : `no ${label} audience reading yet — the daily snapshot (SMX_SNAPSHOT_CRON) records the first one tonight`,
} as const;

function inRange(day: string, p: Period): boolean {
  return day >= p.fromDay && day <= p.toDay;
}

function ratio(a: number, b: number): number | null {
  return b === 0 ? null : a / b;
}

interface Side {
  total: number;
  negatives: number;
  ratingSum: number;
  rated: number;
  times: number[];
}

const side = (): Side => ({ total: 0, negatives: 0, ratingSum: 0, rated: 0, times: [] });

export async function computeMetrics(
  ctx: SmxContext,
  kind: PeriodKind,
  facility?: string,
): Promise<MetricsReport> {
  const periods = resolvePeriods(kind, ctx.now(), ctx.config.timezone);
  const { current: cur, previous: prev } = periods;
  let queries = 0;
  const q = <T>(p: Promise<T>): Promise<T> => {
    queries++;
    return p;
  };

  const [goals, rows, open, waiting] = await Promise.all([
    q(loadGoals()),
    q(loadRollups(['reviews', 'response', 'posts', 'approvals'], prev.fromDay, cur.toDay)),
    q(
      ReviewDesk.find(
        {
          sentiment: 'negative',
          status: { $in: [...OPEN_STATUSES] },
          ...(facility === undefined ? {} : { facility }),
        },
        { _id: 0, ingestedAt: 1 },
      )
        .batchSize(ONE_BATCH)
        .lean(),
    ),
    q(waitingForApproval(ctx.now())),
  ]);

  // Reviews and feedback, response times and posts, from the roll-ups.
  const perDay = new Map<string, number>();
  const sources = new Map<string, { count: number; previous: number }>();
  const now = side();
  const before = side();
  const postCounts = new Map<string, { cur: number; prev: number }>();
  // Approval turnaround, in hours, by the day of the approval; an approval an edit cleared again is taken out.
  const approvals = {
    cur: { approved: [] as number[], cleared: [] as number[] },
    prev: { approved: [] as number[], cleared: [] as number[] },
  };
  for (const r of rows) {
    const isCur = inRange(r.day, cur);
    if (!isCur && !inRange(r.day, prev)) continue;
    if (r.kind === 'approvals') {
      const a = isCur ? approvals.cur : approvals.prev;
      (r.key === 'cleared' ? a.cleared : a.approved).push(...(r.hours ?? []));
      continue;
    }
    if (r.kind === 'posts') {
      const c = postCounts.get(r.key) ?? { cur: 0, prev: 0 };
      if (isCur) c.cur += r.n;
      else c.prev += r.n;
      postCounts.set(r.key, c);
      continue;
    }
    if (facility !== undefined && r.facility !== facility) continue;
    const s = isCur ? now : before;
    if (r.kind === 'response') {
      s.times.push(...(r.hours ?? []));
      continue;
    }
    s.total += r.n;
    s.negatives += r.negatives;
    s.ratingSum += r.ratingSum;
    s.rated += r.rated;
    const src = sources.get(r.key) ?? { count: 0, previous: 0 };
    if (isCur) {
      src.count += r.n;
      perDay.set(r.day, (perDay.get(r.day) ?? 0) + r.n);
    } else src.previous += r.n;
    sources.set(r.key, src);
  }

  let oldestOpenMs = Number.POSITIVE_INFINITY;
  for (const o of open) oldestOpenMs = Math.min(oldestOpenMs, new Date(o.ingestedAt).getTime());

  const curApprovals = standingApprovals(approvals.cur.approved, approvals.cur.cleared);
  const prevApprovals = standingApprovals(approvals.prev.approved, approvals.prev.cleared);

  // Posting cadence: targets with a goal, a connection or a publication.
  const targetNames = new Set<string>([
    ...audienceTargets.filter((t) => t.posts !== false).map((t) => t.name),
    ...Object.keys(goals.cadence),
    ...postCounts.keys(),
  ]);
  const posting: TargetPosting[] = [...targetNames].map((name) => {
    const def = audienceTargets.find((t) => t.name === name);
    const c = postCounts.get(name) ?? { cur: 0, prev: 0 };
    return {
      target: name,
      label: def?.label ?? name,
      posts: c.cur,
      prevPosts: c.prev,
      perWeek: (c.cur * 7) / cur.days,
      prevPerWeek: (c.prev * 7) / prev.days,
      goal: goals.cadence[name] ?? null,
      connected: def ? def.connected(ctx.config) : true,
      howToConnect: def?.howToConnect ?? '',
    };
  });

  const [feedbackRate, audience] = await Promise.all([
    feedbackRateFigure(periods, facility, now.total, before.total, () => queries++),
    audienceFigures(ctx, periods, () => queries++),
  ]);

  return {
    periods,
    facility,
    goals,
    posting,
    reviews: {
      total: { value: now.total, previous: before.total },
      bySource: [...sources.entries()]
        .map(([source, v]) => ({ source, ...v }))
        .filter((s) => s.count > 0 || s.previous > 0)
        .sort((a, b) => b.count - a.count || a.source.localeCompare(b.source)),
      avgRating: { value: ratio(now.ratingSum, now.rated), previous: ratio(before.ratingSum, before.rated) },
      rated: now.rated,
      shareNegative: {
        value: ratio(now.negatives, now.total),
        previous: ratio(before.negatives, before.total),
      },
      negatives: now.negatives,
      sparkline: sparklineBuckets(cur.fromDay, cur.days, perDay),
    },
    feedbackRate,
    response: {
      medianHours: { value: median(now.times), previous: median(before.times) },
      samples: now.times.length,
      open: open.length,
      oldestOpenAt: Number.isFinite(oldestOpenMs) ? new Date(oldestOpenMs) : null,
    },
    approval: {
      medianHours: { value: median(curApprovals), previous: median(prevApprovals) },
      samples: curApprovals.length,
      waiting,
    },
    audience,
    queries,
  };
}

/** Posts waiting for an approval, from the posts working set (every post not final is on it). */
async function waitingForApproval(now: Date): Promise<number> {
  await ensurePostWorkingSet(now);
  return (await PostDesk.find({ status: 'pending_approval' }, { _id: 1 }).batchSize(ONE_BATCH).lean()).length;
}

export async function visitsByMonth(
  months: string[],
  facility: string | undefined,
): Promise<Map<string, number>> {
  const rows = await Visit.find({ month: { $in: months }, ...(facility === undefined ? {} : { facility }) })
    .select({ month: 1, facility: 1, count: 1 })
    .lean();
  const whole = new Map<string, number>();
  const summed = new Map<string, number>();
  for (const r of rows) {
    if (facility === undefined && r.facility === '') whole.set(r.month, r.count);
    else summed.set(r.month, (summed.get(r.month) ?? 0) + r.count);
  }
  const out = new Map<string, number>(summed);
  for (const [m, n] of whole) out.set(m, n);
  return out;
}

export interface VisitBasis {
  month: string;
  /** Visits recorded for the whole month. */
  count: number;
  /** Days of the month inside the period, of `monthDays`. */
  days: number;
  monthDays: number;
}

/** Visits for the period's days: each month's count × the share of its days the period covers (so far). */
function proratedVisits(
  p: Period,
  visits: Map<string, number>,
): { visits: number; missing: string[]; basis: VisitBasis[] } {
  let total = 0;
  const missing: string[] = [];
  const basis: VisitBasis[] = [];
  for (const { month, share } of monthShares(p.fromDay, p.toDay)) {
    const n = visits.get(month);
    if (n === undefined) {
      missing.push(month);
      continue;
    }
    total += n * share;
    const monthDays = DateTime.fromISO(`${month}-01`).daysInMonth as number;
    basis.push({ month, count: n, days: Math.round(share * monthDays), monthDays });
  }
  return { visits: total, missing, basis };
}

async function feedbackRateFigure(
  periods: Periods,
  facility: string | undefined,
  items: number,
  prevItems: number,
  count: () => void,
): Promise<MetricsReport['feedbackRate']> {
  const months = [
    ...new Set(
      [
        ...monthShares(periods.previous.fromDay, periods.previous.toDay),
        ...monthShares(periods.current.fromDay, periods.current.toDay),
      ].map((m) => m.month),
    ),
  ];
  count();
  const visits = await visitsByMonth(months, facility);
  const cur = proratedVisits(periods.current, visits);
  if (cur.missing.length > 0) {
    const all = monthShares(periods.current.fromDay, periods.current.toDay).length === cur.missing.length;
    return {
      available: false,
      reason: all
        ? NOT_AVAILABLE.noVisits(cur.missing[cur.missing.length - 1] as string)
        : NOT_AVAILABLE.missingVisits(cur.missing),
    };
  }
  if (cur.visits <= 0)
    return { available: false, reason: NOT_AVAILABLE.noVisits(months[months.length - 1] ?? '') };
  const prev = proratedVisits(periods.previous, visits);
  return {
    available: true,
    items,
    visits: cur.visits,
    rate: (items / cur.visits) * 100,
    previous: prev.missing.length === 0 && prev.visits > 0 ? (prevItems / prev.visits) * 100 : null,
    basis: cur.basis,
  };
}

async function audienceFigures(
  ctx: SmxContext,
  periods: Periods,
  count: () => void,
): Promise<MetricsReport['audience']> {
  return Promise.all(
    audienceTargets.map(async (t): Promise<MetricsReport['audience'][number]> => {
      const head = { target: t.name, label: t.label, names: t.names ?? DEFAULT_AUDIENCE_NAMES };
      if (!t.connected(ctx.config)) {
        return { ...head, available: false, reason: NOT_AVAILABLE.notConnected(t.label, t.howToConnect) };
      }
      count();
      count();
      const [latest, base] = await Promise.all([
        AudienceSnapshot.find({ target: t.name, day: { $lte: periods.current.toDay } })
          .sort({ day: -1 })
          .limit(1)
          .lean(),
        AudienceSnapshot.find({ target: t.name, day: { $lte: periods.previous.toDay } })
          .sort({ day: -1 })
          .limit(1)
          .lean(),
      ]);
      const snap = latest[0];
      if (!snap) {
        count();
        const state = await SourceState.findById(t.stateId).lean();
        return {
          ...head,
          available: false,
          reason: NOT_AVAILABLE.noSnapshot(t.label, state?.lastError ?? null),
        };
      }
      const b = base[0];
      return {
        ...head,
        available: true,
        day: snap.day,
        likes: snap.likes ?? null,
        followers: snap.followers,
        growth: b ? snap.followers - b.followers : null,
        likesGrowth: b && snap.likes != null && b.likes != null ? snap.likes - b.likes : null,
      };
    }),
  );
}
