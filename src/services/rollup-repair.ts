/**
 * The roll-up repair job: rebuilds the daily roll-ups (models/rollup.ts) and the review desk (models/review-desk.ts)
 * from the archive, which stays the source of truth. It is what makes data stored before the roll-ups existed (or by
 * an older version, or written directly) count, and fixes a key whose delta was lost in a crash.
 *
 * ONE pass over the archive (reviews, then publications and posts, only the fields the figures and the desk need),
 * then one `_id` read per month document. No `$in` query against the archive (on FerretDB each is a full scan): when
 * the desk or the inbox lacks copies (a crash, a database from before them), they are fetched by `_id`. It holds the
 * compactor's claim (rollup-compact.ts): it writes month documents exactly like a compaction does — old rows + the
 * deltas of its snapshot, `replaces` += their ids — except that a key with no recent write gets the archive's figures
 * instead. So the reader argument of rollup-compact.ts holds unchanged, and:
 * - A key (kind, day, facility, source/target) with any write in the last REPAIR_MARGIN — a delta, or an item
 *   stored, edited or first acted on — keeps its folded figures: its writer may sit between the archive write and
 *   the delta insert, where the archive and the roll-ups legitimately disagree. A writer summing its batches holds
 *   its contributions at most CONTRIBUTION_FLUSH_MS (1 min) plus one batch (rollups.ts ContributionBuffer), well
 *   inside the margin.
 * - The deltas are read BEFORE the archive: an item written after that read is either missed by the cursor (its
 *   delta, not in the snapshot, still counts on its own) or seen with a recent time (its key is busy).
 * - Only month documents that change are written; the totals document is the sum of all month documents.
 * The start-up build of a database from before the roll-ups is the same function.
 */
import { randomUUID } from 'node:crypto';
import { DigestInbox, inboxDocFor } from '../../models/digest-inbox';
import { DigestLog } from '../../models/digest-log';
import { insertNew } from '../../models/insert-new';
import { Post } from '../../models/post';
import { Publication } from '../../models/publication';
import { Review } from '../../models/review';
import { deskDocFor, ReviewDesk } from '../../models/review-desk';
import { monthId, RollupDelta, TOTALS_ID } from '../../models/rollup';
import { localDay } from '../slack/time';
import { isOpen, RECENT_KEEP } from './review-desk';
import {
  buildDoc,
  claimRollups,
  deleteDeltas,
  LeaseExpired,
  nextReplaces,
  readDocs,
  releaseRollups,
  sameDoc,
  totalsRow,
  writeDocs,
} from './rollup-compact';
import {
  addRow,
  approvalHours,
  type DeltaRow,
  type FoldedDoc,
  keyOf,
  metricDay,
  type Replaced,
  type RollupRow,
  reviewFigures,
  rowKey,
  zero,
} from './rollups';

export const REPAIR_MARGIN_MS = 10 * 60_000;
/** How far back the repair looks for stored reviews that never reached the digest inbox (a crash mid-store). */
export const INBOX_RESTORE_DAYS = 30;
/** The repair gives up before writing once it has run this long (its claim is taken over at twice that). */
const REPAIR_LEASE_MS = 60 * 60_000;
const HOUR = 3600_000;

export interface RepairResult {
  ran: boolean;
  keysChecked: number;
  keysRebuilt: number;
  keysBusy: number;
  /** Month and totals documents written. */
  documentsWritten: number;
  deltasFolded: number;
  deskAdded: number;
  deskRemoved: number;
  inboxRestored: number;
  ms: number;
  /** Milliseconds per phase, for bench:metrics. */
  phases: Record<string, number>;
}

type ArchiveDoc = { _id: unknown; ingestedAt: Date; postedAt: Date; status?: string | null } & Record<
  string,
  unknown
>;

const sameRow = (a: RollupRow | undefined, b: RollupRow | undefined) => {
  const x = a ?? { ...zero(), hours: [] };
  const y = b ?? { ...zero(), hours: [] };
  const h = (r: { hours?: number[] | null }) => JSON.stringify([...(r.hours ?? [])].sort((p, q) => p - q));
  return (
    x.n === y.n &&
    x.rated === y.rated &&
    x.ratingSum === y.ratingSum &&
    x.negatives === y.negatives &&
    h(x) === h(y)
  );
};

