import { forgetSettledDecisions } from '../src/services/decision-retention';
import type { Job } from './types';

/**
 * Daily: removes decision records older than SMX_DECISION_RETENTION_DAYS whose post is settled for good
 * (src/services/decision-retention.ts); a job, not a TTL index, which not every supported database has.
 */
export const forgetDecisionsJob: Job = {
  name: 'forget-decisions',
  schedule: () => '17 3 * * *',
  async run({ ctx }) {
    const summary = await forgetSettledDecisions(ctx);
    if (summary.removed > 0)
      ctx.logger.info({ job: 'forget-decisions', ...summary }, 'old decisions removed');
  },
};
