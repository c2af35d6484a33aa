/**
 * The roll-up repair job: rebuilds the daily roll-ups (models/rollup.ts) and the review desk (models/review-desk.ts)
 * from the archive, which stays the source of truth. It is what makes data stored before the roll-ups existed (or by
 * an older version, or written directly) count, fixes a key whose contribution was lost in a crash, and merges the
 * many small contributions of a day into one document, so readers stay fast.
 *
 * One full read of the archive (reviews and publications), so it runs off-peak (SMX_ROLLUP_CRON) and one instance at
 * a time (a claim). Exactly-once with writers running meanwhile:
 * - A key (kind, day, facility, source/target) with any write in the last REPAIR_MARGIN — a contribution, or an item
 *   stored, edited or first acted on — is left for the next run: its writer may sit between the archive write and
 *   the roll-up insert, where the archive and the roll-ups legitimately disagree.
 * - Any other key whose live documents do not equal the archive gets ONE new document with the archive's figures,
 *   listing the `_id`s it `replaces`; the replaced ones are deleted afterwards. Readers skip replaced documents, so a
 *   crash between the insert and the delete double-counts nothing; the next run deletes the leftovers first.
 */
import { randomUUID } from 'node:crypto';
import { Claim } from '../../models/claim';
import { DigestInbox, inboxDocFor } from '../../models/digest-inbox';
import { DigestLog } from '../../models/digest-log';
import { insertNew } from '../../models/insert-new';
import { Publication } from '../../models/publication';
import { Review } from '../../models/review';
import { deskDocFor, ReviewDesk } from '../../models/review-desk';
import { Rollup } from '../../models/rollup';
import { localDay } from '../slack/time';
import { releaseClaim, tryClaim } from './claims';
import { isOpen, RECENT_KEEP } from './review-desk';
import {
  addFigures,
  type Figures,
  keyOf,
  liveRows,
  metricDay,
  type RollupRow,
  reviewFigures,
  zero,
} from './rollups';

export const REPAIR_MARGIN_MS = 10 * 60_000;
/** How far back the repair looks for stored reviews that never reached the digest inbox (a crash mid-store). */
export const INBOX_RESTORE_DAYS = 30;
export const REPAIR_CLAIM = 'rollup-repair';
/** A repair claim older than this belongs to a run that died; it may be taken over. */
const STALE_CLAIM_MS = 6 * 3600_000;
const HOUR = 3600_000;

export interface RepairResult {
  ran: boolean;
  keysChecked: number;
  keysRebuilt: number;
  keysBusy: number;
  documentsRemoved: number;
  deskAdded: number;
  deskRemoved: number;
  inboxRestored: number;
  ms: number;
}

interface Truth extends Figures {
  kind: RollupRow['kind'];
  day: string;
  facility: string | null;
  key: string;
  hours: number[];
}

const sameFigures = (a: Figures, b: Figures) =>
  a.n === b.n && a.rated === b.rated && a.ratingSum === b.ratingSum && a.negatives === b.negatives;

const sameHours = (a: readonly number[], b: readonly number[]) => {
  if (a.length !== b.length) return false;
  const x = [...a].sort((p, q) => p - q);
  const y = [...b].sort((p, q) => p - q);
  return x.every((v, i) => v === y[i]);
};

async function claimRepair(owner: string, now: Date): Promise<boolean> {
  if (await tryClaim(REPAIR_CLAIM, owner, now)) return true;
  const held = await Claim.findById(REPAIR_CLAIM).lean();
  if (!held || now.getTime() - new Date(held.claimedAt).getTime() < STALE_CLAIM_MS) return false;
  await Claim.deleteOne({ _id: REPAIR_CLAIM, owner: held.owner });
  return tryClaim(REPAIR_CLAIM, owner, now);
}

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
  const owner = `${ctx.instanceId}:${randomUUID()}`;
  const empty = {
    keysChecked: 0,
    keysRebuilt: 0,
    keysBusy: 0,
    documentsRemoved: 0,
    deskAdded: 0,
    deskRemoved: 0,
    inboxRestored: 0,
  };
  if (!(await claimRepair(owner, now))) return { ran: false, ...empty, ms: performance.now() - started };
  try {
    return {
      ran: true,
      ...(await repair(ctx, now, opts.marginMs ?? REPAIR_MARGIN_MS, opts.restoreInbox ?? true)),
      ms: performance.now() - started,
    };
  } finally {
    await releaseClaim(REPAIR_CLAIM, owner);
  }
}

