import { type InferSchemaType, model, Schema } from 'mongoose';

/**
 * The #tag guideline. `_id` is `topic:<word>` (a topic and the tags a post mentioning it should carry) or
 * `required:<tag>` (a tag every post should carry). One document per rule keeps every change a plain insert/delete.
 */
const tagGuidelineSchema = new Schema(
  {
    _id: { type: String, required: true },
    kind: { type: String, enum: ['topic', 'required'], required: true },
    /** The topic word (lower case) for topic rules; the tag (without #) for required ones. */
    name: { type: String, required: true },
    /** Tags without '#', as the person typed their case. */
    tags: { type: [String], default: [] },
    updatedBy: { type: String, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false },
);

export type TagGuidelineDoc = InferSchemaType<typeof tagGuidelineSchema>;
export const TagGuideline = model('TagGuideline', tagGuidelineSchema);
