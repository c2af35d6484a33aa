/** An SmxContext for ingest tests (no Slack needed) and a retry policy that records waits instead of sleeping. */
import pino from 'pino';
import { loadConfig } from '../../src/config';
import type { SmxContext } from '../../src/context';
import type { Database } from '../../src/db';
import { newOwnerId } from '../../src/services/claims';

export function ingestContext(db: Database, env: Record<string, string>, now = () => new Date()): SmxContext {
  const r = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-test',
    SLACK_SIGNING_SECRET: 'test',
    SMX_TIMEZONE: 'Asia/Kolkata',
    ...env,
  });
  if (!r.ok) throw new Error(r.problems.join('; '));
  return {
    config: r.config,
    logger: pino({ level: process.env.SMX_TEST_LOG_LEVEL ?? 'silent' }),
    db,
    now,
    instanceId: newOwnerId('test'),
  };
}

/** Waits the adapters asked for, recorded instead of slept: tests check Retry-After was honoured, not the clock. */
export function recordedSleep() {
  const waits: number[] = [];
  return {
    waits,
    retry: {
      sleep: async (ms: number) => {
        waits.push(ms);
      },
    },
  };
}
