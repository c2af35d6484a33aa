import { type InferSchemaType, model, Schema } from 'mongoose';

/**
 * Slack notifications waiting to be delivered (src/services/slack-outbox.ts): the card update, thread reply and DMs
 * that follow a publish. The insert is the enqueue — `_id` names what is announced (`thread:<post>:<target>:<at>`),
 * so two instances announcing the same outcome store one entry. An entry stays until it is delivered (kept a day,
 * so a late duplicate enqueue still finds it) or given up; a restart re-sends what is left.
 */
const slackOutboxSchema = new Schema(
  {
    _id: { type: String, required: true },
    /** `card`: re-render the post's approval card and chat.update it; `message`: chat.postMessage; `dm`: open + post. */
    what: { type: String, required: true, enum: ['card', 'message', 'dm'] },
    /** The post the notification is about (cards are rendered from it at send time, so they are never stale). */
    postId: { type: String, required: true },
    /** For logs: "publish result thread reply". */
    label: { type: String, required: true },
    channel: { type: String, default: null },
    threadTs: { type: String, default: null },
    user: { type: String, default: null },
    text: { type: String, default: null },
    /** Block Kit blocks as JSON. */
    blocks: { type: String, default: null },
    /** Attempts started so far; attempt N is claimed by inserting `outbox:<_id>:<N>` into the claims. */
    attempts: { type: Number, default: 0 },
    /** Not to be tried before this (a backoff after a failure, or the lease of an attempt in flight). */
    nextAt: { type: Date, required: true },
    createdAt: { type: Date, required: true },
    deliveredAt: { type: Date, default: null },
    gaveUpAt: { type: Date, default: null },
    lastError: { type: String, default: null },
  },
  { versionKey: false },
);

export type SlackOutboxDoc = InferSchemaType<typeof slackOutboxSchema>;
export const SlackOutbox = model('SlackOutbox', slackOutboxSchema, 'slack_outbox');
