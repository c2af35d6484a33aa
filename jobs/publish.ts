import { publishDue } from '../src/services/publisher';
import type { Job } from './types';

/** Publishes approved posts that are due (SMX_PUBLISH_CRON, default every minute); exactly once per target. */
export const publishJob: Job = {
  name: 'publish',
  schedule: (config) => config.posts.publishCron,
  // The default schedule ticks every minute: a hung call must not make the next due post wait for it.
  budgetMs: 50_000,
  async run({ ctx, client }) {
    const summary = await publishDue(ctx, client);
    if (summary.published + summary.failed + summary.needsCheck > 0) {
      ctx.logger.info({ job: 'publish', ...summary }, 'publisher tick');
    }
  },
};
