/** `/smx metrics`, the weekly report and the App Home goals: pure builders from a MetricsReport. */
import type { KnownBlock } from '@slack/types';
import { DateTime } from 'luxon';
import {
  type CadenceJudgement,
  type CadenceVerdict,
  goalBand,
  judgeCadence,
  VERDICT_WORDS,
} from '../../services/cadence';
import type { MetricsReport, VisitBasis } from '../../services/metrics';
import { compactDayRange, periodLabel, sparkline } from '../../services/metrics';
import { escapeMrkdwn } from '../text';
import { sourceLabel } from './digest';
import type { SlackMessage } from './help';

const nf1 = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 });
const nf0 = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });

export const fmt1 = (n: number) => nf1.format(n);
export const fmt0 = (n: number) => nf0.format(n);
export const pct = (share: number) => `${nf1.format(share * 100)} %`;

/** "▲ from 12" / "▼ from 12" / "= same as before"; empty when there is nothing to compare with. */
export function trend(value: number | null, previous: number | null, show: (n: number) => string): string {
  if (value === null || previous === null) return '';
  // Equal as shown means "same": a change hidden by rounding is no change to the reader.
  if (show(value) === show(previous)) return ' = same as before';
  return value > previous ? ` ▲ from ${show(previous)}` : ` ▼ from ${show(previous)}`;
}

export function stars(avg: number): string {
  const full = Math.round(avg);
  return '★'.repeat(full) + '☆'.repeat(Math.max(0, 5 - full));
}

/** ▓▓▓░░░░░░░ for a share of a goal (capped at the full bar). */
export function progressBar(fraction: number, width = 10): string {
  const filled = Math.max(0, Math.min(width, Math.round(fraction * width)));
  return '▓'.repeat(filled) + '░'.repeat(width - filled);
}

export function hours(h: number): string {
  if (h < 1) return `${nf0.format(h * 60)} min`;
  if (h < 48) return `${nf1.format(h)} h`;
  return `${nf1.format(h / 24)} days`;
}

const VERDICT_ICONS: Record<CadenceVerdict, string> = {
  below: ':warning:',
  on: ':white_check_mark:',
  above: ':large_blue_circle:',
};

/** ":warning: below plan" — the one wording of a cadence verdict, for metrics, the report and Home. */
export function verdictText(j: CadenceJudgement): string {
  return `${VERDICT_ICONS[j.verdict]} ${VERDICT_WORDS[j.verdict]}`;
}

/** "0.3–0.4" posts due by now. */
export function dueText(j: CadenceJudgement): string {
  return j.dueMin === j.dueMax ? fmt1(j.dueMin) : `${fmt1(j.dueMin)}–${fmt1(j.dueMax)}`;
}

const postsWord = (n: number) => `${n} post${n === 1 ? '' : 's'}`;

export function postingLines(r: MetricsReport): string[] {
  const cur = r.periods.current;
  return r.posting.map((p) => {
    if (!p.connected && p.posts === 0)
      return `• ${p.label}: not available — not connected (${p.howToConnect})`;
    const j = p.goal ? judgeCadence(p.posts, p.goal, cur.days, cur.partial) : null;
    if (cur.partial) {
      // A running period is not extrapolated to a weekly rate (1 post on the 1st is not "7 a week"): the posts so
      // far, against what was due so far, compared with the same days of the previous period.
      const goal =
        j && p.goal ? ` · ${dueText(j)} due by now (goal ${goalBand(p.goal)}/week) ${verdictText(j)}` : '';
      return `• ${p.label}: *${postsWord(p.posts)} so far*${trend(p.posts, p.prevPosts, fmt0)}${goal}`;
    }
    const goal = j && p.goal ? ` · goal ${goalBand(p.goal)}/week ${verdictText(j)}` : '';
    return `• ${p.label}: *${fmt1(p.perWeek)} a week* (${postsWord(p.posts)})${trend(p.perWeek, p.prevPerWeek, fmt1)}${goal}`;
  });
}

export function reviewLines(r: MetricsReport): string[] {
  const rv = r.reviews;
  const lines = [
    `*${rv.total.value}* reviews and feedback${trend(rv.total.value, rv.total.previous, fmt0)} · trend ${sparkline(rv.sparkline)}`,
  ];
  if (rv.bySource.length > 0) {
    lines.push(
      `By source: ${rv.bySource
        .map((s) => `${sourceLabel(s.source)} ${s.count}${trend(s.count, s.previous, fmt0)}`)
        .join(' · ')}`,
    );
  }
  lines.push(
    rv.avgRating.value === null
      ? 'Average rating: not available — no rated reviews in this period'
      : `Average rating: ${stars(rv.avgRating.value)} *${fmt1(rv.avgRating.value)}* of 5 (${rv.rated} rated)${trend(
          rv.avgRating.value,
          rv.avgRating.previous,
          fmt1,
        )}`,
  );
  lines.push(
    rv.shareNegative.value === null
      ? 'Negative: not available — no reviews or feedback in this period'
      : `:red_circle: Negative: *${pct(rv.shareNegative.value)}* (${rv.negatives})${trend(
          rv.shareNegative.value,
          rv.shareNegative.previous,
          pct,
        )}`,
  );
  return lines;
}

export function feedbackRateLine(r: MetricsReport): string {
  const f = r.feedbackRate;
  const goal = r.goals.feedbackRate;
  if (!f.available) return `Feedback rate: not available — ${f.reason}`;
  const ofGoal = f.rate / goal;
  return `Feedback rate: *${fmt1(f.rate)} %* (${visitsText(f.items, f.visits, f.basis)})${trend(
    f.rate,
    f.previous,
    (n) => `${fmt1(n)} %`,
  )}\n${progressBar(ofGoal)} ${fmt0(ofGoal * 100)} % of the ${fmt1(goal)} % goal${ofGoal >= 1 ? ' :white_check_mark:' : ''}`;
}

