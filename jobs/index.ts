import type { WebClient } from '@slack/web-api';
import { type ScheduledTask, schedule } from 'node-cron';
import type { SmxContext } from '../src/context';
import { digestJob } from './digest';
import { ingestJob } from './ingest';
import { publishJob } from './publish';
import { reportJob } from './report';
import { snapshotJob } from './snapshot';
import type { Job } from './types';

/** Every scheduled job. Adding one = one file + one line here. */
export const jobs: readonly Job[] = [ingestJob, digestJob, publishJob, snapshotJob, reportJob];

/** Schedules every job in the hospital's time zone; a run that overruns its tick is not started twice. */
export function startJobs(
  ctx: SmxContext,
  client: WebClient,
  list: readonly Job[] = jobs,
): () => Promise<void> {
  const tasks: ScheduledTask[] = list.map((job) =>
    schedule(
      job.schedule(ctx.config),
      async () => {
        const log = ctx.logger.child({ job: job.name });
        const started = Date.now();
        try {
          await job.run({ ctx, client });
          log.debug({ ms: Date.now() - started }, 'job finished');
        } catch (err) {
          // A failed run is retried at its next tick; the error is logged with the job's name, never swallowed.
          log.error({ err, ms: Date.now() - started }, 'job failed');
        }
      },
      { timezone: ctx.config.timezone, noOverlap: true, name: job.name },
    ),
  );
  ctx.logger.info({ jobs: list.map((j) => `${j.name} (${j.schedule(ctx.config)})`) }, 'jobs scheduled');
  return async () => {
    for (const t of tasks) await t.destroy();
  };
}
