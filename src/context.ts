import type { Config } from './config';
import type { Database } from './db';
import type { Lifecycle } from './lifecycle';
import type { Logger } from './logger';
import type { HealthMonitor } from './services/health';

/** What every listener, job and service may use. Built once at start-up (or per test) and passed down. */
export interface SmxContext {
  config: Config;
  logger: Logger;
  db: Database;
  /** The clock: injectable so tests can pin "now". */
  now: () => Date;
  /** Identifies this app instance in exactly-once claims. */
  instanceId: string;
  /** Slack auth and Socket Mode connection state; set by createSmxApp (tools without Slack have none). */
  health?: HealthMonitor;
  /** Set in the running process (main.ts): shutdown state and in-flight work. Absent in most tests. */
  lifecycle?: Lifecycle;
}
