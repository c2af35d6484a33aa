import { createTask } from 'node-cron';
import { reviewSources } from '../src/adapters/sources';
import { DEFAULT_INGEST_WAIT, runDigest } from '../src/services/digest';
import { INGEST_RUN_BOUND_MS } from '../src/services/ingest';
import type { Job } from './types';

/** Whether `cron` fires at any second of the minute `now` falls in (in `timezone`). */
export function firesInMinute(cron: string, timezone: string, now: Date): boolean {
  const task = createTask(cron, () => undefined, { timezone });
  try {
    const minute = Math.floor(now.getTime() / 60_000) * 60_000;
    for (let s = 0; s < 60; s++) if (task.match(new Date(minute + s * 1000))) return true;
    return false;
  } finally {
    void task.destroy();
  }
}

/** The daily reviews digest (SMX_DIGEST_CRON): one per channel per local day, exactly once across instances. */
export const digestJob: Job = {
  name: 'digest',
  schedule: (config) => config.digest.cron,
  catchUp: 'day',
  // It may wait for an ingest in progress (at most that ingest's bound) before its own work.
  budgetMs: INGEST_RUN_BOUND_MS + 10 * 60_000,
  async run({ ctx, client }) {
    // An ingest due in the same minute (08:00 with an ingest every 15 minutes) may fire a moment after the digest.
    const expectIngest =
      reviewSources.some((s) => s.enabled(ctx.config)) &&
      firesInMinute(ctx.config.ingestCron, ctx.config.timezone, ctx.now());
    await runDigest(ctx, client, { ...DEFAULT_INGEST_WAIT, expectIngest });
  },
};
