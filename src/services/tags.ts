/** The #tag guideline behind `/smx tags`: topics and the tags they call for, plus tags every post should carry. */
import { TagGuideline } from '../../models/tag-guideline';
import { SmxError } from '../errors';
import { audit } from './audit';

export interface Guideline {
  topics: Array<{ topic: string; tags: string[] }>;
  required: string[];
}

export const TAG_MESSAGES = {
  usage:
    'Try `/smx tags` (list), `/smx tags add flu #FluSeason #GetVaccinated`, `/smx tags remove flu`, `/smx tags require #CityHospital` or `/smx tags unrequire #CityHospital`. Nothing was changed.',
  badTag: (t: string) =>
    `'${t}' is not a hashtag — write tags like #FluSeason (letters, digits and _ only). Nothing was changed.`,
  noTopic: (t: string) =>
    `There is no topic '${t}' in the guideline; \`/smx tags\` lists them. Nothing was changed.`,
  notRequired: (t: string) => `#${t} is not a required tag; \`/smx tags\` lists them. Nothing was changed.`,
} as const;

export function parseTag(raw: string): string {
  const m = /^#?([\p{L}\p{N}_]+)$/u.exec(raw.trim());
  if (!m?.[1]) throw new SmxError('BAD_INPUT', TAG_MESSAGES.badTag(raw));
  return m[1];
}

export async function loadGuideline(): Promise<Guideline> {
  const rows = await TagGuideline.find({}).sort({ _id: 1 }).lean();
  return {
    topics: rows.filter((r) => r.kind === 'topic').map((r) => ({ topic: r.name, tags: r.tags })),
    required: rows.filter((r) => r.kind === 'required').map((r) => r.name),
  };
}

export async function addTopic(topic: string, tags: string[], actor: string, now: Date): Promise<void> {
  const name = topic.toLowerCase();
  const _id = `topic:${name}`;
  const before = await TagGuideline.findById(_id).lean();
  await TagGuideline.updateOne(
    { _id },
    { $set: { kind: 'topic', name, tags, updatedBy: actor, updatedAt: now } },
    { upsert: true },
  );
  await audit({ entity: 'tags', entityId: _id, action: 'add', actor, at: now, before, after: { tags } });
}

export async function removeTopic(topic: string, actor: string, now: Date): Promise<void> {
  const _id = `topic:${topic.toLowerCase()}`;
  const before = await TagGuideline.findById(_id).lean();
  if (!before) throw new SmxError('NOT_FOUND', TAG_MESSAGES.noTopic(topic));
  await TagGuideline.deleteOne({ _id });
  await audit({ entity: 'tags', entityId: _id, action: 'remove', actor, at: now, before });
}

export async function requireTag(tag: string, actor: string, now: Date): Promise<void> {
  const _id = `required:${tag.toLowerCase()}`;
  await TagGuideline.updateOne(
    { _id },
    { $set: { kind: 'required', name: tag, tags: [tag], updatedBy: actor, updatedAt: now } },
    { upsert: true },
  );
  await audit({ entity: 'tags', entityId: _id, action: 'require', actor, at: now });
}

export async function unrequireTag(tag: string, actor: string, now: Date): Promise<void> {
  const _id = `required:${tag.toLowerCase()}`;
  const res = await TagGuideline.deleteOne({ _id });
  if (res.deletedCount !== 1) throw new SmxError('NOT_FOUND', TAG_MESSAGES.notRequired(tag));
  await audit({ entity: 'tags', entityId: _id, action: 'unrequire', actor, at: now });
}
