/** Periods for `/smx metrics` and the report (in the hospital's time zone), and the pure helpers their figures use. */
import { DateTime } from 'luxon';

export const PERIOD_KINDS = ['7d', '30d', '90d', 'this-month', 'last-month', 'last-week'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

export interface Period {
  kind: PeriodKind;
  /** First and last local day, inclusive (YYYY-MM-DD). */
  fromDay: string;
  toDay: string;
  /** Number of local days counted so far (a partial period: up to and including today). */
  days: number;
  /** Days of the whole calendar period (this month on 1 Dec: 31), equal to `days` unless it is partial. */
  totalDays: number;
  /** The calendar period is still running: its figures cover `days` of `totalDays`. */
  partial: boolean;
  /** Instants: the start of fromDay, and the end of toDay or now, whichever is earlier. */
  start: Date;
  end: Date;
}

export interface Periods {
  current: Period;
  previous: Period;
}

export const dayCount = (from: DateTime, to: DateTime) =>
  Math.round(to.startOf('day').diff(from.startOf('day'), 'days').days) + 1;

/**
 * `fullTo`: the last day of the whole calendar period, for a period cut at today (this month). Rolling windows
 * (7d, 30d, 90d) are whole by definition: N days up to now.
 */
function makePeriod(
  kind: PeriodKind,
  from: DateTime,
  to: DateTime,
  now: DateTime,
  fullTo?: DateTime,
): Period {
  const endOfTo = to.endOf('day');
  return {
    kind,
    fromDay: from.toISODate() as string,
    toDay: to.toISODate() as string,
    days: dayCount(from, to),
    totalDays: dayCount(from, fullTo ?? to),
    partial: fullTo !== undefined && now < fullTo.endOf('day'),
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
      // Like with like: the same days of the previous month, not the whole of it.
      return {
        current: makePeriod(kind, from, today, now, from.endOf('month').startOf('day')),
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
  if (p.partial) {
    // "this month so far (1–15 Dec 2026, 15 of 31 days)": the figures cover part of the month, and say so.
    return `${names[p.kind]} so far (${compactDayRange(p.fromDay, p.toDay)}, ${p.days} of ${p.totalDays} days)`;
  }
  return `${names[p.kind]} (${fmt(p.fromDay)} – ${fmt(p.toDay)})`;
}

/** "1 Dec 2026", "1–15 Dec 2026", "24 Nov – 7 Dec 2026", "28 Dec 2026 – 3 Jan 2027". */
export function compactDayRange(fromDay: string, toDay: string): string {
  const a = DateTime.fromISO(fromDay).setLocale('en-GB');
  const b = DateTime.fromISO(toDay).setLocale('en-GB');
  if (fromDay === toDay) return a.toFormat('d LLL yyyy');
  if (a.hasSame(b, 'month')) return `${a.toFormat('d')}–${b.toFormat('d LLL yyyy')}`;
  if (a.hasSame(b, 'year')) return `${a.toFormat('d LLL')} – ${b.toFormat('d LLL yyyy')}`;
  return `${a.toFormat('d LLL yyyy')} – ${b.toFormat('d LLL yyyy')}`;
}

export function isPeriodKind(s: string): s is PeriodKind {
  return (PERIOD_KINDS as readonly string[]).includes(s);
}

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