export async function repairRollups(
  ctx: { now: () => Date; config: { timezone: string }; instanceId: string },
  opts: {
    marginMs?: number;
    /** False for seeding tests that write "already digested" reviews straight into the archive. */
    restoreInbox?: boolean;
  } = {},
): Promise<RepairResult> {
  const started = performance.now();
  const now = ctx.now();
  const owner = `${ctx.instanceId}:repair:${randomUUID()}`;
  const empty = {
    keysChecked: 0,
    keysRebuilt: 0,
    keysBusy: 0,
    documentsWritten: 0,
    deltasFolded: 0,
    deskAdded: 0,
    deskRemoved: 0,
    inboxRestored: 0,
    phases: {},
  };
  if (!(await claimRollups(owner, now, REPAIR_LEASE_MS))) {
    return { ran: false, ...empty, ms: performance.now() - started };
  }
  try {
    const result = await repair(
      ctx,
      now,
      opts.marginMs ?? REPAIR_MARGIN_MS,
      opts.restoreInbox ?? true,
      started,
    );
    return { ran: true, ...result, ms: performance.now() - started };
  } finally {
    await releaseRollups(owner);
  }
}

/** The newest `keep` documents by arrival (then posted time), trimmed now and then. */
class Newest {
  private docs: ArchiveDoc[] = [];
  constructor(private readonly keep: number) {}
  offer(d: ArchiveDoc): void {
    this.docs.push(d);
    if (this.docs.length > 4 * this.keep) this.cut();
  }
  list(): ArchiveDoc[] {
    this.cut();
    return this.docs;
  }
  private cut(): void {
    const t = (d: ArchiveDoc) => new Date(d.ingestedAt).getTime();
    const p = (d: ArchiveDoc) => new Date(d.postedAt).getTime();
    this.docs.sort((a, b) => t(b) - t(a) || p(b) - p(a));
    this.docs.length = Math.min(this.docs.length, this.keep);
  }
}

