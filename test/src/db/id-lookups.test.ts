/**
 * Lookups by `_id` use the `_id` index on the database the tests run on. On FerretDB this is what
 * scripts/ferretdb/build.sh patches: v1.24.2 as released reads the whole SQLite table for every find, update and
 * delete by `_id`, because its query expression differs from its index expression. The plan is asked with
 * `explain`, so the test fails on an unpatched binary whatever the machine's speed.
 */
import mongoose, { Types } from 'mongoose';
import { testDbKind, useTestDatabase } from '../../support/db';

useTestDatabase();

async function plan(collection: string, id: unknown): Promise<string> {
  const db = mongoose.connection.db;
  if (!db) throw new Error('not connected');
  const out = await db.command({
    explain: { find: collection, filter: { _id: id } },
    verbosity: 'queryPlanner',
  });
  return JSON.stringify(out.queryPlanner ?? out);
}

/** FerretDB reports SQLite's plan ("SEARCH … USING INDEX" vs "SCAN"); MongoDB an `_id` fast path or an IXSCAN. */
function usesIndex(p: string): boolean {
  return testDbKind() === 'ferretdb'
    ? /USING INDEX/.test(p) && !/detail=SCAN/.test(p)
    : /IDHACK|EXPRESS|IXSCAN/.test(p);
}

describe('lookups by _id', () => {
  const oid = new Types.ObjectId();

  beforeAll(async () => {
    const db = mongoose.connection.db;
    if (!db) throw new Error('not connected');
    await db
      .collection('ids_object')
      .insertMany(
        Array.from({ length: 200 }, (_, i) => ({ _id: i === 199 ? oid : new Types.ObjectId(), n: i })),
      );
    await db
      .collection('ids_string')
      .insertMany(Array.from({ length: 200 }, (_, i) => ({ _id: `k${i}`, n: i })) as never[]);
  });

  it('finds an ObjectId _id through the index, and the document is the right one', async () => {
    expect(usesIndex(await plan('ids_object', oid))).toBe(true);
    const found = await mongoose.connection.db?.collection('ids_object').findOne({ _id: oid });
    expect(found?.n).toBe(199);
  });

  it('finds a string _id through the index', async () => {
    expect(usesIndex(await plan('ids_string', 'k150'))).toBe(true);
    const found = await mongoose.connection.db?.collection('ids_string').findOne({ _id: 'k150' } as never);
    expect(found?.n).toBe(150);
  });

  it('updates and deletes by _id touch exactly that document', async () => {
    const c = mongoose.connection.db?.collection('ids_string');
    if (!c) throw new Error('not connected');
    const u = await c.updateOne({ _id: 'k7' } as never, { $set: { seen: true } });
    expect(u.matchedCount).toBe(1);
    expect(await c.countDocuments({ seen: true })).toBe(1);
    const d = await c.deleteMany({ _id: { $in: ['k8', 'k9', 'nope'] } } as never);
    expect(d.deletedCount).toBe(2);
    expect(await c.countDocuments({})).toBe(198);
  });

  it('a scan is reported as a scan (the check above can fail)', async () => {
    const db = mongoose.connection.db;
    if (!db) throw new Error('not connected');
    const out = await db.command({
      explain: { find: 'ids_string', filter: { n: 3 } },
      verbosity: 'queryPlanner',
    });
    expect(usesIndex(JSON.stringify(out.queryPlanner ?? out))).toBe(false);
  });
});
