import { runDigest } from '../src/services/digest';
import type { Job } from './types';

/** The daily reviews digest (SMX_DIGEST_CRON): one per channel per local day, exactly once across instances. */
export const digestJob: Job = {
  name: 'digest',
  schedule: (config) => config.digest.cron,
  catchUp: 'day',
  async run({ ctx, client }) {
    await runDigest(ctx, client);
  },
};
