/**
 * Items that strangers hand us — webhook bodies and import rows — checked one by one. A bad item is reported with
 * its position and field and never stops the good ones. Both paths share these rules and end in the review store.
 */
import { z } from 'zod';
import { isApiSourceName } from '../adapters/sources';
import { type IncomingReview, sourceName } from './review-store';

export const MAX_TEXT = 5000;

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optional = <T extends z.ZodType>(s: T) => z.preprocess(blankToUndefined, s.nullish());

/** The fields of one item, as the webhook takes them (JSON, camelCase). */
export const externalItemSchema = z.object({
  externalId: z.preprocess(
    (v) => (typeof v === 'number' ? String(v) : v),
    z
      .string({ error: 'is required (a string, unique per source)' })
      .trim()
      .min(1, 'is required (a string, unique per source)')
      .max(200, 'must be at most 200 characters'),
  ),
  text: z
    .string({ error: 'is required (the feedback text)' })
    .max(MAX_TEXT, `must be at most ${MAX_TEXT} characters`)
    .refine((t) => t.trim() !== '', 'is required (the feedback text)'),
  rating: optional(z.number({ error: 'must be a whole number from 1 to 5' }).int().min(1).max(5)),
  author: optional(z.string().trim().max(200, 'must be at most 200 characters')),
  facility: optional(z.string().trim().max(200, 'must be at most 200 characters')),
  url: optional(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2000)),
  postedAt: optional(
    z.union([z.iso.datetime({ offset: true, local: true }), z.iso.date()], {
      error: 'must be an ISO 8601 time, e.g. 2026-11-24T09:30:00Z',
    }),
  ),
  source: optional(
    sourceName.refine(
      (s) => !isApiSourceName(s),
      'is the name of a source smx reads itself; pick another name (e.g. feedback, mouthshut)',
    ),
  ),
});

export type ExternalItem = z.output<typeof externalItemSchema>;
/** What a schema for `checkItem` must give: the webhook's fields, the source optional (imports name it once). */
export type ItemFields = Omit<ExternalItem, 'source'> & { source?: string | null | undefined };

export interface ItemProblem {
  field: string;
  message: string;
}

export type ItemCheck = { ok: true; item: IncomingReview } | { ok: false; problems: ItemProblem[] };

export interface ItemDefaults {
  source: string;
  facility?: string | undefined;
  now: Date;
}

/** Checks one item; on success gives what the store takes. */
export function checkItem(
  raw: unknown,
  defaults: ItemDefaults,
  schema: z.ZodType<ItemFields> = externalItemSchema,
): ItemCheck {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, problems: [{ field: '(item)', message: 'must be a JSON object' }] };
  }
  const r = schema.safeParse(raw);
  if (!r.success) {
    return {
      ok: false,
      problems: r.error.issues.map((i) => ({ field: i.path.join('.') || '(item)', message: i.message })),
    };
  }
  const v = r.data;
  return {
    ok: true,
    item: {
      source: v.source ?? defaults.source,
      externalId: v.externalId,
      facility: v.facility ?? defaults.facility ?? null,
      rating: v.rating ?? null,
      text: v.text,
      authorName: v.author ?? null,
      url: v.url ?? null,
      // A date alone (2026-11-24) is midnight UTC; a time without offset is read as UTC too.
      postedAt: v.postedAt
        ? new Date(
            /[zZ]|[+-]\d\d:?\d\d$/.test(v.postedAt) || v.postedAt.length === 10
              ? v.postedAt
              : `${v.postedAt}Z`,
          )
        : defaults.now,
    },
  };
}
