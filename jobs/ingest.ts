import { INGEST_RUN_BOUND_MS, runIngest } from '../src/services/ingest';
import type { Job } from './types';

/** Fetches new reviews and mentions from every configured source (SMX_INGEST_CRON, default every 15 minutes). */
export const ingestJob: Job = {
  name: 'ingest',
  schedule: (config) => config.ingestCron,
  // The same bound its running-marker announces, so a digest waiting for it waits no longer than the run may take.
  budgetMs: INGEST_RUN_BOUND_MS,
  async run({ ctx }) {
    await runIngest(ctx);
  },
};
