/**
 * Who may approve: SMX_APPROVERS lists user ids (U…/W…) and user-group ids (S…). Group members come from
 * `usergroups.users.list`, cached briefly so a burst of clicks costs one lookup while membership changes still
 * take effect within a minute.
 */
import type { WebClient } from '@slack/web-api';
import type { SmxContext } from '../context';
import { SmxError } from '../errors';

const CACHE_MS = 60_000;
const cache = new Map<string, { users: string[]; until: number }>();

export function isGroupId(id: string): boolean {
  return /^S[A-Z0-9]+$/.test(id);
}

async function groupMembers(ctx: SmxContext, client: WebClient, group: string): Promise<string[]> {
  const hit = cache.get(group);
  if (hit && hit.until > Date.now()) return hit.users;
  try {
    const res = await client.usergroups.users.list({ usergroup: group });
    const users = (res.users ?? []).filter((u): u is string => typeof u === 'string');
    cache.set(group, { users, until: Date.now() + CACHE_MS });
    return users;
  } catch (err) {
    // A group that cannot be read grants nobody; the other approvers still work.
    ctx.logger.warn({ err, usergroup: group }, 'could not read approver user group');
    return [];
  }
}

export async function isApprover(ctx: SmxContext, client: WebClient, userId: string): Promise<boolean> {
  const list = ctx.config.posts.approvers;
  if (list.includes(userId)) return true;
  for (const id of list) {
    if (isGroupId(id) && (await groupMembers(ctx, client, id)).includes(userId)) return true;
  }
  return false;
}

/** Every approver's user id: the users in SMX_APPROVERS plus the members of its user groups. */
export async function approverUserIds(ctx: SmxContext, client: WebClient): Promise<string[]> {
  const ids = new Set<string>();
  for (const id of ctx.config.posts.approvers) {
    if (isGroupId(id)) for (const u of await groupMembers(ctx, client, id)) ids.add(u);
    else ids.add(id);
  }
  return [...ids];
}

/** For tests: forget cached group memberships. */
export function clearApproverCache(): void {
  cache.clear();
}

/**
 * Who may do what: everyone may draft posts, use canned posts and act on reviews; approvers (SMX_APPROVERS) alone
 * approve posts and change the plan — the tag guideline, goals, visits, reply templates — and remove others' canned
 * posts. Shown in `/smx help`.
 */
export const ROLES_SUMMARY =
  'Everyone may draft posts, use canned posts and act on reviews. Approvers (SMX_APPROVERS) approve posts and change the #tag guideline, goals, visits and reply templates, and remove anyone’s canned posts.';

export const ROLE_MESSAGES = {
  approversOnly: (what: string) =>
    `Only approvers (SMX_APPROVERS) can ${what}. Nothing was changed — ask an approver, or whoever runs smx to add you.`,
} as const;

/** The roles guard: a refusal that names the rule unless `userId` is an approver. `what`: "change the goals". */
export async function requireApprover(
  ctx: SmxContext,
  client: WebClient,
  userId: string,
  what: string,
): Promise<void> {
  if (!(await isApprover(ctx, client, userId))) {
    throw new SmxError('NOT_ALLOWED', ROLE_MESSAGES.approversOnly(what));
  }
}
