/** The App Home tab: pure builder from HomeData (see src/services/home.ts). */
import type { KnownBlock, View } from '@slack/types';
import { targetLabel } from '../../adapters/targets';
import { goalBand, judgeCadence } from '../../services/cadence';
import type { HomeData } from '../../services/home';
import { HOME_DRAFT_BLOCK_PREFIX, POST_ACTION_IDS } from '../ids';
import { quoteOutside } from '../text';
import { formatLocal, slackDate } from '../time';
import { reviewItemBlocks } from './digest';
import { dueText, feedbackRateLine, hours, progressBar, verdictText } from './metrics';
import { planFillButtons, planWeekText } from './plan';

function section(text: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

export function goalProgressLines(d: HomeData): string[] {
  const r = d.month;
  const lines: string[] = [];
  const { days, partial } = r.periods.current;
  for (const p of r.posting) {
    if (!p.goal) continue;
    if (!p.connected && p.posts === 0) {
      lines.push(`• ${p.label}: not available — not connected (${p.howToConnect})`);
      continue;
    }
    // Progress toward this month's share of the weekly goal so far, with the verdict `/smx metrics` gives.
    const j = judgeCadence(p.posts, p.goal, days, partial);
    lines.push(
      `• ${p.label}: ${progressBar(j.dueMin === 0 ? 1 : p.posts / j.dueMin)} ${p.posts} ${p.posts === 1 ? 'post' : 'posts'} so far, ${dueText(j)} due by now (goal ${goalBand(p.goal)}/week) ${verdictText(j)}`,
    );
  }
  lines.push(`• ${feedbackRateLine(r).replace('\n', ' ')}`);
  const m = r.response.medianHours.value;
  const goal = r.goals.responseTimeHours;
  lines.push(
    m === null
      ? `• Time to first action on negatives: not available yet this month (goal ${hours(goal)})`
      : `• Time to first action on negatives: median ${hours(m)} — ${m <= goal ? ':white_check_mark: within' : ':warning: over'} the ${hours(goal)} goal`,
  );
  return lines;
}

/** `problems`: the failing health lines, worded as `/smx status` words them; shown first when there are any. */
export function homeView(d: HomeData, problems: string[] = []): View {
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'smx — social media desk' } },
  ];
  if (problems.length > 0) blocks.push(section(problems.join('\n')), { type: 'divider' });
  if (d.deliveryFailures.length > 0) blocks.push(section(d.deliveryFailures.join('\n').slice(0, 2900)));

  // Drafts the viewer can decide, each with the approval card's own buttons.
  if (d.isApprover) {
    blocks.push(
      section(
        `*Drafts waiting for your approval* (${d.drafts.length}${d.draftsWaiting > d.drafts.length ? ` of ${d.draftsWaiting} waiting` : ''})`,
      ),
    );
    if (d.drafts.length === 0) blocks.push(section('Nothing waits for you. :tada:'));
    for (const p of d.drafts) {
      blocks.push(
        section(
          `*${p.shortId}* to ${p.targets.map(targetLabel).join(' + ')} · ${slackDate(p.scheduledAt, d.timezone)}\n>${quoteOutside(p.text, 280)}\n_by <@${p.authorId}>_`,
        ),
      );
      const value = `${p.shortId}:${p.revision}`;
      blocks.push({
        type: 'actions',
        block_id: `${HOME_DRAFT_BLOCK_PREFIX}${p.shortId}`,
        elements: [
          {
            type: 'button',
            action_id: POST_ACTION_IDS.approve,
            text: { type: 'plain_text', text: 'Approve' },
            style: 'primary',
            value,
          },
          {
            type: 'button',
            action_id: POST_ACTION_IDS.reject,
            text: { type: 'plain_text', text: 'Reject' },
            style: 'danger',
            value,
          },
        ],
      });
    }
  } else {
    blocks.push(section(`*Drafts waiting for approval:* ${d.draftsWaiting}`));
  }

  blocks.push({ type: 'divider' });
  blocks.push(
    section(
      d.next.length === 0
        ? '*Next scheduled posts*\nNothing approved is scheduled. Draft one with `/smx schedule`.'
        : `*Next scheduled posts*\n${d.next
            .map(
              (p) =>
                `• ${slackDate(p.scheduledAt, d.timezone)} to ${p.targets.map(targetLabel).join(' + ')}: ${quoteOutside(p.text, 120)}`,
            )
            .join('\n')}`,
    ),
  );

  const r = d.month.response;
  blocks.push(
    section(
      r.open === 0
        ? '*Open negative items*\nNone — every negative review or feedback has been handled.'
        : `*Open negative items*\n:red_circle: ${r.open} open${
            r.oldestOpenAt
              ? `; the oldest arrived ${hours((d.now.getTime() - r.oldestOpenAt.getTime()) / 3600000)} ago (${formatLocal(r.oldestOpenAt, d.timezone)})`
              : ''
          }`,
    ),
  );
  // The newest open negatives, each with its review card's buttons (Draft reply, Assign to me, Mark handled).
  for (const item of d.openNegatives ?? []) {
    blocks.push(
      ...reviewItemBlocks(item, { timezone: d.timezone, showNames: d.showNames ?? false, excerptChars: 200 }),
    );
  }

  if (d.week) {
    blocks.push({ type: 'divider' });
    blocks.push(section(planWeekText(d.week, d.timezone)));
    const fill = planFillButtons(d.week);
    if (fill) blocks.push(fill);
  }

  blocks.push({ type: 'divider' });
  blocks.push(section(`*This month against the goals*\n${goalProgressLines(d).join('\n')}`));
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: `Updated ${formatLocal(d.now, d.timezone)} · details: \`/smx metrics this-month\` · goals: \`/smx goals\``,
      },
    ],
  });
  return { type: 'home', blocks };
}
