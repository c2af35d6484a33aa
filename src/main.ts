/** Entry point: build the app, register listeners, start jobs, start. Nothing else. */
import { startJobs } from '../jobs';
import { createSmxApp, StartupError } from './app';
import { readConfigOrExit } from './config';
import { connectDatabase } from './db';
import { createLogger } from './logger';
import { warnAboutChannels } from './services/channel-check';
import { newOwnerId } from './services/claims';

async function main(): Promise<void> {
  const config = readConfigOrExit();
  const logger = createLogger(config);
  const db = await connectDatabase(config, logger);
  const smx = createSmxApp({ config, logger, db, now: () => new Date(), instanceId: newOwnerId() });
  try {
    await smx.start();
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
  await warnAboutChannels(smx.app.client, config, logger);
  const stopJobs = startJobs(smx.ctx, smx.app.client);

  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'smx is stopping');
    await stopJobs();
    await smx.stop();
    await db.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(
    err instanceof StartupError ? `smx can't start: ${message}\n` : `smx could not start: ${message}\n`,
  );
  process.exit(1);
});
