/**
 * The compactor: folds the roll-up deltas (models/rollup.ts) into their month documents and the totals document, then
 * deletes them, so the delta collection every reader scans holds minutes of writes, not years. Run by a job every few
 * minutes (SMX_ROLLUP_COMPACT_CRON), after an import and after an ingest that stored many items. One instance at a
 * time: compactions and the repair job (rollup-repair.ts) share one claim (an insert into the unique claims `_id`),
 * because each rewrites documents from what it read — two at once could lose an update.
 *
 * A compaction: (1) read every delta (snapshot S, at time s); (2) read the documents they belong to; (3) write each
 * new document by `_id`: the old rows plus the deltas of S not already listed in its `replaces`, with `replaces` =
 * the old entries plus those deltas; (4) delete the deltas of S. An entry whose delta is no longer in S was deleted:
 * it is marked `gone` at s, and dropped from `replaces` only at a compaction at least REPLACES_GRACE_MS later.
 * Delta ids are never reused (random suffixes), so "absent from S" really means "deleted".
 *
 * Why a reader (rollups.ts: deltas first, then documents by `_id`, skipping deltas listed in a document's
 * `replaces`) never counts a delta x twice and never misses it. Let t0 be when the reader started, t1 when its delta
 * read saw (or did not see) x, t2 when it read x's document D, version v (a replacement by `_id` is atomic: v is
 * one whole version). The single compactor carries every row forward, so every version written after the one that
 * folded x holds x's figures.
 * - It saw x, and v holds x's figures: x is in v's `replaces` unless a compaction dropped it, which needs x seen
 *   gone at g ≤ s_v − GRACE; x was present at t1, so t0 < t1 < g < s_v − GRACE < t2 − GRACE: the read took longer
 *   than GRACE, and readers start over past READ_WINDOW_MS < GRACE. So x is skipped as a delta: counted once.
 * - It saw x, and v does not hold x's figures: v predates x's folding, so x is not in its `replaces`: counted once,
 *   as a delta.
 * - It did not see x because x was already deleted: the deletion follows the write of a version holding x, and v
 *   (read later) is that version or a newer one: counted once, in D.
 * - It did not see x because x did not exist yet: counted in D if v already holds it, else not at all — as if the
 *   read had happened just before x was written (the write is concurrent with the read).
 * A crash between (3) and (4) leaves deltas that their documents list: readers skip them; the next compaction finds
 * them in S and in `replaces`, adds nothing, deletes them. A crash within (3) leaves some documents written: each
 * document is consistent with the deltas on its own, which is all a reader needs.
 *
 * On MongoDB the delta read uses the index on `kind, day` and the documents their `_id`; on FerretDB v1 the delta
 * read scans the (small) delta collection and each document read is an `_id` lookup (~5 ms), whatever the archive.
 */
import { randomUUID } from 'node:crypto';
import { Claim } from '../../models/claim';
import { monthId, RollupDelta, RollupDoc, TOTALS_ID } from '../../models/rollup';
import { releaseClaim, tryClaim } from './claims';
import {
  addRow,
  copyRow,
  type DeltaRow,
  encodeDoc,
  type FoldedDoc,
  fetchDoc,
  isEmptyRow,
  READ_WINDOW_MS,
  type Replaced,
  type RollupRow,
  rowKey,
} from './rollups';

/** How long a deleted delta's id stays in `replaces` (must exceed READ_WINDOW_MS plus any clock skew). */
export const REPLACES_GRACE_MS = 10 * READ_WINDOW_MS;
export const ROLLUP_CLAIM = 'rollup-fold';
/** A compaction gives up before writing once it has run this long (its claim is taken over at twice that). */
export const COMPACT_LEASE_MS = 5 * 60_000;
/** An ingest that stored at least this many items compacts at its end (services/ingest.ts). */
export const COMPACT_AFTER_ITEMS = 500;

export interface CompactResult {
  ran: boolean;
  deltas: number;
  documents: number;
  deleted: number;
  ms: number;
}

/**
 * The roll-up claim, with a lease: a holder that died is taken over once `until` passed. A live holder never writes
 * past its own lease (it checks before its writes), so a takeover cannot race it.
 */
