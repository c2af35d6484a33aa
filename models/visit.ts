import { type InferSchemaType, model, Schema } from 'mongoose';

/**
 * Patient visits per calendar month and facility (`/smx visits`, POST /hooks/visits): the denominator of the
 * feedback rate. `_id` is `<YYYY-MM>|<facility or empty>` so a repeated report replaces the count instead of adding
 * a second row. An empty facility means the whole hospital.
 */
const visitSchema = new Schema(
  {
    _id: { type: String, required: true },
    month: { type: String, required: true },
    facility: { type: String, default: '' },
    count: { type: Number, required: true, min: 0 },
    updatedBy: { type: String, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
visitSchema.index({ month: 1, facility: 1 });

export type VisitDoc = InferSchemaType<typeof visitSchema>;
export const Visit = model('Visit', visitSchema);

export function visitKey(month: string, facility: string): string {
  return `${month}|${facility}`;
}
