/**
 * The database goes away while smx runs: /healthz says down, commands say so in the user's terms, and smx
 * recovers by itself when the database returns. Uses a FerretDB of its own so it can be stopped.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import pino from 'pino';
import { Claim } from '../../models/claim';
import { connectUri, type Database } from '../../src/db';
import { ensureFerretdbBinary, type RunningFerretdb, startFerretdb } from '../../src/db/ferretdb';
import { MESSAGES } from '../../src/errors';
import { startTestApp, type TestApp, visibleText } from '../support/app';

const logger = pino({ level: 'silent' });

describe('when the database is unreachable', () => {
  let dir: string;
  let server: RunningFerretdb;
  let db: Database;
  let t: TestApp;
  let bin: string;

  beforeAll(async () => {
    bin = await ensureFerretdbBinary(logger);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smx-outage-'));
    server = await startFerretdb(bin, dir, logger);
    db = await connectUri(server.uri, 'ferretdb', dir, 'smx');
    t = await startTestApp({ db });
  });
  afterAll(async () => {
    await t.stop();
    await db.close();
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('health goes down, users are told, and everything recovers when it returns', async () => {
    await Claim.create({ _id: 'kept', owner: 'test', claimedAt: new Date() });
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);

    await server.stop();

    const down = await fetch(`${t.url}/healthz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ status: 'degraded', db: 'down', slack: 'ok', failing: ['db'] });

    const { status, responses } = await t.command('status');
    expect(status).toBe(200);
    expect(visibleText(responses[0]?.body)).toContain("smx can't reach its database right now");

    // A write while the database is away fails with the database error, which users see as MESSAGES.dbUnavailable.
    const { toUserFacing } = await import('../../src/errors');
    const err = await Claim.create({ _id: 'lost', owner: 'test', claimedAt: new Date() }).catch(
      (e: unknown) => e,
    );
    expect(toUserFacing(err).message).toBe(MESSAGES.dbUnavailable);

    // Same address, same data directory: the driver reconnects by itself.
    server = await startFerretdb(bin, dir, logger, { listenAddr: server.address });
    let lastStatus = 0;
    const deadline = Date.now() + 45000;
    while (lastStatus !== 200 && Date.now() < deadline) {
      lastStatus = (await fetch(`${t.url}/healthz`)).status;
      if (lastStatus !== 200) await new Promise((r) => setTimeout(r, 250));
    }
    expect(lastStatus).toBe(200);
    expect(mongoose.connection.readyState).toBe(mongoose.ConnectionStates.connected);
    expect(await Claim.findById('kept').lean()).toMatchObject({ owner: 'test' });
  });
});
