/**
 * Reads the `<when>` of `/smx schedule` ("now", "in 2 hours", "tomorrow 9am", "2026-12-01 09:00", "05/12 9am") in
 * the hospital's time zone and date order. Every mistake gets a specific answer that shows how to write it right.
 */
import * as chrono from 'chrono-node';
import { DateTime } from 'luxon';
import type { DateOrder } from '../config';
import { SmxError } from '../errors';
import { formatLocal } from '../slack/time';

export interface When {
  at: Date;
  /** True for `now`: due as soon as it is approved. */
  now: boolean;
}

const MAX_AHEAD_DAYS = 365;
/** A time a little in the past (typing takes a while) still counts as "now-ish", not as a mistake. */
const PAST_GRACE_MS = 60_000;

/** Words people type in times; a misspelt one is suggested back ("tomorow" → "tomorrow"). */
const VOCABULARY = [
  'now',
  'today',
  'tonight',
  'tomorrow',
  'after',
  'next',
  'this',
  'in',
  'at',
  'on',
  'minute',
  'minutes',
  'hour',
  'hours',
  'day',
  'days',
  'week',
  'weeks',
  'month',
  'months',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
  'morning',
  'afternoon',
  'evening',
  'noon',
  'midnight',
  'january',
  'february',
  'march',
  'april',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) (dp[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = dp[i] as number[];
    const prev = dp[i - 1] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
    }
  }
  return (dp[a.length] as number[])[b.length] as number;
}

function correctSpelling(input: string): string {
  return input
    .split(/(\s+)/)
    .map((word) => {
      const w = word.toLowerCase();
      if (!/^[a-z]{3,}$/.test(w) || VOCABULARY.includes(w)) return word;
      let best: string | undefined;
      let bestD = 3;
      for (const v of VOCABULARY) {
        const d = editDistance(w, v);
        if (d < bestD && d <= (w.length > 5 ? 2 : 1)) {
          best = v;
          bestD = d;
        }
      }
      return best ?? word;
    })
    .join('');
}

export const WHEN_MESSAGES = {
  unreadable: (input: string, suggestion: string, example: string) =>
    `I couldn't read '${input}' as a time — try '${suggestion}' or '${example}'. Nothing was scheduled.`,
  missing: (example: string) =>
    `Say when to publish before the text, e.g. \`/smx schedule tomorrow 9am | Flu shots are free this week #FluSeason\` (or 'now', 'in 2 hours', '${example}'). Nothing was scheduled.`,
  noTimeOfDay: (input: string) =>
    `'${input}' has no time of day — add one, e.g. '${input} 9am'. Nothing was scheduled.`,
  past: (input: string, local: string) =>
    `'${input}' is ${local}, which is already past — pick a later time, e.g. 'in 2 hours' or 'tomorrow 9am'. Nothing was scheduled.`,
  tooFar: (input: string, local: string, limit: string) =>
    `'${input}' is ${local}, more than a year ahead — smx schedules up to ${limit}. Nothing was scheduled.`,
} as const;

/** A ready-to-copy absolute example: tomorrow 09:00 local, e.g. "2026-11-25 09:00". */
export function exampleAbsolute(now: Date, timezone: string): string {
  return DateTime.fromJSDate(now, { zone: timezone })
    .plus({ days: 1 })
    .set({ hour: 9, minute: 0 })
    .toFormat('yyyy-MM-dd HH:mm');
}

/** chrono's British parser reads `05/12` as 5 December, its casual (American) one as May 12. */
export const PARSERS: Record<DateOrder, chrono.Chrono> = { dmy: chrono.en.GB, mdy: chrono.casual };

/** "1 Dec" (dmy) or "Dec 1" (mdy): a day of a month as the hospital writes it, for examples in help and errors. */
export function dayMonthExample(order: DateOrder, day: number, month: string): string {
  return order === 'dmy' ? `${day} ${month}` : `${month} ${day}`;
}

/** 5 December at 9am written the way the hospital writes dates, for help examples. */
export function numericDateExample(order: DateOrder): string {
  return order === 'dmy' ? '05/12 9am' : '12/05 9am';
}

