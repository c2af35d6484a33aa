import type { WebClient } from '@slack/web-api';
import type { Config } from '../src/config';
import type { SmxContext } from '../src/context';

export interface JobDeps {
  ctx: SmxContext;
  client: WebClient;
}

/** A scheduled job: a plain async function plus its schedule (a cron expression from config). */
export interface Job {
  name: string;
  schedule(config: Config): string;
  run(deps: JobDeps): Promise<void>;
  /**
   * Runs once at start-up when its scheduled time passed earlier today ('day') or this ISO week ('week') — a
   * digest or report missed while smx was down. The job's own exactly-once claim keeps it to one post. 'start':
   * runs once at every start-up (work left over by the previous process).
   */
  catchUp?: 'day' | 'week' | 'start';
  /** How long a run may hold the next tick back (default DEFAULT_RUN_BUDGET_MS in jobs/index.ts). */
  budgetMs?: number;
  /** Optional work once at start-up, in the background (e.g. a migration); failures are logged like a run's. */
  onStart?(deps: JobDeps): Promise<void>;
}
