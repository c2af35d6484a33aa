import { SmxError } from '../../../src/errors';
import { isApprover } from '../../../src/services/approvers';
import {
  describeGoalChange,
  GOAL_MESSAGES,
  loadGoals,
  parseGoalChange,
  setGoal,
} from '../../../src/services/goals';
import { goalsMessage } from '../../../src/slack/blocks/goals';
import type { Subcommand } from './types';

export const GOAL_SET = (what: string) =>
  `Goal updated: ${what}. \`/smx metrics\` measures against it from now on.`;

export const goals: Subcommand = {
  name: 'goals',
  summary:
    'Show the goals; approvers change one with `set` (feedback-rate, cadence <target>, response-time).',
  example: '/smx goals set cadence facebook 1-2/week',
  async run({ ctx, args, command, respond, client }) {
    const m = /^set\b\s*([\s\S]*)$/i.exec(args);
    if (!m) {
      if (args.trim() !== '') throw new SmxError('BAD_INPUT', GOAL_MESSAGES.usage);
      await respond({ response_type: 'ephemeral', ...goalsMessage(await loadGoals()) });
      return;
    }
    const change = parseGoalChange(m[1] ?? '');
    if (!(await isApprover(ctx, client, command.user_id))) {
      throw new SmxError('NOT_ALLOWED', GOAL_MESSAGES.notApprover);
    }
    await setGoal(change, command.user_id, ctx.now());
    ctx.logger.info({ event: 'goal_set', goal: change.key }, 'goal set');
    await respond({ response_type: 'ephemeral', text: GOAL_SET(describeGoalChange(change)) });
  },
};
