import { runIngest } from '../src/services/ingest';
import type { Job } from './types';

/** Fetches new reviews and mentions from every configured source (SMX_INGEST_CRON, default every 15 minutes). */
export const ingestJob: Job = {
  name: 'ingest',
  schedule: (config) => config.ingestCron,
  async run({ ctx }) {
    await runIngest(ctx);
  },
};
