import { buildPlan, parsePlanArgs } from '../../../src/services/plan';
import { planMessage } from '../../../src/slack/blocks/plan';
import type { Subcommand } from './types';

/** `/smx plan [weeks]`: the coming weeks per target against the cadence goal, with Fill from canned. */
export const plan: Subcommand = {
  name: 'plan',
  summary: 'The next weeks per target against the cadence goal; short weeks get a Fill from canned button.',
  example: '/smx plan 4',
  async run({ ctx, args, respond }) {
    const weeks = parsePlanArgs(args);
    const p = await buildPlan(ctx, weeks);
    await respond({ response_type: 'ephemeral', ...planMessage(p) });
  },
};
