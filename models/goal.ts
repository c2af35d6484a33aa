import { type InferSchemaType, model, Schema } from 'mongoose';

/**
 * A goal the team set with `/smx goals set …`. `_id` is the goal key (`feedback-rate`, `response-time`,
 * `cadence:facebook`, `cadence:x`). Goals never set here use the defaults in src/services/goals.ts.
 */
const goalSchema = new Schema(
  {
    _id: { type: String, required: true },
    /** feedback-rate: percent; response-time: hours; cadence: posts per week (min). */
    value: { type: Number, required: true },
    /** cadence only: the top of the band (posts per week); equals `value` for a single number. */
    max: { type: Number, default: null },
    updatedBy: { type: String, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false },
);

export type GoalDoc = InferSchemaType<typeof goalSchema>;
export const Goal = model('Goal', goalSchema);