const monthName = (month: string) => DateTime.fromISO(`${month}-01`).setLocale('en-GB').toFormat('LLL yyyy');

/**
 * "10 of 300 visits" for whole months; visits prorated to the period's days are shown as such: "1 item; 13 of 400
 * visits, prorated for 1 of 31 days", or across months "…; 300 visits, prorated by day from 310 in Oct 2026 and 300
 * in Nov 2026".
 */
export function visitsText(items: number, visits: number, basis: readonly VisitBasis[]): string {
  if (basis.every((b) => b.days === b.monthDays)) return `${items} of ${fmt0(visits)} visits`;
  const itemsWord = `${items} item${items === 1 ? '' : 's'}`;
  const only = basis.length === 1 ? basis[0] : undefined;
  if (only)
    return `${itemsWord}; ${fmt0(visits)} of ${fmt0(only.count)} visits, prorated for ${only.days} of ${only.monthDays} days`;
  const from = basis.map((b) => `${fmt0(b.count)} in ${monthName(b.month)}`);
  const list =
    from.length > 1 ? `${from.slice(0, -1).join(', ')} and ${from[from.length - 1]}` : from.join('');
  return `${itemsWord}; ${fmt0(visits)} visits, prorated by day from ${list}`;
}

/** The footer's "compare with …": the same days of last month for a running month, the whole one otherwise. */
export function comparisonText(r: MetricsReport): string {
  const { current: cur, previous: prev } = r.periods;
  const range = compactDayRange(prev.fromDay, prev.toDay);
  const prevMonth = DateTime.fromISO(prev.fromDay).setLocale('en-GB').toFormat('LLLL');
  if (cur.kind === 'this-month') return `the same days of ${prevMonth} (${range})`;
  if (cur.kind === 'last-month') return `${prevMonth} (${range})`;
  if (cur.kind === 'last-week') return `the week before (${range})`;
  return `the previous ${prev.days} days (${range})`;
}

export function responseLine(r: MetricsReport, now: Date): string {
  const m = r.response.medianHours;
  const goal = r.goals.responseTimeHours;
  const open =
    r.response.open === 0
      ? 'no negatives open'
      : `${r.response.open} negative${r.response.open === 1 ? '' : 's'} still open${
          r.response.oldestOpenAt
            ? `, the oldest ${hours((now.getTime() - r.response.oldestOpenAt.getTime()) / 3600000)} old`
            : ''
        }`;
  if (m.value === null) {
    return `Time to first action on negatives: not available — no negative item in this period got a first action yet · ${open}`;
  }
  const ok = m.value <= goal ? ':white_check_mark: within' : ':warning: over';
  return `Time to first action on negatives: median *${hours(m.value)}* (${r.response.samples} items)${trend(
    m.value,
    m.previous,
    hours,
  )} · ${ok} the ${hours(goal)} goal · ${open}`;
}

export function approvalLine(r: MetricsReport): string {
  const m = r.approval.medianHours;
  const waiting = `${r.approval.waiting} draft${r.approval.waiting === 1 ? '' : 's'} waiting for approval`;
  if (m.value === null)
    return `Approval turnaround: not available — no post was approved in this period · ${waiting}`;
  return `Approval turnaround: median *${hours(m.value)}* (${r.approval.samples} approved)${trend(
    m.value,
    m.previous,
    hours,
  )} · ${waiting}`;
}

export function audienceLines(r: MetricsReport): string[] {
  return r.audience.map((a) => {
    if (!a.available) return `• ${a.label}: not available — ${a.reason}`;
    const growth = (g: number | null) => (g === null ? '' : ` (${g >= 0 ? '▲ +' : '▼ '}${fmt0(g)})`);
    const likes = a.likes === null ? '' : `${fmt0(a.likes)} ${a.names.likes}${growth(a.likesGrowth)} · `;
    const asOf = DateTime.fromISO(a.day).setLocale('en-GB').toFormat('d LLL');
    return `• ${a.label}: ${likes}*${fmt0(a.followers)} ${a.names.followers}*${growth(a.growth)} on ${asOf}${
      a.growth === null ? ' (no earlier reading to compare)' : ''
    }`;
  });
}

function section(text: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

export function metricsMessage(r: MetricsReport, now: Date, title = 'Metrics'): SlackMessage {
  const where = r.facility ? ` · ${escapeMrkdwn(r.facility)}` : '';
  const label = periodLabel(r.periods.current);
  const headline = `${title} for ${label}${where}`;
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: `${title} — ${label}`.slice(0, 150) } },
    section(`*Posting*, per week against the cadence goal\n${postingLines(r).join('\n')}`),
    section(`*Reviews and feedback*${where}\n${reviewLines(r).join('\n')}\n${feedbackRateLine(r)}`),
    section(`*Response*${where}\n${responseLine(r, now)}\n${approvalLine(r)}`),
    section(`*Audience* at the period's end\n${audienceLines(r).join('\n')}`),
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `▲/▼ compare with ${comparisonText(r)}.${
            r.facility ? ' Posting, approvals and audience are hospital-wide.' : ''
          } Goals: \`/smx goals\`.`,
        },
      ],
    },
  ];
  const fr = r.feedbackRate.available ? `feedback rate ${fmt1(r.feedbackRate.rate)} %` : 'feedback rate n/a';
  const text = `${headline}: ${r.reviews.total.value} reviews and feedback, ${fr}, ${r.approval.waiting} drafts waiting.`;
  return { text, blocks };
}
