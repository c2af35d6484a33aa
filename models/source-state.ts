import { type InferSchemaType, model, Schema } from 'mongoose';

/**
 * Per-source bookkeeping shown by `/smx sources`: cursor (e.g. X since_id), last success, last error, counts.
 * `_id` is the source name (`google`, `facebook`, `x`, `feedback`, `audience:facebook` …).
 */
const sourceStateSchema = new Schema(
  {
    _id: { type: String, required: true },
    cursor: { type: String, default: null },
    lastRunAt: { type: Date, default: null },
    lastSuccessAt: { type: Date, default: null },
    lastError: { type: String, default: null },
    lastErrorAt: { type: Date, default: null },
    /** e.g. Facebook ratings on a Graph version that no longer serves them. */
    unavailable: { type: String, default: null },
  },
  { versionKey: false },
);

export type SourceStateDoc = InferSchemaType<typeof sourceStateSchema>;
export const SourceState = model('SourceState', sourceStateSchema);
