/**
 * Success goals: what `/smx metrics`, the weekly report and the App Home compare against. Defaults apply until
 * someone sets a goal; only approvers may change one, and every change is audited.
 */
import { Goal } from '../../models/goal';
import { findTarget, targets } from '../adapters/targets';
import { SmxError } from '../errors';
import { escapeMrkdwn } from '../slack/text';
import { audit } from './audit';

export interface Goals {
  /** Reviews and feedback ÷ patient visits, in percent. */
  feedbackRate: number;
  /** Posts per week per publish target: the band [min, max]. */
  cadence: Record<string, { min: number; max: number }>;
  /** Median hours from a negative item's arrival to its first action. */
  responseTimeHours: number;
}

/** Targets with a cadence goal; a target added later gets one with `/smx goals set cadence <target> …`. */
export const DEFAULT_GOALS: Goals = {
  feedbackRate: 10,
  cadence: { facebook: { min: 1, max: 2 }, x: { min: 3, max: 3 } },
  responseTimeHours: 24,
};

export const GOAL_MESSAGES = {
  usage:
    'I could not read that goal; nothing was changed. Write one of:\n' +
    '• `/smx goals set feedback-rate 10%`\n' +
    '• `/smx goals set cadence facebook 1-2/week`\n' +
    '• `/smx goals set cadence x 3/week`\n' +
    '• `/smx goals set response-time 24h`',
  notApprover:
    'Only approvers can change goals; nothing was changed. Ask one of the approvers (SMX_APPROVERS) to set it.',
  unknownTarget: (word: string) =>
    `smx does not publish to '${word}', so it has no cadence to set. Cadence goals exist for ${targets
      .map((t) => `\`${t.name}\` (${t.label})`)
      .join(', ')} — e.g. \`/smx goals set cadence x 3/week\`. Nothing was changed.`,
  unsetUsage:
    'Say which goal to return to its default; nothing was changed. Write one of:\n' +
    '• `/smx goals unset feedback-rate`\n' +
    '• `/smx goals unset response-time`\n' +
    '• `/smx goals unset cadence x`',
  notSet: (what: string) =>
    `No goal is set for ${what}, so it already uses the default. Nothing was changed.`,
} as const;

export async function loadGoals(): Promise<Goals> {
  const rows = await Goal.find({}).lean();
  const goals: Goals = {
    feedbackRate: DEFAULT_GOALS.feedbackRate,
    cadence: { ...DEFAULT_GOALS.cadence },
    responseTimeHours: DEFAULT_GOALS.responseTimeHours,
  };
  for (const row of rows) {
    if (row._id === 'feedback-rate') goals.feedbackRate = row.value;
    else if (row._id === 'response-time') goals.responseTimeHours = row.value;
    else if (row._id.startsWith('cadence:')) {
      const target = row._id.slice('cadence:'.length);
      // A cadence stored for something smx does not publish to (accepted by older versions) means nothing.
      if (targets.some((t) => t.name === target)) {
        goals.cadence[target] = { min: row.value, max: row.max ?? row.value };
      }
    }
  }
  return goals;
}

export type GoalChange =
  | { key: 'feedback-rate'; value: number }
  | { key: 'response-time'; value: number }
  | { key: `cadence:${string}`; value: number; max: number };

/** Parses what follows `/smx goals set`; throws BAD_INPUT with the usage when it cannot. */
export function parseGoalChange(text: string): GoalChange {
  const t = text.trim().toLowerCase().replace(/\s+/g, ' ');
  let m = /^feedback[- ]rate (\d+(?:\.\d+)?) ?%?$/.exec(t);
  if (m) {
    const value = Number(m[1]);
    if (value > 0 && value <= 100) return { key: 'feedback-rate', value };
  }
  m = /^response[- ]time (\d+(?:\.\d+)?) ?(h|hours?|d|days?)?$/.exec(t);
  if (m) {
    const value = Number(m[1]) * (m[2]?.startsWith('d') ? 24 : 1);
    if (value > 0 && value <= 24 * 90) return { key: 'response-time', value };
  }
  m = /^cadence ([a-z][a-z0-9_-]{0,30}) (\d+)(?: ?[-–] ?(\d+))? ?(?:\/ ?(?:week|wk|w)|(?:a|per) week)?$/.exec(
    t,
  );
  if (m?.[1] && m[2]) {
    const target = findTarget(m[1]);
    if (!target) throw new SmxError('BAD_INPUT', GOAL_MESSAGES.unknownTarget(escapeMrkdwn(m[1])));
    const min = Number(m[2]);
    const max = m[3] === undefined ? min : Number(m[3]);
    if (min >= 0 && max >= min && max <= 100) return { key: `cadence:${target.name}`, value: min, max };
  }
  throw new SmxError('BAD_INPUT', GOAL_MESSAGES.usage);
}

export type GoalKey = GoalChange['key'];

/**
 * Parses what follows `/smx goals unset`. Any stored cadence may be unset — also one for a target smx does not
 * publish to, which older versions accepted and which could not be removed otherwise.
 */
export function parseGoalKey(text: string): GoalKey {
  const t = text.trim().toLowerCase().replace(/\s+/g, ' ');
  if (/^feedback[- ]rate$/.test(t)) return 'feedback-rate';
  if (/^response[- ]time$/.test(t)) return 'response-time';
  const m = /^cadence ([a-z][a-z0-9_-]{0,30})$/.exec(t);
  if (m?.[1]) return `cadence:${findTarget(m[1])?.name ?? m[1]}`;
  throw new SmxError('BAD_INPUT', GOAL_MESSAGES.unsetUsage);
}

export function describeGoalKey(key: GoalKey): string {
  if (key === 'feedback-rate') return 'the feedback rate';
  if (key === 'response-time') return 'the response time to negatives';
  const name = key.slice('cadence:'.length);
  return `the ${targets.find((t) => t.name === name)?.label ?? name} cadence`;
}

/** Removes a set goal (the default applies again) and audits it; false when nothing was set. */
export async function unsetGoal(key: GoalKey, actor: string, now: Date): Promise<boolean> {
  const before = await Goal.findById(key).lean();
  if (!before) return false;
  await Goal.deleteOne({ _id: key });
  await audit({
    entity: 'goal',
    entityId: key,
    action: 'unset',
    actor,
    at: now,
    before: { value: before.value, max: before.max },
    after: null,
  });
  return true;
}

export function describeGoalChange(c: GoalChange): string {
  if (c.key === 'feedback-rate') return `feedback rate ${c.value} %`;
  if (c.key === 'response-time') return `response time to negatives ${c.value} h`;
  const name = c.key.slice('cadence:'.length);
  const target = targets.find((t) => t.name === name)?.label ?? name;
  return `cadence ${target} ${c.max === c.value ? c.value : `${c.value}–${c.max}`} a week`;
}

/** Stores a goal change (the caller has checked the actor is an approver) and audits it. */
export async function setGoal(change: GoalChange, actor: string, now: Date): Promise<void> {
  const before = await Goal.findById(change.key).lean();
  const after = { value: change.value, max: 'max' in change ? change.max : null };
  await Goal.updateOne(
    { _id: change.key },
    { $set: { ...after, updatedBy: actor, updatedAt: now } },
    { upsert: true },
  );
  await audit({
    entity: 'goal',
    entityId: change.key,
    action: 'set',
    actor,
    at: now,
    before: before ? { value: before.value, max: before.max } : null,
    after,
  });
}
