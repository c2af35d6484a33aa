import { type InferSchemaType, model, Schema } from 'mongoose';

/**
 * What each digest carried, insert-only: one document per posted message (the digest and each thread reply),
 * `_id` = `<digest key>:<ts>:<part>` (`digest:C0123:2026-11-24:1764040000.000100:1`). Written once after posting, never updated — so
 * "which digest carried this review" is answered without writing to the review archive.
 */
const digestLogSchema = new Schema(
  {
    _id: { type: String, required: true },
    /** The day's claim key, `digest:<channel>:<localDay>`. */
    key: { type: String, required: true },
    channel: { type: String, required: true },
    /** The digest's top-level message ts (parts 2 and on are thread replies under it). */
    ts: { type: String, required: true },
    part: { type: Number, required: true },
    at: { type: Date, required: true },
    reviewIds: { type: [String], default: [] },
  },
  { versionKey: false },
);
digestLogSchema.index({ key: 1 });

export type DigestLogDoc = InferSchemaType<typeof digestLogSchema>;
export const DigestLog = model('DigestLog', digestLogSchema, 'digestlog');
