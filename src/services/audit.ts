import { Audit } from '../../models/audit';

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

/** Appends one history record. Callers await it: an action whose audit failed is reported as failed. */
export async function audit(entry: AuditEntry): Promise<void> {
  await Audit.create({ ...entry, at: entry.at ?? new Date() });
}

export async function history(entity: string, entityId: string) {
  return Audit.find({ entity, entityId }).sort({ at: 1, _id: 1 }).lean();
}
