/** `/smx metrics`, the weekly report and the App Home goals: pure builders from a MetricsReport. */
import type { KnownBlock } from '@slack/types';
import { DateTime } from 'luxon';
import type { MetricsReport } from '../../services/metrics';
import { periodLabel, sparkline } from '../../services/metrics';
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

function cadenceVerdict(perWeek: number, goal: { min: number; max: number } | null): string {
  if (!goal) return '';
  const band = goal.min === goal.max ? `${goal.min}` : `${goal.min}–${goal.max}`;
  const rounded = Math.round(perWeek * 10) / 10;
  if (rounded < goal.min) return ` · goal ${band}/week :warning: below plan`;
  if (rounded > goal.max) return ` · goal ${band}/week :large_blue_circle: above plan`;
  return ` · goal ${band}/week :white_check_mark: on plan`;
}

export function postingLines(r: MetricsReport): string[] {
  return r.posting.map((p) => {
    if (!p.connected && p.posts === 0)
      return `• ${p.label}: not available — not connected (${p.howToConnect})`;
    return `• ${p.label}: *${fmt1(p.perWeek)} a week* (${p.posts} post${p.posts === 1 ? '' : 's'})${trend(
      p.perWeek,
      p.prevPerWeek,
      fmt1,
    )}${cadenceVerdict(p.perWeek, p.goal)}`;
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
  return `Feedback rate: *${fmt1(f.rate)} %* (${f.items} of ${fmt0(f.visits)} visits)${trend(
    f.rate,
    f.previous,
    (n) => `${fmt1(n)} %`,
  )}\n${progressBar(ofGoal)} ${fmt0(ofGoal * 100)} % of the ${fmt1(goal)} % goal${ofGoal >= 1 ? ' :white_check_mark:' : ''}`;
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
          text: `▲/▼ compare with the previous ${r.periods.previous.days} days (${r.periods.previous.fromDay} – ${r.periods.previous.toDay}).${
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
