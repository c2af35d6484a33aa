/**
 * The figures behind `/smx metrics`, the weekly report and the App Home. Everything is computed from keys stored on
 * write (local day/week) with the portable aggregation subset only ($match, $group with $sum, $sort, $project);
 * averages are sums ÷ counts and medians are taken in JS over a projected list of timestamps.
 */
import { DateTime } from 'luxon';
import { AudienceSnapshot } from '../../models/audience-snapshot';
import { Post } from '../../models/post';
import { Publication } from '../../models/publication';
import { Review } from '../../models/review';
import { SourceState } from '../../models/source-state';
import { Visit } from '../../models/visit';
import type { SmxContext } from '../context';
import { SmxError } from '../errors';
import { type AudienceNames, audienceTargets, DEFAULT_AUDIENCE_NAMES } from './audience-targets';
import { type Goals, loadGoals } from './goals';

export const PERIOD_KINDS = ['7d', '30d', '90d', 'this-month', 'last-month', 'last-week'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

export interface Period {
  kind: PeriodKind;
  /** First and last local day, inclusive (YYYY-MM-DD). */
  fromDay: string;
  toDay: string;
  /** Number of local days. */
  days: number;
  /** Instants: the start of fromDay, and the end of toDay or now, whichever is earlier. */
  start: Date;
  end: Date;
}

export interface Periods {
  current: Period;
  previous: Period;
}

const HOUR = 3600 * 1000;
/**
 * Results come back in one reply: on FerretDB every getMore costs a round trip through its slow cursor path, and
 * these results are small (grouped rows, or a few fields of negative items).
 */
const ONE_BATCH = { batchSize: 100_000 };

function makePeriod(kind: PeriodKind, from: DateTime, to: DateTime, now: DateTime): Period {
  const endOfTo = to.endOf('day');
  return {
    kind,
    fromDay: from.toISODate() as string,
    toDay: to.toISODate() as string,
    days: Math.round(to.startOf('day').diff(from.startOf('day'), 'days').days) + 1,
    start: from.startOf('day').toJSDate(),
    end: (endOfTo < now ? endOfTo : now).toJSDate(),
  };
}

/** The period and the previous period of equal length, in the hospital's time zone. */
export function resolvePeriods(kind: PeriodKind, nowDate: Date, timezone: string): Periods {
  const now = DateTime.fromJSDate(nowDate, { zone: timezone });
  const today = now.startOf('day');
  switch (kind) {
    case '7d':
    case '30d':
    case '90d': {
      const n = Number(kind.slice(0, -1));
      const from = today.minus({ days: n - 1 });
      return {
        current: makePeriod(kind, from, today, now),
        previous: makePeriod(kind, from.minus({ days: n }), from.minus({ days: 1 }), now),
      };
    }
    case 'this-month': {
      const from = today.startOf('month');
      const elapsed = Math.round(today.diff(from, 'days').days);
      const prevFrom = from.minus({ months: 1 });
      const prevTo = DateTime.min(prevFrom.plus({ days: elapsed }), prevFrom.endOf('month').startOf('day'));
      return {
        current: makePeriod(kind, from, today, now),
        previous: makePeriod(kind, prevFrom, prevTo, now),
      };
    }
    case 'last-month': {
      const from = today.startOf('month').minus({ months: 1 });
      const prevFrom = from.minus({ months: 1 });
      return {
        current: makePeriod(kind, from, from.endOf('month').startOf('day'), now),
        previous: makePeriod(kind, prevFrom, prevFrom.endOf('month').startOf('day'), now),
      };
    }
    case 'last-week': {
      const from = today.startOf('week').minus({ weeks: 1 });
      return {
        current: makePeriod(kind, from, from.plus({ days: 6 }), now),
        previous: makePeriod(kind, from.minus({ weeks: 1 }), from.minus({ days: 1 }), now),
      };
    }
  }
}

export function periodLabel(p: Period): string {
  const names: Record<PeriodKind, string> = {
    '7d': 'last 7 days',
    '30d': 'last 30 days',
    '90d': 'last 90 days',
    'this-month': 'this month',
    'last-month': 'last month',
    'last-week': 'last week',
  };
  const fmt = (d: string) => DateTime.fromISO(d).setLocale('en-GB').toFormat('d LLL yyyy');
  return `${names[p.kind]} (${fmt(p.fromDay)} – ${fmt(p.toDay)})`;
}

export function isPeriodKind(s: string): s is PeriodKind {
  return (PERIOD_KINDS as readonly string[]).includes(s);
}

export interface MetricsArgs {
  period: PeriodKind;
  facility: string | undefined;
  share: boolean;
}

export const METRICS_USAGE =
  'Usage: `/smx metrics [7d|30d|90d|this-month|last-month] [facility] [share]` — e.g. `/smx metrics this-month North Clinic share`. Nothing was changed.';

/** `[period] [facility…] [share]` in any order of period/share; whatever is left is the facility name. */
export function parseMetricsArgs(text: string): MetricsArgs {
  const words = text
    .trim()
    .split(/\s+/)
    .filter((w) => w !== '');
  let period: PeriodKind | undefined;
  let share = false;
  const rest: string[] = [];
  for (const w of words) {
    const lw = w.toLowerCase();
    if (period === undefined && isPeriodKind(lw)) period = lw;
    else if (lw === 'share') share = true;
    else rest.push(w);
  }
  const facility = rest.join(' ').trim();
  if (facility.length > 80) throw new SmxError('BAD_INPUT', METRICS_USAGE);
  return { period: period ?? '30d', facility: facility === '' ? undefined : facility, share };
}

// ---------------------------------------------------------------------------------------------------------------
// Pure helpers

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Splits the period's days into (up to) 7 consecutive buckets and sums a per-day count into each. */
export function sparklineBuckets(
  fromDay: string,
  days: number,
  perDay: ReadonlyMap<string, number>,
): number[] {
  const points = Math.min(7, days);
  const out: number[] = new Array(points).fill(0);
  const from = DateTime.fromISO(fromDay, { zone: 'UTC' });
  for (let i = 0; i < days; i++) {
    const day = from.plus({ days: i }).toISODate() as string;
    const bucket = Math.min(points - 1, Math.floor((i * points) / days));
    out[bucket] = (out[bucket] ?? 0) + (perDay.get(day) ?? 0);
  }
  return out;
}

const BARS = '▁▂▃▄▅▆▇█';

export function sparkline(values: readonly number[]): string {
  const max = Math.max(0, ...values);
  return values.map((v) => (max === 0 ? BARS[0] : BARS[Math.min(7, Math.round((v / max) * 7))])).join('');
}

/** Months (YYYY-MM) a period touches, each with the share of its days inside the period. */
export function monthShares(fromDay: string, toDay: string): Array<{ month: string; share: number }> {
  const from = DateTime.fromISO(fromDay, { zone: 'UTC' });
  const to = DateTime.fromISO(toDay, { zone: 'UTC' });
  const out: Array<{ month: string; share: number }> = [];
  for (let m = from.startOf('month'); m <= to; m = m.plus({ months: 1 })) {
    const first = DateTime.max(m, from);
    const last = DateTime.min(m.endOf('month').startOf('day'), to);
    const inside = Math.round(last.diff(first, 'days').days) + 1;
    out.push({ month: m.toFormat('yyyy-MM'), share: inside / (m.daysInMonth as number) });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// The report

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
  feedbackRate: Availability<{ items: number; visits: number; rate: number; previous: number | null }>;
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

function facilityMatch(facility: string | undefined): Record<string, unknown> {
  return facility === undefined ? {} : { facility };
}

/** Negative items still waiting to be handled. */
const OPEN_STATUSES = ['new', 'assigned'];

interface NegativeRow {
  localDay: string;
  ingestedAt: Date;
  firstActionAt: Date | null;
  status: string;
}

/**
 * One accumulator per $group: FerretDB v1.24.2 (SQLite) computes only the first accumulator of a $group and returns
 * 0 for the others. So the rating is part of the group key and the sum is Σ rating × count.
 */
interface MixGroup {
  _id: { source: string; sentiment: string; rating: number | null };
  n: number;
}

/** Reviews of one period by source × sentiment × rating (at most a few dozen groups). */
function mixPipeline(p: Period, fac: Record<string, unknown>): Promise<MixGroup[]> {
  return Review.aggregate<MixGroup>([
    { $match: { localDay: { $gte: p.fromDay, $lte: p.toDay }, ...fac } },
    { $group: { _id: { source: '$source', sentiment: '$sentiment', rating: '$rating' }, n: { $sum: 1 } } },
  ])
    .option(ONE_BATCH)
    .exec();
}

export async function computeMetrics(
  ctx: SmxContext,
  kind: PeriodKind,
  facility?: string,
): Promise<MetricsReport> {
  const periods = resolvePeriods(kind, ctx.now(), ctx.config.timezone);
  const { current: cur, previous: prev } = periods;
  const both = { $gte: prev.fromDay, $lte: cur.toDay };
  const fac = facilityMatch(facility);
  let queries = 0;
  const q = <T>(p: Promise<T>): Promise<T> => {
    queries++;
    return p;
  };

  const [goals, curMix, prevMix, curDays, negativeRows, approvals, waiting, pubs] = await Promise.all([
    q(loadGoals()),
    // Few groups per pipeline: FerretDB's $group slows down sharply with the number of distinct keys (a 100k-review
    // 90-day window keyed by day × source × sentiment × rating took minutes; see docs/metrics.md), so the period's
    // mix, the previous period's mix and the per-day counts are three small groupings.
    q(mixPipeline(cur, fac)),
    q(mixPipeline(prev, fac)),
    q(
      Review.aggregate<{ _id: string; n: number }>([
        { $match: { localDay: { $gte: cur.fromDay, $lte: cur.toDay }, ...fac } },
        { $group: { _id: '$localDay', n: { $sum: 1 } } },
      ])
        .option(ONE_BATCH)
        .exec(),
    ),
    // One pass for both negative figures: those that arrived in either period and got a first action (for the
    // medians), and those still open (count and oldest). On FerretDB every query is a collection scan, so
    // scans are what to save.
    q(
      Review.aggregate<NegativeRow>([
        {
          $match: {
            sentiment: 'negative',
            ...fac,
            $or: [{ localDay: both, firstActionAt: { $ne: null } }, { status: { $in: OPEN_STATUSES } }],
          },
        },
        { $project: { _id: 0, localDay: 1, ingestedAt: 1, firstActionAt: 1, status: 1 } },
      ])
        .option(ONE_BATCH)
        .exec(),
    ),
    q(
      Post.aggregate<{ submittedAt: Date; approvedAt: Date }>([
        { $match: { approvedAt: { $gte: prev.start, $lte: cur.end } } },
        { $project: { _id: 0, submittedAt: 1, approvedAt: 1 } },
      ])
        .option(ONE_BATCH)
        .exec(),
    ),
    q(Post.countDocuments({ status: 'pending_approval' }).exec()),
    q(
      Publication.aggregate<{ _id: { target: string; day: string }; n: number }>([
        { $match: { localDay: both } },
        { $group: { _id: { target: '$target', day: '$localDay' }, n: { $sum: 1 } } },
      ])
        .option(ONE_BATCH)
        .exec(),
    ),
  ]);

  // Reviews and feedback
  const perDay = new Map<string, number>();
  const sources = new Map<string, { count: number; previous: number }>();
  let total = 0;
  let prevTotal = 0;
  let negatives = 0;
  let prevNegatives = 0;
  let ratingSum = 0;
  let rated = 0;
  let prevRatingSum = 0;
  let prevRated = 0;
  for (const [groups, isCurrent] of [
    [curMix, true],
    [prevMix, false],
  ] as const) {
    for (const g of groups) {
      const s = sources.get(g._id.source) ?? { count: 0, previous: 0 };
      const rating = typeof g._id.rating === 'number' && g._id.rating >= 1 ? g._id.rating : null;
      const negative = g._id.sentiment === 'negative';
      if (isCurrent) {
        total += g.n;
        s.count += g.n;
        if (negative) negatives += g.n;
        if (rating !== null) {
          ratingSum += rating * g.n;
          rated += g.n;
        }
      } else {
        prevTotal += g.n;
        s.previous += g.n;
        if (negative) prevNegatives += g.n;
        if (rating !== null) {
          prevRatingSum += rating * g.n;
          prevRated += g.n;
        }
      }
      sources.set(g._id.source, s);
    }
  }
  for (const d of curDays) perDay.set(d._id, d.n);

  // Time from a negative's arrival to its first action, in hours.
  const curTimes: number[] = [];
  const prevTimes: number[] = [];
  let openCount = 0;
  let oldestOpenMs = Number.POSITIVE_INFINITY;
  for (const r of negativeRows) {
    const arrived = new Date(r.ingestedAt).getTime();
    if ((OPEN_STATUSES as readonly string[]).includes(r.status)) {
      openCount++;
      oldestOpenMs = Math.min(oldestOpenMs, arrived);
    }
    if (!r.firstActionAt) continue;
    const h = (new Date(r.firstActionAt).getTime() - arrived) / HOUR;
    if (inRange(r.localDay, cur)) curTimes.push(h);
    else if (inRange(r.localDay, prev)) prevTimes.push(h);
  }

  // Approval turnaround, in hours, by when the approval happened.
  const curApprovals: number[] = [];
  const prevApprovals: number[] = [];
  for (const p of approvals) {
    const at = new Date(p.approvedAt);
    const h = (at.getTime() - new Date(p.submittedAt).getTime()) / HOUR;
    if (at >= cur.start && at <= cur.end) curApprovals.push(h);
    else if (at >= prev.start && at <= prev.end) prevApprovals.push(h);
  }

  // Posting cadence: targets with a goal, a connection or a publication.
  const postCounts = new Map<string, { cur: number; prev: number }>();
  for (const g of pubs) {
    const c = postCounts.get(g._id.target) ?? { cur: 0, prev: 0 };
    if (inRange(g._id.day, cur)) c.cur += g.n;
    else if (inRange(g._id.day, prev)) c.prev += g.n;
    postCounts.set(g._id.target, c);
  }
  const targetNames = new Set<string>([
    ...audienceTargets.map((t) => t.name),
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
    feedbackRateFigure(periods, facility, total, prevTotal, () => queries++),
    audienceFigures(ctx, periods, () => queries++),
  ]);

  return {
    periods,
    facility,
    goals,
    posting,
    reviews: {
      total: { value: total, previous: prevTotal },
      bySource: [...sources.entries()]
        .map(([source, v]) => ({ source, ...v }))
        .filter((s) => s.count > 0 || s.previous > 0)
        .sort((a, b) => b.count - a.count || a.source.localeCompare(b.source)),
      avgRating: { value: ratio(ratingSum, rated), previous: ratio(prevRatingSum, prevRated) },
      rated,
      shareNegative: { value: ratio(negatives, total), previous: ratio(prevNegatives, prevTotal) },
      negatives,
      sparkline: sparklineBuckets(cur.fromDay, cur.days, perDay),
    },
    feedbackRate,
    response: {
      medianHours: { value: median(curTimes), previous: median(prevTimes) },
      samples: curTimes.length,
      open: openCount,
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

/** Visits per month for the hospital or one facility: a hospital-wide row wins over the sum of facility rows. */
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

function proratedVisits(p: Period, visits: Map<string, number>): { visits: number; missing: string[] } {
  let total = 0;
  const missing: string[] = [];
  for (const { month, share } of monthShares(p.fromDay, p.toDay)) {
    const n = visits.get(month);
    if (n === undefined) missing.push(month);
    else total += n * share;
  }
  return { visits: total, missing };
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

// ---------------------------------------------------------------------------------------------------------------
// Weekly series for charts

export interface WeeklySeries {
  weeks: string[];
  reviews: Array<{ week: string; count: number; avgRating: number | null }>;
  posts: Array<{ week: string; target: string; count: number }>;
  cadence: Goals['cadence'];
}

/** The last `weeks` ISO weeks ending with the week of `endDay` (local), for the charts. */
export async function weeklySeries(
  ctx: SmxContext,
  endDay: string,
  weeks = 8,
  facility?: string,
): Promise<WeeklySeries> {
  const end = DateTime.fromISO(endDay, { zone: ctx.config.timezone });
  const firstWeekStart = end.startOf('week').minus({ weeks: weeks - 1 });
  const keys: string[] = [];
  for (let i = 0; i < weeks; i++) keys.push(firstWeekStart.plus({ weeks: i }).toFormat("kkkk-'W'WW"));
  const range = { $gte: firstWeekStart.toISODate() as string, $lte: endDay };
  const fac = facilityMatch(facility);
  const [goals, counts, pubs] = await Promise.all([
    loadGoals(),
    // One accumulator per $group (see MixGroup): the rating is in the key.
    Review.aggregate<{ _id: { week: string; rating: number | null }; n: number }>([
      { $match: { localDay: range, ...fac } },
      { $group: { _id: { week: '$localWeek', rating: '$rating' }, n: { $sum: 1 } } },
    ])
      .option(ONE_BATCH)
      .exec(),
    Publication.aggregate<{ _id: { target: string; week: string }; n: number }>([
      { $match: { localDay: range } },
      { $group: { _id: { target: '$target', week: '$localWeek' }, n: { $sum: 1 } } },
    ])
      .option(ONE_BATCH)
      .exec(),
  ]);
  const countOf = new Map<string, number>();
  const ratedOf = new Map<string, { sum: number; n: number }>();
  for (const c of counts) {
    countOf.set(c._id.week, (countOf.get(c._id.week) ?? 0) + c.n);
    const rating = c._id.rating;
    if (typeof rating === 'number' && rating >= 1) {
      const r = ratedOf.get(c._id.week) ?? { sum: 0, n: 0 };
      r.sum += rating * c.n;
      r.n += c.n;
      ratedOf.set(c._id.week, r);
    }
  }
  const targets = new Set<string>([...Object.keys(goals.cadence), ...pubs.map((p) => p._id.target)]);
  const pubOf = new Map(pubs.map((p) => [`${p._id.target}|${p._id.week}`, p.n]));
  return {
    weeks: keys,
    reviews: keys.map((week) => {
      const r = ratedOf.get(week);
      return { week, count: countOf.get(week) ?? 0, avgRating: r && r.n > 0 ? r.sum / r.n : null };
    }),
    posts: keys.flatMap((week) =>
      [...targets].map((target) => ({ week, target, count: pubOf.get(`${target}|${week}`) ?? 0 })),
    ),
    cadence: goals.cadence,
  };
}