async function repair(
  ctx: { config: { timezone: string } },
  now: Date,
  marginMs: number,
  inbox: boolean,
  started: number,
) {
  const tz = ctx.config.timezone;
  const since = now.getTime() - marginMs;
  const recent = (d: unknown) => d != null && new Date(d as Date).getTime() >= since;
  const phases: Record<string, number> = {};
  let mark = performance.now();
  const phase = (name: string) => {
    const t = performance.now();
    phases[name] = t - mark;
    mark = t;
  };

  // 1. The deltas, BEFORE the archive (see the module comment).
  const deltas = await RollupDelta.find({}).batchSize(100_000).lean<DeltaRow[]>();
  const present = new Set(deltas.map((d) => d._id));
  const busy = new Set<string>();
  for (const d of deltas) if (recent(d.at)) busy.add(rowKey(d));
  phase('deltas');

  // 2. The archive, once: the truth per key, and the documents the desk and the inbox restore may need.
  const truth = new Map<string, RollupRow>();
  const inboxFrom = now.getTime() - INBOX_RESTORE_DAYS * 24 * HOUR;
  const open: ArchiveDoc[] = [];
  const inboxWindow: ArchiveDoc[] = [];
  const newest = new Newest(RECENT_KEEP);
  const fields = {
    source: 1,
    facility: 1,
    rating: 1,
    sentiment: 1,
    postedAt: 1,
    ingestedAt: 1,
    editedAt: 1,
    firstActionAt: 1,
    status: 1,
  };
  for await (const r of Review.find({}, fields).batchSize(10_000).lean().cursor()) {
    const day = metricDay(r.postedAt, tz);
    const facility = r.facility ?? null;
    const k = keyOf('reviews', day, facility, r.source);
    addRow(truth, { kind: 'reviews', day, facility, key: r.source, ...reviewFigures(r) }, k);
    const touched = recent(r.ingestedAt) || recent(r.editedAt);
    if (touched) busy.add(k);
    if (r.sentiment === 'negative' && r.firstActionAt) {
      const hours = (new Date(r.firstActionAt).getTime() - new Date(r.ingestedAt).getTime()) / HOUR;
      const row: RollupRow = {
        kind: 'response',
        day,
        facility,
        key: r.source,
        ...zero(),
        n: 1,
        hours: [hours],
      };
      addRow(truth, row);
      if (touched || recent(r.firstActionAt)) busy.add(rowKey(row));
    }
    const doc = r as unknown as ArchiveDoc;
    if (isOpen(r)) open.push(doc);
    newest.offer(doc);
    const t = new Date(r.ingestedAt).getTime();
    if (inbox && t >= inboxFrom && t < since) inboxWindow.push(doc);
  }
  phase('archive');
  for await (const p of Publication.find({}, { target: 1, publishedAt: 1 })
    .batchSize(10_000)
    .lean()
    .cursor()) {
    const row: RollupRow = {
      kind: 'posts',
      day: localDay(p.publishedAt, tz),
      facility: null,
      key: p.target,
      ...zero(),
      n: 1,
    };
    addRow(truth, row);
    if (recent(p.publishedAt)) busy.add(rowKey(row));
  }
  phase('publications');
  // Approvals: every post's standing approval. A post changed within the margin may have just had its approval
  // cleared, and the day of that approval is no longer on the post: then every approvals key keeps its figures.
  let approvalsBusy = false;
  for await (const p of Post.find({}, { submittedAt: 1, approvedAt: 1, updatedAt: 1 })
    .batchSize(10_000)
    .lean()
    .cursor()) {
    if (recent(p.updatedAt)) approvalsBusy = true;
    if (!p.approvedAt || !p.submittedAt) continue;
    addRow(truth, {
      kind: 'approvals',
      day: localDay(p.approvedAt, tz),
      facility: null,
      key: 'approved',
      ...zero(),
      n: 1,
      hours: [approvalHours(p.submittedAt, p.approvedAt)],
    });
  }
  // An approval and the edit that cleared it are two keys of one day: they are kept or rebuilt together.
  const isBusy = (r: RollupRow) =>
    r.kind === 'approvals'
      ? approvalsBusy ||
        busy.has(keyOf('approvals', r.day, null, 'approved')) ||
        busy.has(keyOf('approvals', r.day, null, 'cleared'))
      : busy.has(rowKey(r));
  phase('posts');

  // 3. Every month document (by `_id`), rebuilt key by key.
  const totalsOld = (await readDocs([TOTALS_ID])).get(TOTALS_ID) ?? null;
  const monthOf = (r: RollupRow) => monthId(r.day);
  const months = new Set<string>([
    ...(totalsOld?.months ?? []),
    ...[...truth.values()].map(monthOf),
    ...deltas.map(monthOf),
  ]);
  const old = await readDocs([...months]);
  phase('documents read');

  const truthOf = new Map<string, RollupRow[]>();
  for (const r of truth.values()) truthOf.set(monthOf(r), [...(truthOf.get(monthOf(r)) ?? []), r]);
  const deltasOf = new Map<string, DeltaRow[]>();
  for (const d of deltas) deltasOf.set(monthOf(d), [...(deltasOf.get(monthOf(d)) ?? []), d]);
  let keysChecked = 0;
  let keysRebuilt = 0;
  const next: FoldedDoc[] = [];
  const finalDocs: FoldedDoc[] = [];
  for (const m of [...months].sort()) {
    const was = old.get(m) ?? null;
    const had = new Set((was?.replaces ?? []).map((r) => r.id));
    // What readers count today: the document's rows plus its deltas not folded yet.
    const seen = new Map<string, RollupRow>();
    for (const r of was?.rows ?? []) addRow(seen, r);
    const added: string[] = [];
    for (const d of deltasOf.get(m) ?? []) {
      if (had.has(d._id)) continue;
      addRow(seen, d);
      added.push(d._id);
    }
    const want = new Map<string, RollupRow>();
    for (const r of truthOf.get(m) ?? []) want.set(rowKey(r), r);
    const rows = new Map<string, RollupRow>();
    for (const k of new Set([...seen.keys(), ...want.keys()])) {
      keysChecked++;
      const keep = isBusy((seen.get(k) ?? want.get(k)) as RollupRow) ? seen.get(k) : want.get(k);
      if (!sameRow(seen.get(k), keep)) keysRebuilt++;
      if (keep) rows.set(k, keep);
    }
    const doc = buildDoc(m, rows.values(), nextReplaces(was?.replaces ?? [], present, now, added), now);
    finalDocs.push(doc);
    if (!sameDoc(was, doc)) next.push(doc);
  }

  // 4. The totals: the sum of every month document, listing what they list.
  const totalRows = new Map<string, RollupRow>();
  const listed = new Map<string, Replaced>();
  for (const d of finalDocs) {
    for (const r of d.rows) if (r.kind === 'reviews') addRow(totalRows, totalsRow(r));
    for (const r of d.replaces) if (!listed.has(r.id)) listed.set(r.id, r);
  }
  const totals = buildDoc(
    TOTALS_ID,
    totalRows.values(),
    nextReplaces([...listed.values()], present, now, []),
    now,
    finalDocs.filter((d) => d.rows.length > 0 || d.replaces.length > 0).map((d) => d._id),
  );
  if (!sameDoc(totalsOld, totals)) next.push(totals);
  phase('compare');

  if (performance.now() - started > REPAIR_LEASE_MS) throw new LeaseExpired();
  await writeDocs(next);
  const deltasFolded = await deleteDeltas(deltas);
  phase('write');

  const deskResult = await rebuildDesk([...open, ...newest.list()], since);
  phase('desk');
  const inboxRestored = inbox ? await restoreInbox(inboxWindow, now) : 0;
  phase('inbox');
  return {
    inboxRestored,
    keysChecked,
    keysRebuilt,
    keysBusy: busy.size,
    documentsWritten: next.length,
    deltasFolded,
    phases,
    ...deskResult,
  };
}

