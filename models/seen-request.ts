import { type InferSchemaType, model, Schema } from 'mongoose';

/**
 * Signed Slack requests already acted on, so a repeated delivery (Slack's retries, a replay within the signature's
 * 5-minute window) acts once: the first insert of `_id` wins, a duplicate-key error means "seen". Kept apart from the
 * claims collection, which the publisher reads often; old rows are removed by the expire-requests job (no TTL index,
 * see mongo-subset.md).
 */
const seenRequestSchema = new Schema(
  {
    /** `sig:<x-slack-signature hex>` or `event:<event_id>`. */
    _id: { type: String, required: true },
    seenAt: { type: Date, required: true, index: true },
  },
  { versionKey: false },
);

export type SeenRequestDoc = InferSchemaType<typeof seenRequestSchema>;
export const SeenRequest = model('SeenRequest', seenRequestSchema);
