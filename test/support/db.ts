/**
 * Every test file works in a database of its own on the run's server, dropped afterwards.
 * Call `useTestDatabase()` at the top of a describe block.
 */
import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { connectUri, type Database, type DatabaseKind } from '../../src/db';

export function testDbUri(): string {
  const uri = process.env.SMX_TEST_MONGODB_URI;
  if (!uri) throw new Error('SMX_TEST_MONGODB_URI is not set: run the tests through jest (npm test)');
  return uri;
}

export function testDbKind(): DatabaseKind {
  return process.env.SMX_TEST_DB_KIND === 'mongodb' ? 'mongodb' : 'ferretdb';
}

export async function connectTestDatabase(): Promise<Database> {
  const name = `smx_test_${randomBytes(5).toString('hex')}`;
  return connectUri(testDbUri(), testDbKind(), name, name);
}

export async function dropAndClose(db: Database): Promise<void> {
  if (mongoose.connection.readyState === mongoose.ConnectionStates.connected) {
    await mongoose.connection.dropDatabase();
  }
  await db.close();
}

/** Registers beforeAll/afterAll; the returned getter gives the connected database inside tests. */
export function useTestDatabase(): () => Database {
  let db: Database | undefined;
  beforeAll(async () => {
    db = await connectTestDatabase();
  });
  afterAll(async () => {
    if (db) await dropAndClose(db);
  });
  return () => {
    if (!db) throw new Error('test database not connected yet');
    return db;
  };
}
