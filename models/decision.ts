import { type InferSchemaType, model, Schema } from 'mongoose';

/**
 * One decision on one version of a document (a post, a review reply …): approve, reject, edit, cancel, reschedule,
 * publish. The insert into the unique `_id` (`decision:<kind>:<docId>:<version>`) IS the decision — the first
 * insert wins, every concurrent one gets E11000 and reads who won (see docs: mongo-subset.md). The winner then
 * applies `set` and bumps the document's version; `set` is kept so that a winner that died in between can be
 * rolled forward by anyone who finds the document still at that version.
 */
const decisionSchema = new Schema(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true },
    docId: { type: String, required: true },
    version: { type: Number, required: true },
    action: { type: String, required: true },
    /** Slack user id, or `smx` for the publisher. */
    actor: { type: String, required: true },
    at: { type: Date, required: true },
    /** The fields the decision sets (JSON, dates as ISO strings), applied once it is won. */
    set: { type: String, required: true },
    /** Fields the decision removes. */
    unset: { type: [String], default: [] },
    /** Set once the decision's card update and DMs went out; the next decision's announcement waits for it. */
    announced: { type: Boolean, default: false },
    /** Its announcement stopped waiting for the previous one's, so the two may have reached Slack out of order. */
    overlapped: { type: Boolean, default: false },
  },
  { versionKey: false },
);

export type DecisionDoc = InferSchemaType<typeof decisionSchema>;
export const Decision = model('Decision', decisionSchema);