export async function claimRollups(owner: string, now: Date, leaseMs: number): Promise<boolean> {
  const until = new Date(now.getTime() + 2 * leaseMs);
  if (await tryClaim(ROLLUP_CLAIM, owner, now, until)) return true;
  const held = await Claim.findById(ROLLUP_CLAIM).lean();
  if (!held) return tryClaim(ROLLUP_CLAIM, owner, now, until);
  const end = held.until ? new Date(held.until).getTime() : new Date(held.claimedAt).getTime() + 2 * leaseMs;
  if (now.getTime() < end) return false;
  await Claim.deleteOne({ _id: ROLLUP_CLAIM, owner: held.owner });
  return tryClaim(ROLLUP_CLAIM, owner, now, until);
}

export const releaseRollups = (owner: string) => releaseClaim(ROLLUP_CLAIM, owner);

/** `replaces` of a document after a compaction that saw `present` at `at`, plus the ids it folds in now. */
export function nextReplaces(
  old: readonly Replaced[],
  present: ReadonlySet<string>,
  at: Date,
  added: readonly string[],
): Replaced[] {
  const out: Replaced[] = [];
  for (const r of old) {
    if (present.has(r.id)) out.push({ id: r.id });
    else if (!r.gone) out.push({ id: r.id, gone: at });
    else if (at.getTime() - new Date(r.gone).getTime() < REPLACES_GRACE_MS)
      out.push({ id: r.id, gone: r.gone });
  }
  for (const id of added) out.push({ id });
  return out;
}

const sortedRows = (rows: Iterable<RollupRow>) =>
  [...rows]
    .filter((r) => !isEmptyRow(r))
    .map((r) => copyRow(r, { sortHours: true }))
    .sort((a, b) => (rowKey(a) < rowKey(b) ? -1 : rowKey(a) > rowKey(b) ? 1 : 0));

const replacesKey = (r: readonly Replaced[]) =>
  JSON.stringify(r.map((x) => [x.id, x.gone ? new Date(x.gone).getTime() : 0]));

/** A document with `rows` and `replaces` (rows canonical: sorted, empty ones dropped, hours sorted). */
export function buildDoc(
  id: string,
  rows: Iterable<RollupRow>,
  replaces: Replaced[],
  at: Date,
  months?: string[],
): FoldedDoc {
  return { _id: id, rows: sortedRows(rows), replaces, ...(months ? { months } : {}), at };
}

/** Whether writing `next` over `old` changes anything a reader or a later compaction sees. */
export function sameDoc(old: FoldedDoc | null, next: FoldedDoc): boolean {
  if (!old) return next.rows.length === 0 && next.replaces.length === 0;
  return (
    JSON.stringify(sortedRows(old.rows)) === JSON.stringify(next.rows) &&
    replacesKey(old.replaces ?? []) === replacesKey(next.replaces) &&
    JSON.stringify([...(old.months ?? [])].sort()) === JSON.stringify([...(next.months ?? [])].sort())
  );
}

/** The totals row of a reviews row: per facility × source, no day, no hours. */
export const totalsRow = (r: RollupRow): RollupRow => ({ ...r, day: '', hours: null });

/** Old document + the deltas not yet in its `replaces`: the compaction of one document. */
export function foldDoc(
  id: string,
  old: FoldedDoc | null,
  deltas: readonly DeltaRow[],
  present: ReadonlySet<string>,
  at: Date,
  as: (r: RollupRow) => RollupRow = (r) => r,
  months?: string[],
): FoldedDoc {
  const had = new Set((old?.replaces ?? []).map((r) => r.id));
  const rows = new Map<string, RollupRow>();
  for (const r of old?.rows ?? []) addRow(rows, r);
  const added: string[] = [];
  for (const d of deltas) {
    if (had.has(d._id)) continue;
    addRow(rows, as(d));
    added.push(d._id);
  }
  return buildDoc(id, rows.values(), nextReplaces(old?.replaces ?? [], present, at, added), at, months);
}

/** Each document by its `_id`, side by side (each stands on its own for readers). */
export async function writeDocs(docs: readonly FoldedDoc[]): Promise<void> {
  await Promise.all(
    docs.map((d) =>
      RollupDoc.collection.replaceOne({ _id: d._id as never }, encodeDoc(d) as never, { upsert: true }),
    ),
  );
}

