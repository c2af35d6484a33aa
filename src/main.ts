/** Entry point: build the app, register listeners, start jobs, start. Nothing else. */
import { readConfigOrExit } from './config';
import { connectDatabase } from './db';
import { StartupError } from './errors';
import { Lifecycle } from './lifecycle';
import { createLogger } from './logger';

async function main(): Promise<void> {
  const config = readConfigOrExit();
  const logger = createLogger(config);
  // The embedded database (a child process) starts while the app's modules load: a warm start pays for the
  // slower of the two, not both.
  const starting = connectDatabase(config, logger);
  starting.catch(() => undefined);
  await new Promise((resolve) => setImmediate(resolve));
  // require, not import(): tsc turns import() into require for `npm start`, but under tsx's CommonJS hook
  // (`node --require tsx/cjs`, used by tests) import() takes Node's ESM resolver, which cannot find extensionless
  // TypeScript modules. The database child process is already starting while these load.
  const { createSmxApp } = require('./app') as typeof import('./app');
  const { startJobs } = require('../jobs') as typeof import('../jobs');
  const { warnAboutChannels } =
    require('./services/channel-check') as typeof import('./services/channel-check');
  const { newOwnerId } = require('./services/claims') as typeof import('./services/claims');
  const { outboxSettled } = require('./services/slack-outbox') as typeof import('./services/slack-outbox');
  const db = await starting;
  const lifecycle = new Lifecycle();
  const smx = createSmxApp({
    config,
    logger,
    db,
    now: () => new Date(),
    instanceId: newOwnerId(),
    lifecycle,
  });
  try {
    await smx.start();
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
  await warnAboutChannels(smx.app.client, config, logger);
  const stopJobs = startJobs(smx.ctx, smx.app.client);

  // Stop taking work, let in-flight publishes, digests and replies finish within the grace period, then exit 0.
  // What is still running at the deadline records itself, so the next start never resends blindly.
  const shutdown = async (signal: string) => {
    const started = Date.now();
    logger.info({ signal, graceMs: config.shutdownGraceMs }, 'smx is stopping');
    lifecycle.stopping = true;
    const finished = await lifecycle.drain(config.shutdownGraceMs, [stopJobs(), smx.stop()]);
    if (!finished) {
      const abandoned = await lifecycle.abandon();
      logger.warn({ abandoned }, 'grace period over: in-flight work recorded as interrupted');
    }
    // The Slack notifications just queued (a publish result, an interrupted publish) get a moment to go out; what
    // does not is stored and sent by the next start.
    await outboxSettled(OUTBOX_FLUSH_MS);
    await db.close().catch((err: unknown) => logger.error({ err }, 'database did not close cleanly'));
    logger.info({ signal, ms: Date.now() - started, finished }, 'smx stopped');
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

/** How long a stopping smx waits for queued Slack notifications after its work is done or abandoned. */
const OUTBOX_FLUSH_MS = 3_000;

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(
    err instanceof StartupError ? `smx can't start: ${message}\n` : `smx could not start: ${message}\n`,
  );
  process.exit(1);
});
