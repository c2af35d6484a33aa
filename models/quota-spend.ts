import { type InferSchemaType, model, Schema } from 'mongoose';

/**
 * One row per call that spends an API's daily quota units (YouTube: a list costs 1, an update 50), written before
 * the call. Inserts, not `$inc`: on FerretDB concurrent increments can be lost, while inserted rows always add up.
 * `day` is the quota's own day (YouTube resets at midnight Pacific time). An `exhausted` row records that the API
 * itself said the quota ran out, so nothing else is tried that day. Old days are pruned by the writer.
 */
const quotaSpendSchema = new Schema(
  {
    service: { type: String, required: true },
    day: { type: String, required: true },
    units: { type: Number, required: true },
    /** What the units were spent on, e.g. `commentThreads.list`. */
    call: { type: String, required: true },
    exhausted: { type: Boolean, default: false },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
quotaSpendSchema.index({ service: 1, day: 1 });

export type QuotaSpendDoc = InferSchemaType<typeof quotaSpendSchema>;
export const QuotaSpend = model('QuotaSpend', quotaSpendSchema);
