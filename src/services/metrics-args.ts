/**
 * `/smx metrics [period] [facility] [share]`, checked: a word that looks like a period but is not one (`14d`,
 * `yesterday`) and a facility smx does not know are refused with the valid choices — before, both silently became
 * a facility name and the answer showed zeros for a facility nobody has.
 */
import type { Config } from '../config';
import { SmxError } from '../errors';
import { escapeMrkdwn } from '../slack/text';
import { resolveFacility } from './facilities';
import { type MetricsArgs, PERIOD_KINDS, parseMetricsArgs } from './metrics';

const PERIOD_LIKE =
  /^(\d+\s*[a-z]*|yesterday|today|tomorrow|day|week|weekly|month|monthly|quarter|year|ytd|mtd|this|last|previous|prev|(this|last|previous|prev|next|past)[-_]\w+)$/i;

export const METRICS_ARG_MESSAGES = {
  badPeriod: (word: string) =>
    `'${word}' is not a period smx knows. Use one of ${PERIOD_KINDS.join(', ')} — e.g. \`/smx metrics 7d\` or \`/smx metrics last-month\`. Nothing was changed.`,
} as const;

export async function parseMetricsCommand(config: Config, text: string): Promise<MetricsArgs> {
  // "last month" / "this month" / "last week" typed with a space mean the hyphenated periods.
  const normalised = text.replace(/\b(this|last)\s+(month|week)\b/gi, '$1-$2');
  const args = parseMetricsArgs(normalised);
  if (args.facility === undefined) return args;
  try {
    return { ...args, facility: await resolveFacility(config, args.facility, `/smx metrics ${args.period}`) };
  } catch (err) {
    // Not a facility: when it reads like a period, say that rather than listing facilities.
    const first = args.facility.split(/\s+/)[0] ?? '';
    if (err instanceof SmxError && PERIOD_LIKE.test(first)) {
      throw new SmxError('BAD_INPUT', METRICS_ARG_MESSAGES.badPeriod(escapeMrkdwn(first)));
    }
    throw err;
  }
}
