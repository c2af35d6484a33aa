/**
 * The one cadence verdict: `/smx metrics`, the weekly report, the App Home and the charts' alt text all judge a
 * target's posts against its goal here, so a text saying "above plan" can never sit beside a chart saying "below
 * plan" for the same posts.
 */
export type CadenceVerdict = 'below' | 'on' | 'above';

export interface CadenceGoal {
  min: number;
  max: number;
}

export interface CadenceJudgement {
  verdict: CadenceVerdict;
  /** The goal band scaled to the days counted: what was due by the period's end, or by now when it is partial. */
  dueMin: number;
  dueMax: number;
  /** Posts per week over the days counted. */
  perWeek: number;
  partial: boolean;
}

/**
 * `posts` over `days` days of a period that is `partial` (still running) or complete.
 *
 * A complete period is judged by posts per week (as shown, to 0.1) against the weekly band. A partial period is
 * judged against what was due so far — the band × days/7 — and since posts come whole, anything from the due
 * minimum rounded down to the due maximum rounded up is on plan: one post on the 1st of the month is neither
 * "7 a week, above plan" nor, in a week that has just begun, "below plan".
 */
export function judgeCadence(
  posts: number,
  goal: CadenceGoal,
  days: number,
  partial: boolean,
): CadenceJudgement {
  const span = Math.max(1, days);
  const dueMin = (goal.min * span) / 7;
  const dueMax = (goal.max * span) / 7;
  const perWeek = (posts * 7) / span;
  let verdict: CadenceVerdict;
  if (partial) {
    // The epsilon keeps 2 × 7/7 from rounding to 1.9999… and down to 1.
    const low = Math.floor(dueMin + 1e-9);
    const high = Math.ceil(dueMax - 1e-9);
    verdict = posts < low ? 'below' : posts > high ? 'above' : 'on';
  } else {
    const shown = Math.round(perWeek * 10) / 10;
    verdict = shown < goal.min ? 'below' : shown > goal.max ? 'above' : 'on';
  }
  return { verdict, dueMin, dueMax, perWeek, partial };
}

export const VERDICT_WORDS: Record<CadenceVerdict, string> = {
  below: 'below plan',
  on: 'on plan',
  above: 'above plan',
};

export function goalBand(goal: CadenceGoal): string {
  return goal.min === goal.max ? `${goal.min}` : `${goal.min}–${goal.max}`;
}