/**
 * Deletes the deltas of a snapshot (every one of them, and nothing else). On FerretDB v1 `$in` scans the delta
 * collection and compares each delta with every value listed (measured: ~50 µs a delta, plus ~30 ns a delta × value
 * listed), so deleting n deltas by their ids, 1,000 a call, costs ~n²: 190 s for the 50,000 a 50,000-row import used
 * to write. The deltas of a flush (rollups.ts ContributionBuffer) carry its `batch` and how many it wrote (`of`): a
 * batch whose every delta is in the snapshot is deleted by that tag — batch ids are never reused, so no delta outside
 * the snapshot carries it — in one scan for up to 1,000 batches. The rest (a batch still being written when the
 * snapshot was read, first actions, publications, deltas from before the tags) go by id.
 */
export async function deleteDeltas(deltas: readonly DeltaRow[]): Promise<number> {
  const seen = new Map<string, { of: number; n: number }>();
  for (const d of deltas) {
    if (!d.batch || !d.of) continue;
    const b = seen.get(d.batch) ?? { of: d.of, n: 0 };
    b.n++;
    seen.set(d.batch, b);
  }
  const whole = [...seen].filter(([, b]) => b.n === b.of).map(([id]) => id);
  const complete = new Set(whole);
  const rest = deltas.filter((d) => !(d.batch && complete.has(d.batch))).map((d) => d._id);
  let deleted = 0;
  for (let i = 0; i < whole.length; i += 1000) {
    deleted += (await RollupDelta.deleteMany({ batch: { $in: whole.slice(i, i + 1000) } })).deletedCount;
  }
  for (let i = 0; i < rest.length; i += 1000) {
    // `$in` scans, but only the delta collection, which is small by construction.
    deleted += (await RollupDelta.deleteMany({ _id: { $in: rest.slice(i, i + 1000) } })).deletedCount;
  }
  return deleted;
}

export const readDocs = async (ids: readonly string[]) =>
  new Map(
    (await Promise.all(ids.map(fetchDoc))).filter((d): d is FoldedDoc => d !== null).map((d) => [d._id, d]),
  );

export class LeaseExpired extends Error {
  constructor() {
    super('the roll-up claim lease ran out before writing; nothing was written');
  }
}

/** Folds the deltas (see the module comment). Returns `ran: false` when another instance holds the claim. */
export async function compactRollups(ctx: { now: () => Date }, instance: string): Promise<CompactResult> {
  const started = performance.now();
  const owner = `${instance}:compact:${randomUUID()}`;
  if (!(await claimRollups(owner, ctx.now(), COMPACT_LEASE_MS))) {
    return { ran: false, deltas: 0, documents: 0, deleted: 0, ms: performance.now() - started };
  }
  try {
    const at = ctx.now();
    const deltas = await RollupDelta.find({}).batchSize(100_000).lean<DeltaRow[]>();
    if (deltas.length === 0) {
      return { ran: true, deltas: 0, documents: 0, deleted: 0, ms: performance.now() - started };
    }
    const present = new Set(deltas.map((d) => d._id));
    const byMonth = new Map<string, DeltaRow[]>();
    for (const d of deltas) {
      const m = monthId(d.day);
      byMonth.set(m, [...(byMonth.get(m) ?? []), d]);
    }
    const old = await readDocs([...byMonth.keys(), TOTALS_ID]);
    const next: FoldedDoc[] = [];
    for (const [m, ds] of byMonth) {
      const doc = foldDoc(m, old.get(m) ?? null, ds, present, at);
      if (!sameDoc(old.get(m) ?? null, doc)) next.push(doc);
    }
    const totalsOld = old.get(TOTALS_ID) ?? null;
    const months = [...new Set([...(totalsOld?.months ?? []), ...byMonth.keys()])].sort();
    const reviews = deltas.filter((d) => d.kind === 'reviews');
    const totals = foldDoc(TOTALS_ID, totalsOld, reviews, present, at, totalsRow, months);
    if (!sameDoc(totalsOld, totals)) next.push(totals);
    if (performance.now() - started > COMPACT_LEASE_MS) throw new LeaseExpired();
    await writeDocs(next);
    const deleted = await deleteDeltas(deltas);
    return {
      ran: true,
      deltas: deltas.length,
      documents: next.length,
      deleted,
      ms: performance.now() - started,
    };
  } finally {
    await releaseRollups(owner);
  }
}
