import { type InferSchemaType, model, Schema } from 'mongoose';

/** Evergreen post texts for thin weeks (`/smx canned`); using one creates a normal draft that needs approval. */
const cannedPostSchema = new Schema(
  {
    shortId: { type: String, required: true, unique: true },
    text: { type: String, required: true },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    timesUsed: { type: Number, default: 0 },
    lastUsedAt: { type: Date, default: null },
  },
  { versionKey: false },
);

export type CannedPostDoc = InferSchemaType<typeof cannedPostSchema>;
export const CannedPost = model('CannedPost', cannedPostSchema);