async function repair(ctx: { config: { timezone: string } }, now: Date, marginMs: number, inbox: boolean) {
  const tz = ctx.config.timezone;
  const since = now.getTime() - marginMs;
  const recent = (d: Date | null | undefined) => d != null && new Date(d).getTime() >= since;

  // Leftovers of a run that died between its insert and its delete: replaced documents count nothing; drop them.
  const all = await Rollup.find({}).batchSize(100_000).lean<RollupRow[]>();
  const live = liveRows(all);
  const dead = all.length - live.length;
  if (dead > 0) {
    const liveIds = new Set(live.map((r) => r._id));
    await deleteIds(all.filter((r) => !liveIds.has(r._id)).map((r) => r._id));
  }
  const liveOf = new Map<string, RollupRow[]>();
  const busy = new Set<string>();
  for (const r of live) {
    const k = keyOf(r.kind, r.day, r.facility, r.key);
    liveOf.set(k, [...(liveOf.get(k) ?? []), r]);
    if (recent(r.at)) busy.add(k);
  }

  // The archive, once.
  const truth = new Map<string, Truth>();
  const add = (kind: Truth['kind'], day: string, facility: string | null, key: string) => {
    const k = keyOf(kind, day, facility, key);
    let t = truth.get(k);
    if (!t) {
      t = { kind, day, facility, key, ...zero(), hours: [] };
      truth.set(k, t);
    }
    return { k, t };
  };
  const cursor = Review.find({}).select({ text: 0, authorName: 0, url: 0 }).batchSize(10_000).lean().cursor();
  const deskCandidates: Parameters<typeof rebuildDesk>[0] = [];
  for await (const r of cursor) {
    const day = metricDay(r.postedAt, tz);
    const facility = r.facility ?? null;
    const { k, t } = add('reviews', day, facility, r.source);
    addFigures(t, reviewFigures(r));
    const touched = recent(r.ingestedAt) || recent(r.editedAt);
    if (touched) busy.add(k);
    if (r.sentiment === 'negative' && r.firstActionAt) {
      const resp = add('response', day, facility, r.source);
      resp.t.n += 1;
      resp.t.hours.push((new Date(r.firstActionAt).getTime() - new Date(r.ingestedAt).getTime()) / HOUR);
      if (touched || recent(r.firstActionAt)) busy.add(resp.k);
    }
    deskCandidates.push({
      _id: r._id,
      ingestedAt: r.ingestedAt,
      postedAt: r.postedAt,
      open: isOpen(r),
      status: r.status ?? 'new',
    });
  }
  for await (const p of Publication.find({})
    .select({ target: 1, publishedAt: 1 })
    .batchSize(10_000)
    .lean()
    .cursor()) {
    const { k, t } = add('posts', localDay(p.publishedAt, tz), null, p.target);
    t.n += 1;
    if (recent(p.publishedAt)) busy.add(k);
  }

  // Compare key by key; rebuild what differs (or is spread over several documents).
  let keysRebuilt = 0;
  const inserts: Array<Record<string, unknown>> = [];
  const replacedIds: string[] = [];
  const run = randomUUID();
  const keys = new Set([...truth.keys(), ...liveOf.keys()]);
  for (const k of keys) {
    if (busy.has(k)) continue;
    const docs = liveOf.get(k) ?? [];
    const t = truth.get(k);
    const have = zero();
    const hours: number[] = [];
    for (const d of docs) {
      addFigures(have, d);
      hours.push(...(d.hours ?? []));
    }
    const want = t ?? zero();
    const wantHours = t?.hours ?? [];
    if (docs.length <= 1 && sameFigures(have, want) && sameHours(hours, wantHours)) continue;
    keysRebuilt++;
    const ids = docs.map((d) => d._id);
    replacedIds.push(...ids);
    if (!t || t.n === 0) continue; // nothing stored for this key: the documents only need deleting
    inserts.push({
      _id: `${k}|repair:${run}`,
      kind: t.kind,
      day: t.day,
      facility: t.facility,
      key: t.key,
      n: t.n,
      rated: t.rated,
      ratingSum: t.ratingSum,
      negatives: t.negatives,
      ...(t.kind === 'response' ? { hours: t.hours } : {}),
      ...(ids.length > 0 ? { replaces: ids } : {}),
      at: now,
    });
  }
  // Keys that only need deleting have no replacing document: delete them only after the inserts of the others.
  for (let i = 0; i < inserts.length; i += 1000) {
    await Rollup.collection.insertMany(inserts.slice(i, i + 1000) as never[], { ordered: false });
  }
  await deleteIds(replacedIds);

  const deskResult = await rebuildDesk(deskCandidates, since);
  const inboxRestored = inbox ? await restoreInbox(deskCandidates, now, since) : 0;
  return {
    inboxRestored,
    keysChecked: keys.size,
    keysRebuilt,
    keysBusy: busy.size,
    documentsRemoved: replacedIds.length + dead,
    ...deskResult,
  };
}

