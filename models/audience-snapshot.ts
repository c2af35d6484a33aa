import { type InferSchemaType, model, Schema } from 'mongoose';

/**
 * One audience reading per target and local day, written by the daily snapshot job. `_id` is `<target>:<day>` so a
 * second run the same day replaces the reading instead of duplicating it. Facebook has likes and followers; X only
 * followers (likes stays null).
 */
const audienceSnapshotSchema = new Schema(
  {
    _id: { type: String, required: true },
    target: { type: String, required: true },
    /** Local (SMX_TIMEZONE) day, e.g. 2026-11-24. */
    day: { type: String, required: true },
    likes: { type: Number, default: null },
    followers: { type: Number, required: true },
    takenAt: { type: Date, required: true },
  },
  { versionKey: false },
);
audienceSnapshotSchema.index({ target: 1, day: -1 });

export type AudienceSnapshotDoc = InferSchemaType<typeof audienceSnapshotSchema>;
export const AudienceSnapshot = model('AudienceSnapshot', audienceSnapshotSchema);
