import type { WebClient } from '@slack/web-api';
import { DateTime } from 'luxon';
import { createTask, parse as parseCron, type ScheduledTask, schedule } from 'node-cron';
import type { SmxContext } from '../src/context';
import { digestJob } from './digest';
import { expireRequestsJob } from './expire-requests';
import { forgetDecisionsJob } from './forget-decisions';
import { ingestJob } from './ingest';
import { planNudgeJob } from './plan-nudge';
import { publishJob } from './publish';
import { reportJob } from './report';
import { rollupCompactJob, rollupJob } from './rollups';
import { slackOutboxJob } from './slack-outbox';
import { snapshotJob } from './snapshot';
import type { Job, JobDeps } from './types';

/** Every scheduled job. Adding one = one file + one line here. */
export const jobs: readonly Job[] = [
  ingestJob,
  digestJob,
  publishJob,
  snapshotJob,
  reportJob,
  planNudgeJob,
  expireRequestsJob,
  slackOutboxJob,
  forgetDecisionsJob,
  rollupJob,
  rollupCompactJob,
];

/**
 * The latest time `cron` fired (in `timezone`) between the start of today (or of this ISO week) and `now`, to the
 * minute; undefined when it has not fired yet in that period.
 */
export function lastScheduledRun(
  cron: string,
  timezone: string,
  now: Date,
  period: 'day' | 'week',
): Date | undefined {
  const fields = parseCron(cron);
  const task = createTask(cron, () => undefined, { timezone });
  try {
    const local = DateTime.fromJSDate(now, { zone: timezone });
    const start = local.startOf(period === 'day' ? 'day' : 'week');
    let latest: DateTime | undefined;
    // Only the hours and minutes the expression names are candidates (a handful for a daily or weekly job).
    for (let day = start; day <= local; day = day.plus({ days: 1 })) {
      for (const hour of fields.hour) {
        for (const minute of fields.minute) {
          const at = day.set({ hour, minute, second: 0, millisecond: 0 });
          if (at < start || at > local || (latest && at <= latest)) continue;
          if (task.match(at.toJSDate())) latest = at;
        }
      }
    }
    return latest?.toJSDate();
  } finally {
    void task.destroy();
  }
}

/** Start-up: each catch-up job whose time passed today (this week) runs once now; its claim prevents a repeat. */
export async function catchUpMissedRuns(
  ctx: SmxContext,
  client: WebClient,
  list: readonly Job[] = jobs,
): Promise<string[]> {
  const ran: string[] = [];
  for (const job of list) {
    if (!job.catchUp) continue;
    const due =
      job.catchUp === 'start'
        ? ctx.now()
        : lastScheduledRun(job.schedule(ctx.config), ctx.config.timezone, ctx.now(), job.catchUp);
    if (!due) continue;
    const log = ctx.logger.child({ job: job.name, due });
    try {
      await runBounded(job, { ctx, client });
      ran.push(job.name);
      log.info('start-up catch-up ran (posts nothing if it already went out)');
    } catch (err) {
      log.error({ err }, 'start-up catch-up failed; the next scheduled run retries');
    }
  }
  return ran;
}

/** A run may take this long (unless its job says otherwise) before the next tick is allowed to start. */
export const DEFAULT_RUN_BUDGET_MS = 10 * 60_000;

/**
 * Runs a job, waiting at most its budget. A run past it (one hung outside call) is left to finish in the background
 * and logged, so it cannot hold the job past its next tick; the work itself is exactly-once by its claims, so a next
 * run beside a straggler does nothing twice.
 */
export async function runBounded(job: Job, deps: JobDeps): Promise<'done' | 'overran'> {
  const log = deps.ctx.logger.child({ job: job.name });
  const budgetMs = job.budgetMs ?? DEFAULT_RUN_BUDGET_MS;
  const run = job.run(deps);
  let timer: NodeJS.Timeout | undefined;
  const overran = new Promise<'overran'>((resolve) => {
    timer = setTimeout(() => resolve('overran'), budgetMs);
  });
  try {
    const outcome = await Promise.race([run.then(() => 'done' as const), overran]);
    if (outcome === 'overran') {
      log.error(
        { budgetMs },
        'job run overran its budget; it goes on in the background and the next tick starts',
      );
      run.then(
        () => log.warn('overrunning job run finished'),
        (err: unknown) => log.error({ err }, 'overrunning job run failed'),
      );
    }
    return outcome;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Schedules every job in the hospital's time zone; a run that overruns its tick is not started twice. Runs are
 * tracked by the lifecycle (when there is one) so a shutdown waits for them; once stopping, no run starts.
 */
export function startJobs(
  ctx: SmxContext,
  client: WebClient,
  list: readonly Job[] = jobs,
): () => Promise<void> {
  const tasks: ScheduledTask[] = list.map((job) =>
    schedule(
      job.schedule(ctx.config),
      async () => {
        if (ctx.lifecycle?.stopping) return;
        const log = ctx.logger.child({ job: job.name });
        const started = Date.now();
        try {
          const run = runBounded(job, { ctx, client });
          await (ctx.lifecycle ? ctx.lifecycle.track(run) : run);
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
  const catchUp = catchUpMissedRuns(ctx, client, list);
  const catchingUp = ctx.lifecycle ? ctx.lifecycle.track(catchUp) : catchUp;
  for (const job of list) {
    job.onStart?.({ ctx, client }).catch((err: unknown) => {
      ctx.logger.error({ err, job: job.name }, 'job start-up work failed');
    });
  }
  return async () => {
    for (const t of tasks) await t.destroy();
    await catchingUp;
  };
}
