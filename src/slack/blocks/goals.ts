import type { KnownBlock } from '@slack/types';
import { targetLabel } from '../../adapters/targets';
import type { Goals } from '../../services/goals';
import { escapeMrkdwn } from '../text';
import type { SlackMessage } from './help';

export function goalLines(goals: Goals): string[] {
  const cadence = Object.entries(goals.cadence).map(
    ([t, c]) =>
      `• Cadence ${escapeMrkdwn(targetLabel(t))}: ${c.min === c.max ? c.min : `${c.min}–${c.max}`} posts a week`,
  );
  return [
    ...cadence,
    `• Feedback rate: ${goals.feedbackRate} % of patient visits`,
    `• Response time: first action on a negative item within ${goals.responseTimeHours} h (median)`,
  ];
}

export function goalsMessage(goals: Goals): SlackMessage {
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `*Goals*\n${goalLines(goals).join('\n')}` } },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: 'Approvers change them, e.g. `/smx goals set cadence x 3/week`, `/smx goals set feedback-rate 10%`, `/smx goals set response-time 24h`, or return one to its default with `/smx goals unset cadence x`. Progress: `/smx metrics`.',
        },
      ],
    },
  ];
  return {
    text: `Goals: ${goalLines(goals)
      .map((l) => l.slice(2))
      .join('; ')}`,
    blocks,
  };
}
