import { postPlanNudge } from '../src/services/plan';
import { planNudgeMessage } from '../src/slack/blocks/plan';
import type { Job } from './types';

/** Weekly (SMX_PLAN_CRON, by default with the weekly report): short weeks ahead, to the approvals channel. */
export const planNudgeJob: Job = {
  name: 'plan-nudge',
  schedule: (config) => config.plan.nudgeCron,
  async run({ ctx, client }) {
    await postPlanNudge(ctx, client, planNudgeMessage);
  },
};
