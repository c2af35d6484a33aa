/**
 * Writing and reading the daily roll-ups (models/rollup.ts). Writers insert contributions; readers sum the live ones.
 * Every write is an insert into the unique `_id` index, so two instances never lose or double an increment
 * (mongo-subset.md: no racing `$inc` upserts on FerretDB), and every read follows the days asked, not the archive.
 */
import { randomUUID } from 'node:crypto';
import { insertNew } from '../../models/insert-new';
import { Rollup, type RollupKind } from '../../models/rollup';
import { localDay } from '../slack/time';

/** Items are counted on the local day they were WRITTEN (issue 10): a review's `postedAt`, not when smx fetched it. */
export const metricDay = (postedAt: Date, timezone: string) => localDay(postedAt, timezone);

export interface ReviewFacts {
  postedAt: Date;
  facility?: string | null;
  source: string;
  rating?: number | null;
  sentiment: string;
}

export interface Figures {
  n: number;
  rated: number;
  ratingSum: number;
  negatives: number;
}

export interface RollupRow extends Figures {
  _id: string;
  kind: RollupKind;
  day: string;
  facility: string | null;
  key: string;
  hours?: number[] | null;
  replaces?: string[] | null;
  at: Date;
}

const HOUR = 3600_000;

export const keyOf = (kind: RollupKind, day: string, facility: string | null | undefined, key: string) =>
  `${kind}|${day}|${facility ?? ''}|${key}`;

export function reviewFigures(r: Pick<ReviewFacts, 'rating' | 'sentiment'>, sign = 1): Figures {
  const rated = typeof r.rating === 'number' && r.rating >= 1;
  return {
    n: sign,
    rated: rated ? sign : 0,
    ratingSum: rated ? sign * (r.rating as number) : 0,
    negatives: r.sentiment === 'negative' ? sign : 0,
  };
}

/** The reviews contributions of some items (sign −1 takes an item's old state out, for edits), summed per key. */
export function reviewContributions(
  items: ReadonlyArray<ReviewFacts & { sign?: number }>,
  timezone: string,
): Map<string, Omit<RollupRow, '_id' | 'at'>> {
  const out = new Map<string, Omit<RollupRow, '_id' | 'at'>>();
  for (const item of items) {
    const day = metricDay(item.postedAt, timezone);
    const facility = item.facility ?? null;
    const k = keyOf('reviews', day, facility, item.source);
    const f = reviewFigures(item, item.sign ?? 1);
    const row = out.get(k) ?? { kind: 'reviews', day, facility, key: item.source, ...zero() };
    addFigures(row, f);
    out.set(k, row);
  }
  return out;
}

export const zero = (): Figures => ({ n: 0, rated: 0, ratingSum: 0, negatives: 0 });

export function addFigures(into: Figures, f: Figures): void {
  into.n += f.n;
  into.rated += f.rated;
  into.ratingSum += f.ratingSum;
  into.negatives += f.negatives;
}

/** One batch's review contributions, one document per key (a key whose figures cancel out is not written). */
export async function insertReviewContributions(
  items: ReadonlyArray<ReviewFacts & { sign?: number }>,
  timezone: string,
  at: Date,
): Promise<void> {
  const batch = randomUUID();
  const docs = [...reviewContributions(items, timezone)]
    .filter(([, r]) => r.n !== 0 || r.rated !== 0 || r.ratingSum !== 0 || r.negatives !== 0)
    .map(([k, r]) => ({ _id: `${k}|${batch}`, ...r, at }));
  if (docs.length > 0) await Rollup.collection.insertMany(docs as never[], { ordered: false });
}

/**
 * A negative's first action: exactly once per review by its `_id` (a second writer's insert is a no-op). The response
 * time is measured from ARRIVAL (`ingestedAt`: the team could not answer before smx showed it), while the item is
 * filed under the day it was written (`postedAt`), like its review figures.
 */
export async function insertResponse(
  review: ReviewFacts & { _id: unknown; ingestedAt: Date },
  firstActionAt: Date,
  timezone: string,
  at: Date,
): Promise<void> {
  if (review.sentiment !== 'negative') return;
  const hours = (firstActionAt.getTime() - new Date(review.ingestedAt).getTime()) / HOUR;
  await insertNew(Rollup.collection, [
    {
      _id: `response:${String(review._id)}` as never,
      kind: 'response',
      day: metricDay(review.postedAt, timezone),
      facility: review.facility ?? null,
      key: review.source,
      ...zero(),
      n: 1,
      hours: [hours],
      at,
    },
  ]);
}

/** A publication: exactly once per post and target by its `_id`. */
export async function insertPublished(
  postId: string,
  target: string,
  publishedAt: Date,
  timezone: string,
  at: Date,
): Promise<void> {
  await insertNew(Rollup.collection, [
    {
      _id: `posts:${postId}:${target}` as never,
      kind: 'posts',
      day: localDay(publishedAt, timezone),
      facility: null,
      key: target,
      ...zero(),
      n: 1,
      at,
    },
  ]);
}

/** Live documents only: one listed in another's `replaces` was merged into it by the repair job. */
export function liveRows<T extends { _id: string; replaces?: string[] | null }>(rows: readonly T[]): T[] {
  const replaced = new Set<string>();
  for (const r of rows) for (const id of r.replaces ?? []) replaced.add(id);
  return replaced.size === 0 ? [...rows] : rows.filter((r) => !replaced.has(r._id));
}

/**
 * The live roll-up rows of some kinds for a range of local days, optionally one facility. Results come back in one
 * reply (on FerretDB each getMore is another slow round trip; these rows are few).
 */
export async function loadRollups(
  kinds: readonly RollupKind[],
  fromDay: string,
  toDay: string,
  facility?: string,
): Promise<RollupRow[]> {
  const rows = await Rollup.find(
    {
      kind: kinds.length === 1 ? kinds[0] : { $in: [...kinds] },
      day: { $gte: fromDay, $lte: toDay },
      ...(facility === undefined ? {} : { facility }),
    },
    { at: 0 },
  )
    .batchSize(100_000)
    .lean<RollupRow[]>();
  return liveRows(rows);
}

/** Sums rows per some key of theirs. */
export function sumBy<T extends Figures>(rows: readonly T[], by: (r: T) => string): Map<string, Figures> {
  const out = new Map<string, Figures>();
  for (const r of rows) {
    const k = by(r);
    const f = out.get(k) ?? zero();
    addFigures(f, r);
    out.set(k, f);
  }
  return out;
}
