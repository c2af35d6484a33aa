/**
 * The content plan: for the coming weeks, per connected target, how many posts are published, scheduled (approved)
 * and waiting for approval, against the cadence goal's minimum; a week below it is short. A short week can be
 * filled from the canned (evergreen) posts: the least-used one that fits the target — passes its length check and
 * follows the tag guideline — becomes a normal draft that still needs approval.
 */
import type { WebClient } from '@slack/web-api';
import { DateTime } from 'luxon';
import { CannedPost } from '../../models/canned-post';
import { enabledTargets, findTarget, targetLabel } from '../adapters/targets';
import type { SmxContext } from '../context';
import { SmxError } from '../errors';
import { localWeek } from '../slack/time';
import { releaseClaim, tryClaim } from './claims';
import { loadGoals } from './goals';
import { checkPost } from './post-checks';
import { deskPosts } from './post-desk';
import type { PostView } from './post-view';
import { createPost } from './posts';
import { loadGuideline } from './tags';

export const PLAN_MESSAGES = {
  usage: 'Write it as `/smx plan [weeks]`, e.g. `/smx plan 4` (1 to 12 weeks). Nothing was changed.',
  noTargets:
    'No publish target is connected (X: TWITTER_*, Facebook: FACEBOOK_PAGE_*), so there is nothing to plan.',
  badFill: 'This button is damaged; nothing was changed.',
  notShort: (label: string, week: string) =>
    `${label} is already on plan for the week of ${week}; nothing was drafted.`,
  weekOver: (week: string) => `The week of ${week} is over; nothing was drafted.`,
  noCanned: (label: string) =>
    `No canned post fits ${label} (length and #tags) — add one with \`/smx canned add <text>\`. Nothing was drafted.`,
} as const;

/** Statuses that count toward a week's plan (a failed, rejected or cancelled post does not). */
const PLANNED = ['pending_approval', 'approved', 'publishing', 'published', 'needs_check'] as const;

export interface PlanCell {
  target: string;
  label: string;
  /** Goal band; null when the target has no cadence goal (then it is never short). */
  goal: { min: number; max: number } | null;
  published: number;
  scheduled: number;
  waiting: number;
  /** How many posts the week lacks to reach the goal's minimum (0 = on plan). */
  short: number;
}

export interface PlanWeek {
  /** ISO week key, e.g. 2026-W49. */
  week: string;
  start: Date;
  end: Date;
  /** The week has begun: only the rest of it can still be filled. */
  current: boolean;
  cells: PlanCell[];
}

export interface Plan {
  weeks: PlanWeek[];
  timezone: string;
}

export function parsePlanArgs(args: string): number {
  const t = args
    .trim()
    .toLowerCase()
    .replace(/\s*(weeks?|w)$/, '');
  if (t === '') return 4;
  const n = Number(t);
  if (!Number.isInteger(n) || n < 1 || n > 12) throw new SmxError('BAD_INPUT', PLAN_MESSAGES.usage);
  return n;
}

function weekStart(now: Date, timezone: string, offset: number): DateTime {
  return DateTime.fromJSDate(now, { zone: timezone }).startOf('week').plus({ weeks: offset });
}

/** The plan for `weeks` weeks from this one: two queries (goals, posts in range), whatever the archive size. */
export async function buildPlan(ctx: SmxContext, weeks: number): Promise<Plan> {
  const tz = ctx.config.timezone;
  const now = ctx.now();
  const targets = enabledTargets(ctx.config);
  if (targets.length === 0) throw new SmxError('NOT_CONFIGURED', PLAN_MESSAGES.noTargets);
  const from = weekStart(now, tz, 0);
  const to = weekStart(now, tz, weeks);
  const [goals, posts] = await Promise.all([
    loadGoals(),
    // This week onward: every such post is on the posts desk (final ones stay FINAL_KEEP_MS > a week).
    deskPosts<{ targets: string[]; status: string; scheduledAt: Date }>(
      now,
      { status: { $in: PLANNED }, scheduledAt: { $gte: from.toJSDate(), $lt: to.toJSDate() } },
      { select: { targets: 1, status: 1, scheduledAt: 1 } },
    ),
  ]);
  const out: PlanWeek[] = [];
  for (let i = 0; i < weeks; i++) {
    const start = weekStart(now, tz, i);
    const end = start.plus({ weeks: 1 });
    const inWeek = posts.filter((p) => p.scheduledAt >= start.toJSDate() && p.scheduledAt < end.toJSDate());
    const cells = targets.map((t): PlanCell => {
      const mine = inWeek.filter((p) => p.targets.includes(t.name));
      const published = mine.filter((p) => p.status === 'published').length;
      const waiting = mine.filter((p) => p.status === 'pending_approval').length;
      const scheduled = mine.length - published - waiting;
      const goal = goals.cadence[t.name] ?? null;
      return {
        target: t.name,
        label: t.label,
        goal,
        published,
        scheduled,
        waiting,
        short: goal ? Math.max(0, goal.min - mine.length) : 0,
      };
    });
    out.push({
      week: localWeek(start.toJSDate(), tz),
      start: start.toJSDate(),
      end: end.toJSDate(),
      current: i === 0,
      cells,
    });
  }
  return { weeks: out, timezone: tz };
}

export function shortWeeks(plan: Plan): Array<{ week: PlanWeek; cell: PlanCell }> {
  return plan.weeks.flatMap((week) => week.cells.filter((c) => c.short > 0).map((cell) => ({ week, cell })));
}

/** A Fill button's value: `<target>:<week>`. */
export function fillValue(target: string, week: string): string {
  return `${target}:${week}`;
}

