import { type InferSchemaType, model, Schema } from 'mongoose';

/**
 * Reply templates added with `/smx templates add` (approvers only). `_id` is the lower-case name, so two people
 * adding the same name at once cannot both win. Built-in defaults live in code (src/services/reply-templates.ts);
 * a stored template with a built-in's name replaces it.
 */
const replyTemplateSchema = new Schema(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    text: { type: String, required: true },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);

export type ReplyTemplateDoc = InferSchemaType<typeof replyTemplateSchema>;
export const ReplyTemplate = model('ReplyTemplate', replyTemplateSchema);
