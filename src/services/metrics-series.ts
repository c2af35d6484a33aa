/** Weekly series for the charts (the last N ISO weeks), from the daily roll-ups. */
import { DateTime } from 'luxon';
import type { SmxContext } from '../context';
import { type Goals, loadGoals } from './goals';
import { dayCount } from './metrics-periods';
import { loadRollups } from './rollups';

export interface WeeklySeries {
  weeks: string[];
  reviews: Array<{ week: string; count: number; avgRating: number | null }>;
  posts: Array<{ week: string; target: string; count: number }>;
  cadence: Goals['cadence'];
  /** Days of the last week inside the series (7 unless it ends mid-week), and whether that week is still running. */
  lastWeek: { days: number; partial: boolean };
}

const weekOf = (day: string) => DateTime.fromISO(day, { zone: 'UTC' }).toFormat("kkkk-'W'WW");

/** The last `weeks` ISO weeks ending with the week of `endDay` (local), for the charts. */
export async function weeklySeries(
  ctx: SmxContext,
  endDay: string,
  weeks = 8,
  facility?: string,
): Promise<WeeklySeries> {
  const end = DateTime.fromISO(endDay, { zone: ctx.config.timezone });
  const firstWeekStart = end.startOf('week').minus({ weeks: weeks - 1 });
  const lastWeekDays = Math.min(7, dayCount(end.startOf('week'), end));
  const keys: string[] = [];
  for (let i = 0; i < weeks; i++) keys.push(firstWeekStart.plus({ weeks: i }).toFormat("kkkk-'W'WW"));
  const [goals, rows] = await Promise.all([
    loadGoals(),
    loadRollups(['reviews', 'posts'], firstWeekStart.toISODate() as string, endDay),
  ]);
  const countOf = new Map<string, number>();
  const ratedOf = new Map<string, { sum: number; n: number }>();
  const pubOf = new Map<string, number>();
  const targets = new Set<string>(Object.keys(goals.cadence));
  for (const r of rows) {
    const week = weekOf(r.day);
    if (r.kind === 'posts') {
      targets.add(r.key);
      pubOf.set(`${r.key}|${week}`, (pubOf.get(`${r.key}|${week}`) ?? 0) + r.n);
      continue;
    }
    if (facility !== undefined && r.facility !== facility) continue;
    countOf.set(week, (countOf.get(week) ?? 0) + r.n);
    const rated = ratedOf.get(week) ?? { sum: 0, n: 0 };
    rated.sum += r.ratingSum;
    rated.n += r.rated;
    ratedOf.set(week, rated);
  }
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
    lastWeek: { days: lastWeekDays, partial: lastWeekDays < 7 || ctx.now() < end.endOf('day').toJSDate() },
  };
}