function parseOnce(
  rawInput: string,
  now: Date,
  timezone: string,
  order: DateOrder,
): { at: Date; certainHour: boolean } | undefined {
  const local = DateTime.fromJSDate(now, { zone: timezone });
  const offset = local.offset;
  // chrono reads only "tomorrow" out of "day after tomorrow" (and mistakes the zone for "the day after tomorrow").
  const input = rawInput.replace(
    /\b(the\s+)?day\s+after\s+tomorrow\b/i,
    local.plus({ days: 2 }).toISODate() as string,
  );
  const results = PARSERS[order].parse(input, { instant: now, timezone: offset }, { forwardDate: true });
  if (results.length !== 1) return undefined;
  const r = results[0];
  if (!r) return undefined;
  // The whole input must be the time: "tomorow 9am" parses only "9am", which is not what was meant.
  const leftover = `${input.slice(0, r.index)} ${input.slice(r.index + r.text.length)}`
    .replace(/\b(at|on)\b/gi, '')
    .replace(/[\s,.]+/g, '');
  if (leftover !== '') return undefined;
  let at = r.start.date();
  const relative = /^\s*(in|now)\b/i.test(input);
  const localAt = DateTime.fromJSDate(at, { zone: timezone });
  if (!relative && localAt.offset !== offset) {
    // Across a daylight-saving change the wall-clock time is what was meant, not the offset of today.
    at = DateTime.fromObject(
      {
        year: r.start.get('year') ?? localAt.year,
        month: r.start.get('month') ?? localAt.month,
        day: r.start.get('day') ?? localAt.day,
        hour: r.start.get('hour') ?? 0,
        minute: r.start.get('minute') ?? 0,
      },
      { zone: timezone },
    ).toJSDate();
  }
  return { at, certainHour: r.start.isCertain('hour') || relative };
}

/** Parses `<when>`; throws SmxError('BAD_INPUT') with a specific, example-bearing message. */
export function parseWhen(raw: string, now: Date, timezone: string, order: DateOrder = 'dmy'): When {
  const input = raw.trim();
  const example = exampleAbsolute(now, timezone);
  if (input === '') throw new SmxError('BAD_INPUT', WHEN_MESSAGES.missing(example));
  if (/^(now|asap|right now|immediately)$/i.test(input)) return { at: now, now: true };
  const shown = input.length > 60 ? `${input.slice(0, 57)}…` : input;
  const parsed = parseOnce(input, now, timezone, order);
  if (!parsed) {
    const corrected = correctSpelling(input);
    const suggestion =
      corrected !== input && parseOnce(corrected, now, timezone, order) ? corrected : 'tomorrow 9am';
    throw new SmxError('BAD_INPUT', WHEN_MESSAGES.unreadable(shown, suggestion, example));
  }
  if (!parsed.certainHour) throw new SmxError('BAD_INPUT', WHEN_MESSAGES.noTimeOfDay(shown));
  const { at } = parsed;
  if (at.getTime() < now.getTime() - PAST_GRACE_MS) {
    throw new SmxError('BAD_INPUT', WHEN_MESSAGES.past(shown, formatLocal(at, timezone, now)));
  }
  const limit = DateTime.fromJSDate(now, { zone: timezone }).plus({ days: MAX_AHEAD_DAYS });
  if (at.getTime() > limit.toMillis()) {
    throw new SmxError(
      'BAD_INPUT',
      WHEN_MESSAGES.tooFar(
        shown,
        formatLocal(at, timezone, now),
        formatLocal(limit.toJSDate(), timezone, now),
      ),
    );
  }
  return { at: at.getTime() < now.getTime() ? now : at, now: false };
}

/** A local date (YYYY-MM-DD) and time (HH:mm) from the modal's pickers, checked like typed times. */
export function fromPickers(date: string, time: string, now: Date, timezone: string): When {
  const dt = DateTime.fromISO(`${date}T${time}`, { zone: timezone });
  if (!dt.isValid)
    throw new SmxError('BAD_INPUT', `Pick a date and a time, e.g. ${exampleAbsolute(now, timezone)}.`);
  return parseWhen(dt.toFormat('yyyy-MM-dd HH:mm'), now, timezone);
}
