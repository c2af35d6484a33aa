/** Entry point: build the app, register listeners, start jobs, start. Nothing else. */
import { startJobs } from '../jobs';
import { createSmxApp } from './app';
import { readConfigOrExit } from './config';
import { connectDatabase } from './db';
import { createLogger } from './logger';
import { newOwnerId } from './services/claims';

async function main(): Promise<void> {
  const config = readConfigOrExit();
  const logger = createLogger(config);
  const db = await connectDatabase(config, logger);
  const smx = createSmxApp({ config, logger, db, now: () => new Date(), instanceId: newOwnerId() });
  const stopJobs = startJobs(smx.ctx, smx.app.client);
  await smx.start();

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
  process.stderr.write(`smx could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
