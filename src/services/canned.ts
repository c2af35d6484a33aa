/** Evergreen ("canned") posts: stored texts that become normal drafts (which still need approval) on use. */
import { randomInt } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import { CannedPost } from '../../models/canned-post';
import type { SmxContext } from '../context';
import { SmxError } from '../errors';
import { truncate } from '../slack/text';
import { requireApprover } from './approvers';
import { audit } from './audit';
import { isDuplicateKey } from './claims';
import type { PostView } from './post-view';
import { createPost, resolveTargets } from './posts';
import { parseWhen } from './when';

export const CANNED_MESSAGES = {
  usage:
    'Try `/smx canned add <text>`, `/smx canned list`, `/smx canned use C3F7K tomorrow 9am` or `/smx canned remove C3F7K`. Nothing was changed.',
  notFound: (id: string) =>
    `There is no canned post '${id}'; \`/smx canned list\` shows them. Nothing was changed.`,
} as const;

const ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';

export async function addCanned(ctx: SmxContext, text: string, actor: string) {
  if (text.trim() === '') throw new SmxError('BAD_INPUT', CANNED_MESSAGES.usage);
  for (let i = 0; i < 5; i++) {
    let shortId = 'C';
    for (let j = 0; j < 4; j++) shortId += ALPHABET[randomInt(ALPHABET.length)];
    try {
      const doc = await CannedPost.create({
        shortId,
        text: text.trim(),
        createdBy: actor,
        createdAt: ctx.now(),
      });
      await audit({
        entity: 'canned',
        entityId: shortId,
        action: 'create',
        actor,
        at: ctx.now(),
        after: { text },
      });
      return doc.toObject();
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }
  throw new SmxError('INTERNAL', 'Could not allocate an id; nothing was saved — try again.');
}

export async function listCanned() {
  return CannedPost.find({}).sort({ timesUsed: 1, createdAt: 1 }).limit(40).lean();
}

/** Removes a canned post: its author's own, or anyone's for an approver. */
export async function removeCanned(
  ctx: SmxContext,
  client: WebClient,
  id: string,
  actor: string,
): Promise<void> {
  const shortId = id.toUpperCase();
  const before = await CannedPost.findOne({ shortId }).lean();
  if (!before) throw new SmxError('NOT_FOUND', CANNED_MESSAGES.notFound(truncate(id, 20)));
  if (before.createdBy !== actor) {
    await requireApprover(
      ctx,
      client,
      actor,
      `remove a canned post someone else added (${shortId} is <@${before.createdBy}>’s)`,
    );
  }
  await CannedPost.deleteOne({ shortId });
  await audit({ entity: 'canned', entityId: shortId, action: 'remove', actor, at: ctx.now(), before });
}

/** Turns a canned text into a normal draft (`[to:x,facebook] <when>`; default every configured target) that goes through approval. */
export async function useCanned(
  ctx: SmxContext,
  client: WebClient,
  id: string,
  whenText: string,
  actor: string,
  originChannel: string,
): Promise<PostView> {
  const shortId = id.toUpperCase();
  const canned = await CannedPost.findOne({ shortId }).lean();
  if (!canned) throw new SmxError('NOT_FOUND', CANNED_MESSAGES.notFound(truncate(id, 20)));
  const to = /^to:\s*(\S+)\s*/i.exec(whenText.trim());
  const targets = resolveTargets(
    ctx,
    to?.[1]?.split(',').filter((w) => w !== ''),
  );
  const when = parseWhen(
    to ? whenText.trim().slice(to[0].length) : whenText,
    ctx.now(),
    ctx.config.timezone,
    ctx.config.dateOrder,
  );
  const post = await createPost(ctx, client, {
    authorId: actor,
    targets,
    when,
    text: canned.text,
    originChannel,
    cannedId: shortId,
  });
  await CannedPost.updateOne({ shortId }, { $inc: { timesUsed: 1 }, $set: { lastUsedAt: ctx.now() } });
  return post;
}
