import { Review } from '../models/review';
import { Rollup } from '../models/rollup';
import { repairRollups } from '../src/services/rollup-repair';
import type { Job } from './types';

/**
 * Daily (SMX_ROLLUP_CRON, default 03:30 local): rebuilds the daily roll-ups and the review desk from the archive
 * where they disagree, and merges each day's contributions into one document (services/rollup-repair.ts).
 */
export const rollupJob: Job = {
  name: 'rollup-repair',
  schedule: (config) => config.metrics.rollupCron,
  async run({ ctx }) {
    const result = await repairRollups(ctx);
    ctx.logger.info({ job: 'rollup-repair', ...result }, 'roll-ups repaired');
  },
  /** A database from before the roll-ups (reviews but no roll-ups yet): build them now rather than at 03:30. */
  async onStart({ ctx }) {
    if ((await Rollup.findOne({}).lean()) || !(await Review.findOne({}).lean())) return;
    const result = await repairRollups(ctx);
    ctx.logger.info({ job: 'rollup-repair', ...result }, 'roll-ups built for existing reviews');
  },
};
