import { postWeeklyReport } from '../src/services/report';
import type { Job } from './types';

/** Monday morning (SMX_REPORT_CRON): last week's metrics and charts in the digest channel, once per week. */
export const reportJob: Job = {
  name: 'metrics-report',
  schedule: (config) => config.metrics.reportCron,
  catchUp: 'week',
  async run({ ctx, client }) {
    await postWeeklyReport(ctx, client);
  },
};
