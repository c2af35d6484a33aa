/**
 * Reply templates: built-in defaults (a thank-you for positive reviews, an apology that takes it offline for
 * negative ones) and the ones approvers add. `{contact}` in a template becomes SMX_PATIENT_RELATIONS_CONTACT.
 * A template is checked by the PHI guard when it is added: it will be sent to many reviewers.
 */
import type { WebClient } from '@slack/web-api';
import { ReplyTemplate } from '../../models/reply-template';
import type { SmxContext } from '../context';
import { SmxError } from '../errors';
import { codeOutside, truncate } from '../slack/text';
import { isApprover } from './approvers';
import { audit } from './audit';
import { isDuplicateKey } from './claims';
import { describeFindings } from './phi';
import { checkDraft } from './phi-config';

export interface ReplyTemplateView {
  name: string;
  text: string;
  builtIn: boolean;
  /** Which reviews it suits, for the order in the picker. */
  suits: 'positive' | 'negative' | 'any';
}

export const BUILT_IN_TEMPLATES: readonly ReplyTemplateView[] = [
  {
    name: 'thank-you',
    builtIn: true,
    suits: 'positive',
    text: 'Thank you for taking the time to share your kind words. We pass every compliment on to our team, and we are glad you chose to tell us.',
  },
  {
    name: 'take-it-offline',
    builtIn: true,
    suits: 'negative',
    text: 'We are sorry to read this, and we would like to understand what happened. To protect everyone’s privacy we cannot discuss details here; please contact our Patient Relations team at {contact} so we can look into it with you.',
  },
];

export const TEMPLATE_MESSAGES = {
  usage:
    'Write it as `/smx templates add <name> | <text>` or `/smx templates remove <name>`, e.g. `/smx templates add parking | Thank you for the feedback about parking; we are adding spaces. Questions: {contact}`. Nothing was changed.',
  badName: (name: string) =>
    `${codeOutside(name, 40)} can't be a template name: use 2–40 letters, digits or dashes, e.g. \`take-it-offline\`. Nothing was changed.`,
  notApprover:
    'Only approvers (SMX_APPROVERS) can add or remove reply templates, because every reply built on one goes out in the hospital’s name. Nothing was changed — ask an approver.',
  exists: (name: string) =>
    `There is already a template called ${codeOutside(name, 40)}. Remove it first (\`/smx templates remove ${name}\`) or pick another name. Nothing was changed.`,
  unsafe: (lines: string[]) =>
    `This template would put patient details into every reply built on it:\n${lines.map((l) => `• ${l}`).join('\n')}\nWrite it without them (use \`{contact}\` for the patient-relations contact). Nothing was changed.`,
  notFound: (name: string) =>
    `There is no template called ${codeOutside(name, 40)}; \`/smx templates\` lists them. Nothing was changed.`,
  builtIn: (name: string) =>
    `${codeOutside(name, 40)} is built in and can't be removed, but you can replace it: \`/smx templates add ${name} | <your text>\`. Nothing was changed.`,
  tooLong: 'A template can be at most 2,000 characters. Nothing was changed.',
} as const;

const NAME = /^[a-z0-9][a-z0-9-]{1,39}$/;

/** The text with `{contact}` filled in. */
export function fillTemplate(text: string, contact: string | undefined): string {
  return text.replace(/\{contact\}/g, contact?.trim() || 'our Patient Relations desk');
}

/** Built-ins (unless replaced) and stored templates, the ones suiting the sentiment first. */
export async function listTemplates(sentiment?: string): Promise<ReplyTemplateView[]> {
  const stored = await ReplyTemplate.find({}).sort({ _id: 1 }).lean();
  const byName = new Map<string, ReplyTemplateView>(BUILT_IN_TEMPLATES.map((t) => [t.name, t]));
  for (const t of stored) byName.set(t._id, { name: t.name, text: t.text, builtIn: false, suits: 'any' });
  const all = [...byName.values()];
  if (!sentiment) return all;
  const rank = (t: ReplyTemplateView) => (t.suits === sentiment ? 0 : t.suits === 'any' ? 1 : 2);
  return all.sort((a, b) => rank(a) - rank(b));
}

export async function findTemplate(name: string): Promise<ReplyTemplateView | undefined> {
  return (await listTemplates()).find((t) => t.name === name.toLowerCase());
}

async function requireApprover(ctx: SmxContext, client: WebClient, userId: string): Promise<void> {
  if (!(await isApprover(ctx, client, userId)))
    throw new SmxError('NOT_ALLOWED', TEMPLATE_MESSAGES.notApprover);
}

export async function addTemplate(
  ctx: SmxContext,
  client: WebClient,
  userId: string,
  rawName: string,
  text: string,
): Promise<ReplyTemplateView> {
  await requireApprover(ctx, client, userId);
  const name = rawName.trim().toLowerCase();
  if (!NAME.test(name)) throw new SmxError('BAD_INPUT', TEMPLATE_MESSAGES.badName(rawName));
  const body = text.trim();
  if (body === '') throw new SmxError('BAD_INPUT', TEMPLATE_MESSAGES.usage);
  if (Array.from(body).length > 2000) throw new SmxError('BAD_INPUT', TEMPLATE_MESSAGES.tooLong);
  const phi = checkDraft(ctx.config, fillTemplate(body, ctx.config.replies.patientRelationsContact), 'reply');
  if (phi.unsafe) throw new SmxError('BAD_INPUT', TEMPLATE_MESSAGES.unsafe(describeFindings(phi.findings)));
  const now = ctx.now();
  try {
    await ReplyTemplate.create({ _id: name, name, text: body, createdBy: userId, createdAt: now });
  } catch (err) {
    if (isDuplicateKey(err)) throw new SmxError('CONFLICT', TEMPLATE_MESSAGES.exists(name));
    throw err;
  }
  const replaced = BUILT_IN_TEMPLATES.find((t) => t.name === name);
  await audit({
    entity: 'reply-template',
    entityId: name,
    action: 'add',
    actor: userId,
    at: now,
    before: replaced ? { text: replaced.text, builtIn: true } : undefined,
    after: { text: body },
  });
  return { name, text: body, builtIn: false, suits: 'any' };
}

export async function removeTemplate(
  ctx: SmxContext,
  client: WebClient,
  userId: string,
  rawName: string,
): Promise<void> {
  await requireApprover(ctx, client, userId);
  const name = rawName.trim().toLowerCase();
  const stored = await ReplyTemplate.findById(name).lean();
  if (!stored) {
    if (BUILT_IN_TEMPLATES.some((t) => t.name === name))
      throw new SmxError('BAD_INPUT', TEMPLATE_MESSAGES.builtIn(name));
    throw new SmxError('NOT_FOUND', TEMPLATE_MESSAGES.notFound(truncate(rawName, 40)));
  }
  const res = await ReplyTemplate.deleteOne({ _id: name });
  if (res.deletedCount === 0) throw new SmxError('NOT_FOUND', TEMPLATE_MESSAGES.notFound(name));
  await audit({
    entity: 'reply-template',
    entityId: name,
    action: 'remove',
    actor: userId,
    at: ctx.now(),
    before: { text: stored.text },
  });
}
