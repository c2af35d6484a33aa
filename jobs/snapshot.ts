import { takeAudienceSnapshots } from '../src/services/snapshots';
import type { Job } from './types';

/** Daily (SMX_SNAPSHOT_CRON, default 23:50 local): page likes/followers for the audience figures. */
export const snapshotJob: Job = {
  name: 'audience-snapshot',
  schedule: (config) => config.metrics.snapshotCron,
  async run({ ctx }) {
    await takeAudienceSnapshots(ctx);
  },
};
