import { type InferSchemaType, model, Schema } from 'mongoose';

/** Append-only history of who did what to which record. Never updated, never deleted by the app. */
const auditSchema = new Schema(
  {
    entity: { type: String, required: true },
    entityId: { type: String, required: true },
    action: { type: String, required: true },
    /** Slack user id, or 'smx' for the app's own jobs. */
    actor: { type: String, required: true },
    at: { type: Date, required: true },
    before: { type: Schema.Types.Mixed },
    after: { type: Schema.Types.Mixed },
    note: { type: String },
  },
  { versionKey: false },
);
auditSchema.index({ entity: 1, entityId: 1, at: 1 });

export type AuditDoc = InferSchemaType<typeof auditSchema>;
export const Audit = model('Audit', auditSchema);
