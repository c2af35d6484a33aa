import { type InferSchemaType, model, Schema } from 'mongoose';

/**
 * Append-only history of who did what to which record. Never updated, never deleted by the app (the one-time id
 * migration in services/audit.ts moves records from before it). `_id` = `a:<entity>:<entityId>:<n>`, n = 1, 2, 3 …
 * per record, so a record's history is read by exact `_id` lookups (FerretDB reads the whole collection for any other
 * query, and this one grows with every action ever taken); records from before have ObjectIds until migrated.
 */
const auditSchema = new Schema(
  {
    _id: { type: Schema.Types.Mixed, required: true },
    entity: { type: String, required: true },
    entityId: { type: String, required: true },
    action: { type: String, required: true },
    /** Slack user id, or 'smx' for the app's own jobs. */
    actor: { type: String, required: true },
    at: { type: Date, required: true },
    before: { type: Schema.Types.Mixed },
    after: { type: Schema.Types.Mixed },
    note: { type: String },
    /** Set on a record the id migration moved: the `_id` it had. */
    legacyId: { type: String },
  },
  { versionKey: false },
);
auditSchema.index({ entity: 1, entityId: 1, at: 1 });

export type AuditDoc = InferSchemaType<typeof auditSchema>;
export const Audit = model('Audit', auditSchema);
