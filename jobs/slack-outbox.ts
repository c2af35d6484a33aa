import { deliverDueOutbox } from '../src/services/slack-outbox';
import type { Job } from './types';

/**
 * Re-sends the Slack notifications that did not get through (src/services/slack-outbox.ts) — after a failure's
 * backoff, after their sender died, and so after a restart — and forgets those delivered a day ago.
 */
export const slackOutboxJob: Job = {
  name: 'slack-outbox',
  schedule: () => '* * * * *',
  budgetMs: 50_000,
  // What the previous process queued and did not deliver goes out at once, not a minute later.
  catchUp: 'start',
  async run({ ctx, client }) {
    const counts = await deliverDueOutbox(ctx, client);
    if (counts.delivered + counts.retry + counts.gave_up > 0) {
      ctx.logger.info({ job: 'slack-outbox', ...counts }, 'Slack outbox retried');
    }
  },
};
