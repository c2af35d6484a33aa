/**
 * Writing and reading the daily roll-ups (models/rollup.ts). Writers insert deltas; readers sum the folded documents
 * (month documents and the totals document, fetched by exact `_id`) and the deltas not folded yet. Every write is an
 * insert into a unique `_id` index, so two instances never lose or double an increment (mongo-subset.md: no racing
 * `$inc` upserts on FerretDB), and every read follows the days asked, not the archive: one scan of the small delta
 * collection plus one `findById` per month asked. Folding is services/rollup-compact.ts.
 */
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { insertNew } from '../../models/insert-new';
import { monthId, RollupDelta, RollupDoc, type RollupKind, RollupMark, TOTALS_ID } from '../../models/rollup';
import { SmxError } from '../errors';
import { localDay } from '../slack/time';

const QUARTER_HOUR = 15 * 60_000;
const dayCache = new Map<string, string>();

/**
 * Items are counted on the local day they were WRITTEN (issue 10): a review's `postedAt`, not when smx fetched it.
 * Cached per UTC quarter-hour (every zone's offset and transitions fall on quarter hours, so a local day never
 * changes inside one): the repair computes it for every archived review, and luxon takes ~15 µs a call.
 */
export function metricDay(postedAt: Date, timezone: string): string {
  const k = `${timezone}|${Math.floor(new Date(postedAt).getTime() / QUARTER_HOUR)}`;
  let day = dayCache.get(k);
  if (day === undefined) {
    day = localDay(postedAt, timezone);
    if (dayCache.size > 200_000) dayCache.clear();
    dayCache.set(k, day);
  }
  return day;
}

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

/** One key's figures: a delta, or a row of a month or totals document (day '' there). */
export interface RollupRow extends Figures {
  kind: RollupKind;
  day: string;
  facility: string | null;
  key: string;
  hours?: number[] | null;
}

export interface DeltaRow extends RollupRow {
  _id: string;
  at: Date;
  /** A flush's deltas: its id and how many it wrote (the compactor deletes a whole batch by it, rollup-compact.ts). */
  batch?: string;
  of?: number;
}

/** A folded delta id; `gone` = when a compaction first saw it deleted (see rollup-compact.ts). */
export interface Replaced {
  id: string;
  gone?: Date | null;
}

export interface FoldedDoc {
  _id: string;
  rows: RollupRow[];
  replaces: Replaced[];
  months?: string[] | null;
  at: Date;
}

const HOUR = 3600_000;

type Encoded = [RollupKind, string, string | null, string, number, number, number, number, number[]];

/**
 * A folded document as stored: its rows as ONE JSON string (`data`). FerretDB decodes a document field by field, and
 * a month's ~1,000 rows with their response hours as sub-documents took ~100 ms to read; one string takes a few.
 * Nobody queries the rows; readers parse them.
 */
export function encodeDoc(d: FoldedDoc): Record<string, unknown> {
  const data: Encoded[] = d.rows.map((r) => [
    r.kind,
    r.day,
    r.facility ?? null,
    r.key,
    r.n,
    r.rated,
    r.ratingSum,
    r.negatives,
    r.hours ?? [],
  ]);
  return {
    _id: d._id,
    data: JSON.stringify(data),
    replaces: d.replaces,
    ...(d.months ? { months: d.months } : {}),
    at: d.at,
  };
}

export function decodeDoc(raw: Record<string, unknown>): FoldedDoc {
  const data = JSON.parse(typeof raw.data === 'string' ? raw.data : '[]') as Encoded[];
  return {
    _id: String(raw._id),
    rows: data.map(([kind, day, facility, key, n, rated, ratingSum, negatives, hours]) => ({
      kind,
      day,
      facility,
      key,
      n,
      rated,
      ratingSum,
      negatives,
      ...(hours.length > 0 ? { hours } : {}),
    })),
    replaces: (raw.replaces as Replaced[] | undefined) ?? [],
    ...(Array.isArray(raw.months) ? { months: raw.months as string[] } : {}),
    at: raw.at as Date,
  };
}

/** One folded document by its exact `_id` (the only query FerretDB v1 answers without a scan). */
export async function fetchDoc(id: string): Promise<FoldedDoc | null> {
  const raw = await RollupDoc.collection.findOne({ _id: id as never });
  return raw ? decodeDoc(raw as Record<string, unknown>) : null;
}
/**
 * A read (deltas, then documents) that took longer than this starts over: a compaction drops a deleted delta's id
 * from `replaces` only REPLACES_GRACE_MS after it saw it gone, so a read shorter than that can never count a delta
 * both on its own and inside a document (rollup-compact.ts has the argument). The margin covers clock skew.
 */