export function parseFillValue(value: string | undefined): { target: string; week: string } {
  const m = /^([a-z0-9_-]{1,30}):(\d{4}-W\d{2})$/.exec(value ?? '');
  if (!m?.[1] || !m[2]) throw new SmxError('BAD_INPUT', PLAN_MESSAGES.badFill);
  return { target: m[1], week: m[2] };
}

/**
 * When a fill draft goes out: 10:00 local on the first day of the week without a post for the target that is at
 * least an hour away; else an hour from now when the week still has that long.
 */
function fillSlot(now: Date, tz: string, start: DateTime, taken: Set<string>): Date | undefined {
  const soonest = DateTime.fromJSDate(now, { zone: tz }).plus({ hours: 1 });
  for (let d = 0; d < 7; d++) {
    const at = start.plus({ days: d }).set({ hour: 10, minute: 0, second: 0, millisecond: 0 });
    if (at < soonest || taken.has(at.toISODate() as string)) continue;
    return at.toJSDate();
  }
  const end = start.plus({ weeks: 1 });
  return soonest < end ? soonest.startOf('minute').toJSDate() : undefined;
}

/** Fill from canned: drafts the least-used evergreen post that fits `target` into `week`. */
export async function fillFromCanned(
  ctx: SmxContext,
  client: WebClient,
  value: string | undefined,
  userId: string,
  originChannel?: string,
): Promise<PostView> {
  const { target, week } = parseFillValue(value);
  const t = findTarget(target);
  if (!t?.enabled(ctx.config)) throw new SmxError('NOT_CONFIGURED', PLAN_MESSAGES.noTargets);
  const tz = ctx.config.timezone;
  const start = DateTime.fromISO(week, { zone: tz }).startOf('week');
  if (!start.isValid) throw new SmxError('BAD_INPUT', PLAN_MESSAGES.badFill);
  const label = targetLabel(t.name);
  const weekName = start.setLocale('en-GB').toFormat('d LLL');
  const now = ctx.now();
  if (start.plus({ weeks: 1 }).toJSDate() <= now)
    throw new SmxError('CONFLICT', PLAN_MESSAGES.weekOver(weekName));
  const offset = Math.round(start.diff(weekStart(now, tz, 0), 'weeks').weeks);
  const plan = await buildPlan(ctx, offset + 1);
  const cell = plan.weeks[offset]?.cells.find((c) => c.target === t.name);
  if (!cell || cell.short === 0) throw new SmxError('CONFLICT', PLAN_MESSAGES.notShort(label, weekName));

  const [guideline, canned, inWeek] = await Promise.all([
    loadGuideline(),
    CannedPost.find({}).sort({ timesUsed: 1, lastUsedAt: 1, createdAt: 1 }).limit(200).lean(),
    deskPosts<{ scheduledAt: Date }>(
      now,
      {
        status: { $in: PLANNED },
        targets: t.name,
        scheduledAt: { $gte: start.toJSDate(), $lt: start.plus({ weeks: 1 }).toJSDate() },
      },
      { select: { scheduledAt: 1 } },
    ),
  ]);
  // Never-used first, then least recently used (sorted above; null lastUsedAt sorts first).
  const fit = canned.find((c) => {
    const checks = checkPost(c.text, [t.name], guideline);
    return checks.errors.length === 0 && checks.warnings.length === 0;
  });
  if (!fit) throw new SmxError('NOT_FOUND', PLAN_MESSAGES.noCanned(label));
  const taken = new Set(
    inWeek.map((p) => DateTime.fromJSDate(p.scheduledAt, { zone: tz }).toISODate() as string),
  );
  const at = fillSlot(now, tz, start, taken);
  if (!at) throw new SmxError('CONFLICT', PLAN_MESSAGES.weekOver(weekName));
  const post = await createPost(ctx, client, {
    authorId: userId,
    targets: [t.name],
    when: { now: false, at },
    text: fit.text,
    originChannel,
    cannedId: fit.shortId,
  });
  await CannedPost.updateOne({ shortId: fit.shortId }, { $inc: { timesUsed: 1 }, $set: { lastUsedAt: now } });
  ctx.logger.info(
    { postId: post.shortId, canned: fit.shortId, target: t.name, week },
    'plan filled from canned',
  );
  return post;
}

export type NudgeOutcome = 'posted' | 'on-plan' | 'already-posted' | 'no-channel' | 'no-targets';

const NUDGE_WEEKS = 4;

/**
 * The weekly nudge (SMX_PLAN_CRON): which of the next weeks are short, to the approvals channel, with the Fill
 * buttons — exactly once per channel and ISO week (claimed by insert, given back if nothing was posted).
 */
export async function postPlanNudge(
  ctx: SmxContext,
  client: WebClient,
  message: (plan: Plan) => { text: string; blocks: unknown[] } | undefined,
): Promise<NudgeOutcome> {
  const channel = ctx.config.posts.approvalsChannel;
  const log = ctx.logger.child({ job: 'plan-nudge' });
  if (!channel) return 'no-channel';
  if (enabledTargets(ctx.config).length === 0) return 'no-targets';
  const plan = await buildPlan(ctx, NUDGE_WEEKS);
  const msg = message(plan);
  if (!msg) {
    log.info('plan on target: no nudge');
    return 'on-plan';
  }
  const key = `plan-nudge:${channel}:${localWeek(ctx.now(), ctx.config.timezone)}`;
  if (!(await tryClaim(key, ctx.instanceId, ctx.now()))) return 'already-posted';
  try {
    await client.chat.postMessage({ channel, text: msg.text, blocks: msg.blocks as never });
  } catch (err) {
    await releaseClaim(key, ctx.instanceId);
    throw err;
  }
  log.info({ key, short: shortWeeks(plan).length }, 'plan nudge posted');
  return 'posted';
}
