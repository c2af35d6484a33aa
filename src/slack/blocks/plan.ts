/** `/smx plan`, the weekly nudge and the Home tab's week: pure builders from a Plan (src/services/plan.ts). */
import type { KnownBlock } from '@slack/types';
import { DateTime } from 'luxon';
import { fillValue, type Plan, type PlanCell, type PlanWeek, shortWeeks } from '../../services/plan';
import { PLAN_ACTION_IDS, PLAN_BLOCK_PREFIX } from '../ids';
import { escapeMrkdwn } from '../text';
import type { SlackMessage } from './help';

function weekName(w: PlanWeek, tz: string): string {
  const start = DateTime.fromJSDate(w.start, { zone: tz }).setLocale('en-GB');
  const last = DateTime.fromJSDate(w.end, { zone: tz }).minus({ days: 1 }).setLocale('en-GB');
  return `${start.toFormat('d LLL')}–${last.toFormat('d LLL')}`;
}

function band(g: { min: number; max: number }): string {
  return g.min === g.max ? `${g.min}` : `${g.min}–${g.max}`;
}

export function cellLine(c: PlanCell): string {
  const total = c.published + c.scheduled + c.waiting;
  const parts = [`${c.published} published`, `${c.scheduled} scheduled`, `${c.waiting} waiting for approval`];
  const detail = parts.join(' · ');
  const name = escapeMrkdwn(c.label);
  if (!c.goal)
    return `:white_circle: ${name}: ${total} (${detail}) — no cadence goal (\`/smx goals set cadence ${c.target} 1/week\`)`;
  if (c.short > 0)
    return `:warning: *${name}: ${total} of ${band(c.goal)} — short by ${c.short}* (${detail})`;
  return `:white_check_mark: ${name}: ${total} of ${band(c.goal)} — on plan (${detail})`;
}

function fillButtons(w: PlanWeek): KnownBlock | undefined {
  const short = w.cells.filter((c) => c.short > 0);
  if (short.length === 0) return undefined;
  return {
    type: 'actions',
    block_id: `${PLAN_BLOCK_PREFIX}${w.week}`,
    elements: short.slice(0, 25).map((c) => ({
      type: 'button' as const,
      action_id: `${PLAN_ACTION_IDS.fill}:${c.target}`,
      text: { type: 'plain_text' as const, text: `Fill ${c.label} from canned` },
      value: fillValue(c.target, w.week),
    })),
  };
}

function weekBlocks(w: PlanWeek, tz: string, withButtons: boolean): KnownBlock[] {
  const head = `*Week of ${weekName(w, tz)}*${w.current ? ' (this week)' : ''}`;
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `${head}\n${w.cells.map(cellLine).join('\n')}` } },
  ];
  const buttons = withButtons ? fillButtons(w) : undefined;
  if (buttons) blocks.push(buttons);
  return blocks;
}

function summary(plan: Plan): string {
  const short = shortWeeks(plan);
  if (short.length === 0) return `every week of the next ${plan.weeks.length} is on plan`;
  return short
    .map(
      ({ week, cell }) =>
        `${cell.label} short by ${cell.short} in the week of ${weekName(week, plan.timezone)}`,
    )
    .join('; ');
}

/** `/smx plan`: every week, every target, a Fill button per short target. */
export function planMessage(plan: Plan): SlackMessage {
  const blocks: KnownBlock[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: `Content plan — next ${plan.weeks.length} week${plan.weeks.length === 1 ? '' : 's'}`,
      },
    },
  ];
  for (const w of plan.weeks) blocks.push(...weekBlocks(w, plan.timezone, true));
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: `Counts posts published, approved and waiting for approval against the cadence goal (\`/smx goals\`). *Fill from canned* drafts the least-used evergreen post that fits; it still needs approval. Times in ${escapeMrkdwn(plan.timezone)}.`,
      },
    ],
  });
  return { text: `Content plan: ${summary(plan)}.`, blocks };
}

/** The weekly nudge: only the short weeks, each with its Fill buttons; undefined when nothing is short. */
export function planNudgeMessage(plan: Plan): SlackMessage | undefined {
  const short = plan.weeks.filter((w) => w.cells.some((c) => c.short > 0));
  if (short.length === 0) return undefined;
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `:calendar: *The plan is short in ${short.length} of the next ${plan.weeks.length} weeks.* Schedule a post with \`/smx schedule\`, a repost with \`/smx repost\`, or fill from the canned posts:`,
      },
    },
  ];
  for (const w of short) {
    blocks.push(...weekBlocks({ ...w, cells: w.cells.filter((c) => c.short > 0) }, plan.timezone, true));
  }
  return { text: `Content plan: ${summary(plan)}.`, blocks };
}

/** The Home tab's "this week" lines. */
export function planWeekText(w: PlanWeek, tz: string): string {
  return `*This week's plan* (${weekName(w, tz)})\n${w.cells.map(cellLine).join('\n')}`;
}

export { fillButtons as planFillButtons };