async function deleteIds(ids: readonly string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 1000) {
    await Rollup.deleteMany({ _id: { $in: ids.slice(i, i + 1000) } });
  }
}

/** The desk should hold every open item and the newest RECENT_KEEP: adds the missing, removes the rest. */
async function rebuildDesk(
  candidates: Array<{ _id: unknown; ingestedAt: Date; postedAt: Date; open: boolean; status: string }>,
  since: number,
): Promise<{ deskAdded: number; deskRemoved: number }> {
  const newest = [...candidates].sort(
    (a, b) =>
      new Date(b.ingestedAt).getTime() - new Date(a.ingestedAt).getTime() ||
      new Date(b.postedAt).getTime() - new Date(a.postedAt).getTime(),
  );
  const want = new Map<string, string>();
  newest.forEach((c, i) => {
    if (c.open || i < RECENT_KEEP) want.set(String(c._id), c.status);
  });
  const have = await ReviewDesk.find({}, { _id: 1, ingestedAt: 1, status: 1 }).batchSize(100_000).lean();
  // Items stored during the run are the store's business (it adds and trims them itself); a copy whose status
  // differs from the archive's is replaced by a fresh one.
  const settled = have.filter((d) => new Date(d.ingestedAt).getTime() < since);
  const extra = settled.filter((d) => {
    const status = want.get(String(d._id));
    return status === undefined || status !== (d.status ?? 'new');
  });
  const haveIds = new Set(have.map((d) => String(d._id)));
  for (const d of extra) haveIds.delete(String(d._id));
  let deskRemoved = 0;
  for (let i = 0; i < extra.length; i += 1000) {
    const res = await ReviewDesk.deleteMany({ _id: { $in: extra.slice(i, i + 1000).map((d) => d._id) } });
    deskRemoved += res.deletedCount;
  }
  const missing = [...want.keys()].filter((id) => !haveIds.has(id));
  let deskAdded = 0;
  for (let i = 0; i < missing.length; i += 1000) {
    const ids = missing.slice(i, i + 1000);
    const docs = await Review.find({ _id: { $in: ids } }).lean();
    const inserted = await insertNew(
      ReviewDesk.collection,
      docs.map((d) => deskDocFor(d as never)),
    );
    deskAdded += inserted.filter(Boolean).length;
  }
  return { deskAdded, deskRemoved };
}

/**
 * Reviews stored in the last INBOX_RESTORE_DAYS (and not in the last margin) that are neither waiting in the digest
 * inbox nor listed in any digest log of that time lost their inbox copy in a crash: they go back in.
 */
async function restoreInbox(
  candidates: ReadonlyArray<{ _id: unknown; ingestedAt: Date }>,
  now: Date,
  since: number,
): Promise<number> {
  const from = now.getTime() - INBOX_RESTORE_DAYS * 24 * HOUR;
  const recent = candidates.filter((c) => {
    const t = new Date(c.ingestedAt).getTime();
    return t >= from && t < since;
  });
  if (recent.length === 0) return 0;
  const [inbox, logs] = await Promise.all([
    DigestInbox.find({}, { _id: 1 }).batchSize(100_000).lean(),
    DigestLog.find({ at: { $gte: new Date(from) } }, { reviewIds: 1 })
      .batchSize(100_000)
      .lean(),
  ]);
  const known = new Set<string>(inbox.map((d) => String(d._id)));
  for (const l of logs) for (const id of l.reviewIds) known.add(id);
  const lost = recent.filter((c) => !known.has(String(c._id))).map((c) => c._id);
  let restored = 0;
  for (let i = 0; i < lost.length; i += 1000) {
    const docs = await Review.find({ _id: { $in: lost.slice(i, i + 1000) } }).lean();
    const ok = await insertNew(
      DigestInbox.collection,
      docs.map((d) => inboxDocFor(d as never)),
    );
    restored += ok.filter(Boolean).length;
  }
  return restored;
}
