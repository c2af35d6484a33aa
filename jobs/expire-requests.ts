import { expireSeenRequests } from '../src/http/slack-guard';
import type { Job } from './types';

/**
 * Forgets the Slack requests seen more than 10 minutes ago (twice the window in which Slack may deliver one again);
 * a job, not a TTL index, which not every supported database has (mongo-subset.md).
 */
export const expireRequestsJob: Job = {
  name: 'expire-requests',
  schedule: () => '*/10 * * * *',
  async run({ ctx }) {
    // Real time, not ctx.now(): Slack signs requests with the real clock, and the guard records them by it.
    const removed = await expireSeenRequests(new Date());
    if (removed > 0) ctx.logger.debug({ job: 'expire-requests', removed }, 'old request records removed');
  },
};
