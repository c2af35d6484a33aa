import { type InferSchemaType, model, Schema } from 'mongoose';

/**
 * One row per post actually published to one target: what metrics count (posts per target per week against the
 * cadence goal). Written after the target's API confirmed the post. The unique index doubles as a guard.
 */
const publicationSchema = new Schema(
  {
    postId: { type: String, required: true },
    target: { type: String, required: true },
    externalId: { type: String, required: true },
    url: { type: String, default: null },
    publishedAt: { type: Date, required: true },
    localDay: { type: String, required: true },
    localWeek: { type: String, required: true },
  },
  { versionKey: false },
);
publicationSchema.index({ postId: 1, target: 1 }, { unique: true });
publicationSchema.index({ publishedAt: 1 });

export type PublicationDoc = InferSchemaType<typeof publicationSchema>;
export const Publication = model('Publication', publicationSchema);