export const READ_WINDOW_MS = 60_000;

export const ROLLUP_MESSAGES = {
  tooSlow:
    'The database is answering too slowly to add up the figures right now. Nothing was changed; try again in a few minutes.',
} as const;

export const keyOf = (kind: RollupKind, day: string, facility: string | null | undefined, key: string) =>
  `${kind}|${day}|${facility ?? ''}|${key}`;

export const rowKey = (r: Pick<RollupRow, 'kind' | 'day' | 'facility' | 'key'>) =>
  keyOf(r.kind, r.day, r.facility, r.key);

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
): Map<string, RollupRow> {
  const out = new Map<string, RollupRow>();
  for (const item of items) {
    const day = metricDay(item.postedAt, timezone);
    const facility = item.facility ?? null;
    const k = keyOf('reviews', day, facility, item.source);
    const row = out.get(k) ?? { kind: 'reviews', day, facility, key: item.source, ...zero() };
    addFigures(row, reviewFigures(item, item.sign ?? 1));
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

export const isEmptyRow = (r: RollupRow) =>
  r.n === 0 && r.rated === 0 && r.ratingSum === 0 && r.negatives === 0 && (r.hours ?? []).length === 0;

/** A plain copy of a row's key and figures; its hours copied (sorted when asked), left out when there are none. */
export function copyRow(r: RollupRow, opts: { sortHours?: boolean } = {}): RollupRow {
  const hours = r.hours && r.hours.length > 0 ? [...r.hours] : undefined;
  if (hours && opts.sortHours) hours.sort((a, b) => a - b);
  return {
    kind: r.kind,
    day: r.day,
    facility: r.facility ?? null,
    key: r.key,
    n: r.n,
    rated: r.rated,
    ratingSum: r.ratingSum,
    negatives: r.negatives,
    ...(hours ? { hours } : {}),
  };
}

/** Adds `r` into the row of its key in `rows` (a copy: `r` is not changed). */
export function addRow(rows: Map<string, RollupRow>, r: RollupRow, k = rowKey(r)): void {
  const have = rows.get(k);
  if (!have) {
    rows.set(k, copyRow(r));
    return;
  }
  addFigures(have, r);
  if (r.hours && r.hours.length > 0) have.hours = [...(have.hours ?? []), ...r.hours];
}

/**
 * How long a writer may hold contributions it has summed before inserting them as deltas. Must stay well inside the
 * repair's REPAIR_MARGIN_MS (10 min, rollup-repair.ts): the repair leaves a key alone while any of its items was
 * stored or edited in that margin, because its writer may sit between the archive write and the delta insert.
 */
export const CONTRIBUTION_FLUSH_MS = 60_000;
/** …and at most this many keys (memory; a flush writes one delta per key). */
export const CONTRIBUTION_MAX_KEYS = 20_000;

export type Contribution = ReviewFacts & { sign?: number };

/**
 * The review contributions of the items a writer stored, summed per key over many batches and inserted as ONE delta
 * per key: a 50,000-row import spread over 900 days wrote one per key and batch (50,000: one per row), and the
 * compaction after it spent most of the import's time deleting them (`$in` scans the delta collection on FerretDB,
 * so deleting n deltas costs ~n²). Held at most CONTRIBUTION_FLUSH_MS or CONTRIBUTION_MAX_KEYS (`flushIfDue` after
 * each batch), and flushed at the writer's end.
 *
 * Exactly once as before: only the writer whose insert stored an item (or whose guarded update edited it) adds its
 * contribution, each flush takes what it holds before inserting (an insert that fails is not repeated), and every
 * delta is an insert into a unique `_id`. A crash loses what was held (at most a minute of an import) until the
 * nightly repair rebuilds those days from the archive — as a crash between a batch's review insert and its delta
 * insert always did; it never counts anything twice.
 */
export class ContributionBuffer {
  private rows = new Map<string, RollupRow>();
  private since: number | null = null;

  constructor(
    private readonly timezone: string,
    private readonly limits: { maxAgeMs?: number; maxKeys?: number } = {},
  ) {}

  add(items: readonly Contribution[]): void {
    if (items.length === 0) return;
    for (const [k, r] of reviewContributions(items, this.timezone)) addRow(this.rows, r, k);
    this.since ??= performance.now();
  }

  /** Keys held (a key whose figures cancelled out still counts here; it is not written). */
  get size(): number {
    return this.rows.size;
  }

  /** Flushes when what is held is older than the age bound or has too many keys. Returns the deltas written. */
  async flushIfDue(at: Date): Promise<number> {
    if (this.since === null) return 0;
    const old = performance.now() - this.since >= (this.limits.maxAgeMs ?? CONTRIBUTION_FLUSH_MS);
    return old || this.rows.size >= (this.limits.maxKeys ?? CONTRIBUTION_MAX_KEYS) ? this.flush(at) : 0;
  }

  /** Inserts one delta per key held (`at`: when they are written) and forgets them. Returns the deltas written. */
  async flush(at: Date): Promise<number> {
    const rows = this.rows;
    this.rows = new Map();
    this.since = null;
    const batch = randomUUID();
    const kept = [...rows].filter(([, r]) => !isEmptyRow(r));
    const docs = kept.map(([k, r]) => ({ _id: `${k}|${batch}`, ...r, at, batch, of: kept.length }));
    for (let i = 0; i < docs.length; i += 5000) {
      await RollupDelta.collection.insertMany(docs.slice(i, i + 5000) as never[], { ordered: false });
    }
    return docs.length;
  }
}

/**
 * Exactly once per `mark`: the marker insert into `rollup_marks` (unique `_id`, never deleted) decides, and only
 * its winner writes the delta. A crash between the two loses the figure until the nightly repair rebuilds that day
 * from the archive; it never counts twice — also after the delta was folded into its month and deleted.
 */
async function insertOnce(mark: string, delta: RollupRow, at: Date): Promise<void> {
  const [won] = await insertNew(RollupMark.collection, [{ _id: mark as never, at }]);
  if (!won) return;
  await RollupDelta.collection.insertOne({ _id: `${mark}|${randomUUID()}` as never, ...delta, at });
}

/**
 * A negative's first action, once per review. The response time is measured from ARRIVAL (`ingestedAt`: the team
 * could not answer before smx showed it), while the item is filed under the day it was written (`postedAt`), like
 * its review figures.
 */
export async function insertResponse(
  review: ReviewFacts & { _id: unknown; ingestedAt: Date },
  firstActionAt: Date,
  timezone: string,
  at: Date,
): Promise<void> {
  if (review.sentiment !== 'negative') return;
  const hours = (firstActionAt.getTime() - new Date(review.ingestedAt).getTime()) / HOUR;
  await insertOnce(
    `response:${String(review._id)}`,
    {
      kind: 'response',
      day: metricDay(review.postedAt, timezone),
      facility: review.facility ?? null,
      key: review.source,
      ...zero(),
      n: 1,
      hours: [hours],
    },
    at,
  );
}

/** A publication, once per post and target. */
export async function insertPublished(
  postId: string,
  target: string,
  publishedAt: Date,
  timezone: string,
  at: Date,
): Promise<void> {
  await insertOnce(
    `posts:${postId}:${target}`,
    { kind: 'posts', day: localDay(publishedAt, timezone), facility: null, key: target, ...zero(), n: 1 },
    at,
  );
}

/** Hours from a post's submission to its approval: what the approval-turnaround median is taken over. */
export const approvalHours = (submittedAt: Date, approvedAt: Date) =>
  (new Date(approvedAt).getTime() - new Date(submittedAt).getTime()) / HOUR;

/**
 * An approval (`cleared` false) or an edit that cleared one (`cleared` true), once per post version (the decision
 * on a version is exactly-once: decisions.ts). Both file the approval's hours under the local day it was approved,
 * so a cleared approval leaves the day it was counted in.
 */
export async function insertApproval(
  post: { id: string; version: number; submittedAt: Date; approvedAt: Date },
  cleared: boolean,
  timezone: string,
  at: Date,
): Promise<void> {
  await insertOnce(
    `${cleared ? 'approvals-cleared' : 'approvals'}:${post.id}:${post.version}`,
    {
      kind: 'approvals',
      day: localDay(post.approvedAt, timezone),
      facility: null,
      key: cleared ? 'cleared' : 'approved',
      ...zero(),
      n: 1,
      hours: [approvalHours(post.submittedAt, post.approvedAt)],
    },
    at,
  );
}

/** The approved hours less the cleared ones (as multisets: a cleared approval takes out its own hours once). */
export function standingApprovals(approved: readonly number[], cleared: readonly number[]): number[] {
  const out = new Map<number, number>();
  for (const h of approved) out.set(h, (out.get(h) ?? 0) + 1);
  for (const h of cleared) out.set(h, (out.get(h) ?? 0) - 1);
  const hours: number[] = [];
  for (const [h, n] of out) for (let i = 0; i < n; i++) hours.push(h);
  return hours;
}

/** The month documents' ids that cover the local days `fromDay`..`toDay`. */
export function monthsBetween(fromDay: string, toDay: string): string[] {
  const out: string[] = [];
  if (fromDay > toDay) return out;
  let m = DateTime.fromISO(fromDay.slice(0, 7), { zone: 'UTC' }).startOf('month');
  const last = toDay.slice(0, 7);
  while ((m.toISODate() as string).slice(0, 7) <= last) {
    out.push(monthId(m.toISODate() as string));
    m = m.plus({ months: 1 });
  }
  return out;
}

/**
 * Deltas FIRST, then the folded documents, skipping deltas a document lists as folded in: see rollup-compact.ts for
 * why this never double-counts nor misses while a compaction runs. Starts over if it took longer than READ_WINDOW_MS.
 */
async function readFolded(
  deltaFilter: Record<string, unknown>,
  docIds: readonly string[],
): Promise<{ deltas: DeltaRow[]; docs: FoldedDoc[] }> {
  for (let attempt = 1; ; attempt++) {
    const t0 = Date.now();
    // One reply (on FerretDB each getMore is another slow round trip; the delta collection is small).
    const deltas = await RollupDelta.find(deltaFilter).batchSize(100_000).lean<DeltaRow[]>();
    const docs = (await Promise.all(docIds.map(fetchDoc))).filter((d): d is FoldedDoc => d !== null);
    if (Date.now() - t0 <= READ_WINDOW_MS) return { deltas, docs };
    // Three reads of a minute each: the database is too slow to give figures that are certainly exact.
    if (attempt >= 3) throw new SmxError('DB_UNAVAILABLE', ROLLUP_MESSAGES.tooSlow);
  }
}

/** The deltas not folded into any of `docs` (exported for the race test). */
export function liveDeltas(deltas: readonly DeltaRow[], docs: readonly FoldedDoc[]): DeltaRow[] {
  const folded = new Set<string>();
  for (const d of docs) for (const r of d.replaces ?? []) folded.add(r.id);
  return folded.size === 0 ? [...deltas] : deltas.filter((d) => !folded.has(d._id));
}

/** Kinds that have no facility: a facility's report counts them whole. */
const WITHOUT_FACILITY: readonly RollupKind[] = ['posts', 'approvals'];

/**
 * The roll-up rows of some kinds for a range of local days, optionally one facility (posts and approvals have none
 * and are always included): the month documents' rows plus the deltas not folded yet. Rows of one key may come more than once;
 * readers sum them.
 */
export async function loadRollups(
  kinds: readonly RollupKind[],
  fromDay: string,
  toDay: string,
  facility?: string,
): Promise<RollupRow[]> {
  const wanted = (r: RollupRow) =>
    kinds.includes(r.kind) &&
    r.day >= fromDay &&
    r.day <= toDay &&
    (facility === undefined || WITHOUT_FACILITY.includes(r.kind) || r.facility === facility);
  const { deltas, docs } = await readFolded(
    {
      kind: kinds.length === 1 ? kinds[0] : { $in: [...kinds] },
      day: { $gte: fromDay, $lte: toDay },
    },
    monthsBetween(fromDay, toDay),
  );
  const rows: RollupRow[] = [];
  for (const d of docs) for (const r of d.rows) if (wanted(r)) rows.push(r);
  for (const r of liveDeltas(deltas, docs)) if (wanted(r)) rows.push(r);
  return rows;
}

/** Items stored per facility × source: the totals document plus the review deltas not folded into it yet. */
export async function storedTotals(): Promise<RollupRow[]> {
  const { deltas, docs } = await readFolded({ kind: 'reviews' }, [TOTALS_ID]);
  const rows = new Map<string, RollupRow>();
  for (const d of docs) for (const r of d.rows) addRow(rows, { ...r, day: '' });
  for (const r of liveDeltas(deltas, docs)) addRow(rows, { ...r, day: '', hours: null });
  return [...rows.values()];
}

/** How many reviews are stored (optionally for one facility), from the roll-ups. */
export async function storedCount(facility?: string): Promise<number> {
  return (await storedTotals())
    .filter((r) => facility === undefined || r.facility === facility)
    .reduce((sum, r) => sum + r.n, 0);
}

/** Facilities that have stored reviews, from the roll-ups. */
export async function storedFacilities(): Promise<string[]> {
  const out = new Set<string>();
  for (const r of await storedTotals()) if (r.n > 0 && r.facility) out.add(r.facility);
  return [...out].sort((a, b) => a.localeCompare(b));
}
