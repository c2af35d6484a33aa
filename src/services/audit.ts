import { randomUUID } from 'node:crypto';
import { Audit } from '../../models/audit';
import { Claim } from '../../models/claim';
import { getClaim, isDuplicateKey, releaseClaim, tryClaim } from './claims';

export interface AuditEntry {
  entity: string;
  entityId: string;
  action: string;
  actor: string;
  at?: Date;
  before?: unknown;
  after?: unknown;
  note?: string;
}

const auditId = (entity: string, entityId: string, n: number) => `a:${entity}:${entityId}:${n}`;
/** How many records `records` looks up at a time. */
const PROBE = 8;

type AuditRow = {
  _id: unknown;
  entity: string;
  entityId: string;
  action: string;
  actor: string;
  at: Date;
  before?: unknown;
  after?: unknown;
  note?: string;
  legacyId?: string;
};

/** Every record of one entity, by exact `_id` (n = 1, 2 … until the first gap), in `n` order. */
async function records(entity: string, entityId: string): Promise<AuditRow[]> {
  const out: AuditRow[] = [];
  for (let from = 1; ; from += PROBE) {
    const batch = await Promise.all(
      Array.from({ length: PROBE }, (_, i) => Audit.findById(auditId(entity, entityId, from + i)).lean()),
    );
    for (const r of batch) {
      if (!r) return out;
      out.push(r as unknown as AuditRow);
    }
  }
}

/** The last number this process wrote or read per entity: the next append tries the one after it first. */
const lastSeen = new Map<string, number>();
const LAST_SEEN_MAX = 10_000;

/**
 * Inserts `doc` as the entity's next record: tries the number after the last one this process wrote there (1 for an
 * entity it has not written), and the next on E11000 (another writer, or another process, took it) — one lookup and
 * one insert in the usual case, not a read of the whole history first.
 */
async function append(entity: string, entityId: string, doc: Record<string, unknown>, taken?: number) {
  const key = `${entity}:${entityId}`;
  let last = taken ?? lastSeen.get(key) ?? 0;
  // Numbers must stay gapless (history stops at the first gap): a remembered number whose record is gone (records
  // removed under a running process, e.g. by a test) is not trusted.
  if (taken === undefined && last > 0 && !(await Audit.findById(auditId(entity, entityId, last)).lean())) {
    last = (await records(entity, entityId)).length;
  }
  let n = last + 1;
  for (;;) {
    try {
      await Audit.create({ ...doc, _id: auditId(entity, entityId, n) });
      if (lastSeen.size >= LAST_SEEN_MAX) lastSeen.clear();
      lastSeen.set(key, n);
      return;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      n += 1;
    }
  }
}

/** Appends one history record. Callers await it: an action whose audit failed is reported as failed. */
export async function audit(entry: AuditEntry): Promise<void> {
  await append(entry.entity, entry.entityId, { ...entry, at: entry.at ?? new Date() });
}

export const AUDIT_IDS_MIGRATION = 'migration:audit-ids';
/** Held while one run moves the records, so two runs (two requests, two instances) never copy one record twice. */
const AUDIT_IDS_RUNNING = 'migration:audit-ids:running';
const MIGRATION_LEASE_MS = 10 * 60_000;
let migrated = false;
let running: Promise<number> | null = null;

/**
 * Once per database: records from before the numbered ids get one (after the entity's newer ones; history sorts by
 * time) and leave their ObjectId. Idempotent — a record already moved (its `legacyId`) is only removed — so a run cut
 * short is simply run again; done when the marker claim exists. One run at a time: concurrent callers in this
 * process share it, and another instance's run holds a lease (taken over once it expired: that run died); meanwhile
 * a caller answers from the records numbered so far.
 */
export function migrateAuditIds(now: Date = new Date()): Promise<number> {
  running ??= runAuditMigration(now).finally(() => {
    running = null;
  });
  return running;
}

async function runAuditMigration(now: Date): Promise<number> {
  if (migrated || (await Claim.findById(AUDIT_IDS_MIGRATION).lean())) {
    migrated = true;
    return 0;
  }
  const owner = randomUUID();
  const until = new Date(now.getTime() + MIGRATION_LEASE_MS);
  if (!(await tryClaim(AUDIT_IDS_RUNNING, owner, now, until))) {
    const held = await getClaim(AUDIT_IDS_RUNNING);
    if (held?.until && new Date(held.until).getTime() > now.getTime()) return 0;
    if (held) await releaseClaim(AUDIT_IDS_RUNNING, held.owner);
    if (!(await tryClaim(AUDIT_IDS_RUNNING, owner, now, until))) return 0;
  }
  try {
    const legacy = (await Audit.find({}).sort({ at: 1, _id: 1 }).lean()).filter(
      (r) => !(typeof r._id === 'string' && r._id.startsWith('a:')),
    ) as unknown as AuditRow[];
    let moved = 0;
    for (const r of legacy) {
      const entity = String(r.entity);
      const entityId = String(r.entityId);
      const have = await records(entity, entityId);
      const legacyId = String(r._id);
      if (!have.some((h) => h.legacyId === legacyId)) {
        const { _id, ...rest } = r;
        await append(entity, entityId, { ...rest, legacyId }, have.length);
        moved += 1;
      }
      await Audit.deleteOne({ _id: r._id });
    }
    await tryClaim(AUDIT_IDS_MIGRATION, 'audit-ids', now);
    migrated = true;
    return moved;
  } finally {
    await releaseClaim(AUDIT_IDS_RUNNING, owner);
  }
}

/** Forgets that the migration was seen done (tests that stage data from before it). */
export function resetAuditMigrationCheck(): void {
  migrated = false;
}

/** One entity's history, oldest first, by exact `_id` lookups. */
export async function history(entity: string, entityId: string) {
  await migrateAuditIds();
  return sortRows(await records(entity, entityId));
}

/** Several entities' histories merged, oldest first (e.g. a review and its replies). */
export async function histories(keys: ReadonlyArray<{ entity: string; entityId: string }>) {
  await migrateAuditIds();
  return sortRows((await Promise.all(keys.map((k) => records(k.entity, k.entityId)))).flat());
}

function sortRows(rows: AuditRow[]) {
  return rows.sort((a, b) => new Date(a.at).getTime() - new Date(b.at).getTime());
}
