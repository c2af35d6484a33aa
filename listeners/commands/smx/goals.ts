import { SmxError } from '../../../src/errors';
import { isApprover } from '../../../src/services/approvers';
import {
  describeGoalChange,
  describeGoalKey,
  GOAL_MESSAGES,
  loadGoals,
  parseGoalChange,
  parseGoalKey,
  setGoal,
  unsetGoal,
} from '../../../src/services/goals';
import { goalsMessage } from '../../../src/slack/blocks/goals';
import type { Subcommand } from './types';

export const GOAL_SET = (what: string) =>
  `Goal updated: ${what}. \`/smx metrics\` measures against it from now on.`;
export const GOAL_UNSET = (what: string) =>
  `Goal removed: ${what} is back to its default (see \`/smx goals\`).`;

export const goals: Subcommand = {
  name: 'goals',
  summary:
    'Show the goals; approvers change one with `set` (feedback-rate, cadence <target>, response-time) or return it to its default with `unset`.',
  example: '/smx goals set cadence facebook 1-2/week',
  async run({ ctx, args, command, respond, client }) {
    const unset = /^unset\b\s*([\s\S]*)$/i.exec(args);
    if (unset) {
      const key = parseGoalKey(unset[1] ?? '');
      if (!(await isApprover(ctx, client, command.user_id))) {
        throw new SmxError('NOT_ALLOWED', GOAL_MESSAGES.notApprover);
      }
      const removed = await unsetGoal(key, command.user_id, ctx.now());
      ctx.logger.info({ event: 'goal_unset', goal: key, removed }, 'goal unset');
      await respond({
        response_type: 'ephemeral',
        text: removed ? GOAL_UNSET(describeGoalKey(key)) : GOAL_MESSAGES.notSet(describeGoalKey(key)),
      });
      return;
    }
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