/**
 * The whole archive documents of some reviews, by `_id` (an index lookup on MongoDB and, with
 * scripts/ferretdb/build.sh's patch, on FerretDB too), a few at a time. Only needed when something is missing: a
 * crash, or a database from before the desk.
 */
async function fullDocs(docs: readonly ArchiveDoc[]): Promise<ArchiveDoc[]> {
  const out: ArchiveDoc[] = [];
  for (let i = 0; i < docs.length; i += 20) {
    const found = await Promise.all(
      docs.slice(i, i + 20).map((d) => Review.collection.findOne({ _id: d._id as never })),
    );
    for (const f of found) if (f) out.push(f as unknown as ArchiveDoc);
  }
  return out;
}

/**
 * The desk should hold every open item and the newest RECENT_KEEP (`want`: full archive documents from the cursor):
 * adds the missing, removes the rest.
 */
async function rebuildDesk(
  want: readonly ArchiveDoc[],
  since: number,
): Promise<{ deskAdded: number; deskRemoved: number }> {
  const wanted = new Map<string, ArchiveDoc>();
  for (const d of want) wanted.set(String(d._id), d);
  const have = await ReviewDesk.find({}, { _id: 1, ingestedAt: 1, status: 1 }).batchSize(100_000).lean();
  // Items stored during the run are the store's business (it adds and trims them itself); a copy whose status
  // differs from the archive's is replaced by a fresh one.
  const settled = have.filter((d) => new Date(d.ingestedAt).getTime() < since);
  const extra = settled.filter((d) => {
    const w = wanted.get(String(d._id));
    return w === undefined || (w.status ?? 'new') !== (d.status ?? 'new');
  });
  const haveIds = new Set(have.map((d) => String(d._id)));
  for (const d of extra) haveIds.delete(String(d._id));
  let deskRemoved = 0;
  for (let i = 0; i < extra.length; i += 1000) {
    // `$in` on the desk: a small collection.
    const res = await ReviewDesk.deleteMany({ _id: { $in: extra.slice(i, i + 1000).map((d) => d._id) } });
    deskRemoved += res.deletedCount;
  }
  const missing = [...wanted.values()].filter((d) => !haveIds.has(String(d._id)));
  let deskAdded = 0;
  const full = await fullDocs(missing);
  for (let i = 0; i < full.length; i += 1000) {
    const docs = full.slice(i, i + 1000);
    const inserted = await insertNew(
      ReviewDesk.collection,
      docs.map((d) => deskDocFor(d)),
    );
    deskAdded += inserted.filter(Boolean).length;
  }
  return { deskAdded, deskRemoved };
}

/**
 * Reviews stored in the last INBOX_RESTORE_DAYS (and not in the last margin: `recent`, from the cursor) that are
 * neither waiting in the digest inbox nor listed in any digest log of that time lost their inbox copy in a crash:
 * they go back in.
 */
async function restoreInbox(recent: readonly ArchiveDoc[], now: Date): Promise<number> {
  if (recent.length === 0) return 0;
  const from = now.getTime() - INBOX_RESTORE_DAYS * 24 * HOUR;
  const [inbox, logs] = await Promise.all([
    DigestInbox.find({}, { _id: 1 }).batchSize(100_000).lean(),
    DigestLog.find({ at: { $gte: new Date(from) } }, { reviewIds: 1 })
      .batchSize(100_000)
      .lean(),
  ]);
  const known = new Set<string>(inbox.map((d) => String(d._id)));
  for (const l of logs) for (const id of l.reviewIds) known.add(id);
  const lost = recent.filter((c) => !known.has(String(c._id)));
  let restored = 0;
  const full = await fullDocs(lost);
  for (let i = 0; i < full.length; i += 1000) {
    const docs = full.slice(i, i + 1000);
    const ok = await insertNew(
      DigestInbox.collection,
      docs.map((d) => inboxDocFor(d)),
    );
    restored += ok.filter(Boolean).length;
  }
  return restored;
}
