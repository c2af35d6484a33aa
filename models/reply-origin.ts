import { type InferSchemaType, model, Schema } from 'mongoose';

/**
 * The message a Draft reply click came from (a digest or a channel list), inserted at the click: after the reply is
 * posted, its review items are redrawn from the database so the card shows "Replied by …". Slack's modal metadata
 * (3,000 characters) cannot carry a message's blocks, so they wait here, keyed by a random id.
 */
const replyOriginSchema = new Schema(
  {
    _id: { type: String, required: true },
    channel: { type: String, required: true },
    ts: { type: String, required: true },
    text: { type: String, default: '' },
    blocks: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);

export type ReplyOriginDoc = InferSchemaType<typeof replyOriginSchema>;
export const ReplyOrigin = model('ReplyOrigin', replyOriginSchema);
