import { type InferSchemaType, model, Schema } from 'mongoose';

/**
 * How the last scheduled delivery to a channel went (`/smx status`, the Home tab): `_id` is `<kind>:<channel>`
 * (`digest:C0123`, `report:C0123`). Written with plain upserts: it is a status display, not a claim.
 */
const deliveryStateSchema = new Schema(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true },
    channel: { type: String, required: true },
    lastSuccessAt: { type: Date, default: null },
    lastFailureAt: { type: Date, default: null },
    /** What went wrong, in the reader's words ("smx is not a member of the channel"). */
    lastFailure: { type: String, default: null },
    /** What to do about it ("type /invite @smx in the channel"). */
    fix: { type: String, default: null },
  },
  { versionKey: false },
);

export type DeliveryStateDoc = InferSchemaType<typeof deliveryStateSchema>;
export const DeliveryState = model('DeliveryState', deliveryStateSchema);
