/**
 * `/smx metrics`: the parser of its arguments, and (re-exported) the periods, the figures and the chart series.
 * Figures come from the daily roll-ups (services/rollups.ts), never from the review archive.
 */
import { SmxError } from '../errors';
import { isPeriodKind, type PeriodKind } from './metrics-periods';

export * from './metrics-periods';
export * from './metrics-report';
export * from './metrics-series';

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
