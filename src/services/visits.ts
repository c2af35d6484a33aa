/** Patient visits per month and facility: the feedback rate's denominator. A repeated report replaces the count. */
import { DateTime } from 'luxon';
import { z } from 'zod';
import { Visit, visitKey } from '../../models/visit';
import { SmxError } from '../errors';
import { audit } from './audit';

export const VISITS_USAGE =
  'Usage: `/smx visits <count> [YYYY-MM] [facility]` — e.g. `/smx visits 1200 2026-11` or `/smx visits 300 2026-11 North Clinic`. Nothing was changed.';

export const visitInput = z.object({
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'month must be YYYY-MM, e.g. 2026-11'),
  count: z.number().int('count must be a whole number').min(0, 'count must be 0 or more').max(10_000_000),
  facility: z
    .string()
    .trim()
    .max(80, 'facility must be at most 80 characters')
    .regex(/^[^$.]*$/, 'facility must not contain . or $')
    .optional(),
});
export type VisitInput = z.infer<typeof visitInput>;

/** `<count> [YYYY-MM] [facility…]`; the month defaults to the current local month. */
export function parseVisitsArgs(text: string, now: Date, timezone: string): VisitInput {
  const m = /^([\d,]+)(?:\s+(\d{4}-\d{1,2}))?(?:\s+(.+))?$/.exec(text.trim());
  if (!m?.[1]) throw new SmxError('BAD_INPUT', VISITS_USAGE);
  const month = m[2]
    ? m[2].replace(/-(\d)$/, '-0$1')
    : DateTime.fromJSDate(now, { zone: timezone }).toFormat('yyyy-MM');
  const parsed = visitInput.safeParse({
    month,
    count: Number(m[1].replace(/,/g, '')),
    facility: m[3]?.trim() || undefined,
  });
  if (!parsed.success) {
    throw new SmxError('BAD_INPUT', `${parsed.error.issues[0]?.message ?? 'invalid input'}. ${VISITS_USAGE}`);
  }
  return parsed.data;
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
