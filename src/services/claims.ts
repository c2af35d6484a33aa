/**
 * Exactly-once claims by insert into a unique index (see mongo-subset.md). The first insert wins; a duplicate-key
 * error means someone else holds it. Release deletes by exact `_id` and owner, so nobody frees another's claim.
 */
import { randomUUID } from 'node:crypto';
import { Claim } from '../../models/claim';

/** This process's identity in claims; distinct for every app instance, even in one process. */
export function newOwnerId(prefix = 'smx'): string {
  return `${prefix}:${process.pid}:${randomUUID()}`;
}

export function isDuplicateKey(err: unknown): boolean {
  return (
    typeof err === 'object' && err !== null && 'code' in err && (err as { code: unknown }).code === 11000
  );
}

/** Returns true when this caller now holds `key`. Database failures propagate; they are not "someone else won". */
export async function tryClaim(
  key: string,
  owner: string,
  now: Date = new Date(),
  until?: Date,
): Promise<boolean> {
  try {
    await Claim.create({ _id: key, owner, claimedAt: now, ...(until ? { until } : {}) });
    return true;
  } catch (err) {
    if (isDuplicateKey(err)) return false;
    throw err;
  }
}

/** Gives a claim back (e.g. posting failed, so a later run may retry). Only the holder's own claim is removed. */
export async function releaseClaim(key: string, owner: string): Promise<boolean> {
  const res = await Claim.deleteOne({ _id: key, owner });
  return res.deletedCount === 1;
}

export async function getClaim(key: string) {
  return Claim.findById(key).lean();
}

/** Records an outcome note on a claim the caller holds. */
export async function noteClaim(key: string, owner: string, note: string): Promise<void> {
  // Read, then update by `_id` alone: a filter with the owner too reads the whole (ever-growing) claims collection on
  // FerretDB, and its update would not be atomic there anyway.
  const held = await Claim.findById(key).lean();
  if (held?.owner === owner) await Claim.updateOne({ _id: key }, { $set: { note } });
}
