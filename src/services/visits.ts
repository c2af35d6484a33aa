/** Patient visits per month and facility: the feedback rate's denominator. A repeated report replaces the count. */
import { DateTime } from 'luxon';
import { z } from 'zod';
import { Visit, visitKey } from '../../models/visit';
import type { Config } from '../config';
import { SmxError } from '../errors';
import { escapeMrkdwn } from '../slack/text';
import { audit } from './audit';
import { resolveFacility } from './facilities';

export const VISITS_USAGE =
  'Usage: `/smx visits <count> [YYYY-MM] [facility]` — e.g. `/smx visits 1200 2026-11` or `/smx visits 300 Nov 2026 North Clinic`. Nothing was changed.';

/** How far back a month's visits may be recorded: older is a typo, not a late report. */
const MAX_YEARS_BACK = 10;

export const VISITS_MESSAGES = {
  badMonth: (word: string) =>
    `'${word}' is not a month smx can read — write it as 2026-11, Nov 2026 or November 2026. Nothing was changed.`,
  monthOutOfRange: (month: string, first: string, last: string) =>
    `${month} is outside the months smx records visits for (${first} to ${last}, the current month) — check the year. Nothing was changed.`,
} as const;

/** Month spellings people type after the count, most specific first. */
const MONTH_FORMATS = [
  'yyyy-MM',
  'yyyy-M',
  'yyyy/MM',
  'MM/yyyy',
  'M/yyyy',
  'LLL-yyyy',
  'LLLL-yyyy',
  'LLL yyyy',
  'LLLL yyyy',
];

/** `2026-11`, `Nov-2026`, `November 2026`, `11/2026` → "2026-11"; undefined when it is not a month. */
export function readMonth(text: string): string | undefined {
  // en-US reads "Sep", en-GB "Sept": try both.
  for (const f of MONTH_FORMATS) {
    for (const locale of ['en-US', 'en-GB']) {
      const dt = DateTime.fromFormat(text, f, { locale });
      if (dt.isValid) return dt.toFormat('yyyy-MM');
    }
  }
  return undefined;
}

/** A word that was meant as a month but could not be read ("Nov-26", "2026-13"): refused, never a facility. */
const MONTH_LIKE =
  /^(\d{4}[-/.]\d{1,2}|\d{1,2}[-/.]\d{2,4}|(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*([-/.\s]?\d{2,4})?)$/i;

export const visitInput = z.object({
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'month must be YYYY-MM, e.g. 2026-11'),
  count: z
    .number()
    .int('the count must be a whole number of visits')
    .min(0, 'the count must be 0 or more')
    .max(10_000_000, 'the count must be at most 10,000,000 visits a month — check it for a typo'),
  facility: z
    .string()
    .trim()
    .max(80, 'facility must be at most 80 characters')
    .regex(/^[^$.]*$/, 'facility must not contain . or $')
    .optional(),
});
export type VisitInput = z.infer<typeof visitInput>;

/** Splits what follows the count into a month (one or two words, e.g. `Nov 2026`) and the facility. */
function splitMonth(rest: string): { month?: string; facility: string } {
  const words = rest.split(/\s+/).filter((w) => w !== '');
  for (const n of [2, 1]) {
    if (words.length < n) continue;
    const month = readMonth(words.slice(0, n).join(' '));
    if (month) return { month, facility: words.slice(n).join(' ') };
  }
  const first = words[0] ?? '';
  if (MONTH_LIKE.test(first)) throw new SmxError('BAD_INPUT', VISITS_MESSAGES.badMonth(escapeMrkdwn(first)));
  return { facility: words.join(' ') };
}

/** `<count> [month] [facility…]`; the month defaults to the current local month. */
export function parseVisitsArgs(text: string, now: Date, timezone: string): VisitInput {
  const m = /^([\d,.]+)(?:\s+([\s\S]+))?$/.exec(text.trim());
  if (!m?.[1]) throw new SmxError('BAD_INPUT', VISITS_USAGE);
  const split = splitMonth(m[2] ?? '');
  const local = DateTime.fromJSDate(now, { zone: timezone });
  const month = split.month ?? local.toFormat('yyyy-MM');
  const last = local.toFormat('yyyy-MM');
  const first = local.minus({ years: MAX_YEARS_BACK }).toFormat('yyyy-MM');
  if (month < first || month > last) {
    throw new SmxError('BAD_INPUT', VISITS_MESSAGES.monthOutOfRange(month, first, last));
  }
  const parsed = visitInput.safeParse({
    month,
    count: Number(m[1].replace(/,/g, '')),
    facility: split.facility.trim() || undefined,
  });
  if (!parsed.success) {
    throw new SmxError('BAD_INPUT', `${parsed.error.issues[0]?.message ?? 'invalid input'}. ${VISITS_USAGE}`);
  }
  return parsed.data;
}

/** `/smx visits …` checked in full: the facility must be one smx knows (configured or seen). */
export async function parseVisitsCommand(config: Config, text: string, now: Date): Promise<VisitInput> {
  const input = parseVisitsArgs(text, now, config.timezone);
  if (input.facility === undefined) return input;
  const facility = await resolveFacility(config, input.facility, `/smx visits ${input.count} ${input.month}`);
  return { ...input, facility };
}

export async function recordVisits(
  input: VisitInput,
  actor: string,
  now: Date,
): Promise<{ previous: number | null }> {
  const facility = input.facility ?? '';
  const _id = visitKey(input.month, facility);
  const before = await Visit.findById(_id).lean();
  await Visit.updateOne(
    { _id },
    { $set: { month: input.month, facility, count: input.count, updatedBy: actor, updatedAt: now } },
    { upsert: true },
  );
  await audit({
    entity: 'visits',
    entityId: _id,
    action: 'set',
    actor,
    at: now,
    before: before ? { count: before.count } : null,
    after: { count: input.count },
  });
  return { previous: before?.count ?? null };
}
