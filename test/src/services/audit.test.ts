/**
 * The audit trail by exact `_id` (models/audit.ts): numbered records per entity, concurrent writers never lose or
 * share a number, and records from before the numbered ids are moved once, keeping their order.
 */
import mongoose from 'mongoose';
import { Audit } from '../../../models/audit';
import { Claim } from '../../../models/claim';
import {
  AUDIT_IDS_MIGRATION,
  audit,
  histories,
  history,
  migrateAuditIds,
  resetAuditMigrationCheck,
} from '../../../src/services/audit';
import { useTestDatabase } from '../../support/db';

const T0 = new Date('2026-11-20T10:00:00Z');
const at = (min: number) => new Date(T0.getTime() + min * 60_000);

describe('audit trail', () => {
  useTestDatabase();

  test('records from before are moved once, in order, after which history reads only numbered ids', async () => {
    const legacy = [3, 1, 2].map((m) => ({
      _id: new mongoose.Types.ObjectId(),
      entity: 'post',
      entityId: 'PLEG01',
      action: `step ${m}`,
      actor: 'U1',
      at: at(m),
    }));
    await Audit.collection.insertMany([
      ...legacy,
      {
        _id: new mongoose.Types.ObjectId(),
        entity: 'review',
        entityId: 'r1',
        action: 'assigned',
        actor: 'U2',
        at: at(5),
      },
    ] as never[]);
    // A record written after the upgrade but before the migration ran.
    await audit({ entity: 'post', entityId: 'PLEG01', action: 'step 4', actor: 'U1', at: at(4) });

    const rows = await history('post', 'PLEG01');
    expect(rows.map((r) => r.action)).toEqual(['step 1', 'step 2', 'step 3', 'step 4']);
    expect(rows.map((r) => r._id).sort()).toEqual([
      'a:post:PLEG01:1',
      'a:post:PLEG01:2',
      'a:post:PLEG01:3',
      'a:post:PLEG01:4',
    ]);
    expect(await Claim.findById(AUDIT_IDS_MIGRATION).lean()).toBeTruthy();
    const all = await Audit.find({}).lean();
    expect(all.every((r) => typeof r._id === 'string' && r._id.startsWith('a:'))).toBe(true);
    expect(all).toHaveLength(5);
    // A run cut short after copying a record but before removing the original: the next run only removes it.
    const cut = {
      _id: new mongoose.Types.ObjectId(),
      entity: 'post',
      entityId: 'PLEG01',
      action: 'step 5',
      actor: 'U1',
      at: at(6),
    };
    await Audit.collection.insertMany([
      cut,
      { ...cut, _id: 'a:post:PLEG01:5', legacyId: String(cut._id) },
    ] as never[]);
    await Claim.deleteOne({ _id: AUDIT_IDS_MIGRATION });
    resetAuditMigrationCheck();
    expect(await migrateAuditIds()).toBe(0);
    expect(await Audit.countDocuments({})).toBe(6);
    expect((await history('post', 'PLEG01')).map((r) => r.action)).toEqual([
      'step 1',
      'step 2',
      'step 3',
      'step 4',
      'step 5',
    ]);
    expect((await histories([{ entity: 'review', entityId: 'r1' }])).map((r) => r.action)).toEqual([
      'assigned',
    ]);
  });

  test('two migrations at once (two requests, or another instance) copy each old record once', async () => {
    const old = (i: number) => ({
      _id: new mongoose.Types.ObjectId(),
      entity: 'post',
      entityId: 'PMIG01',
      action: `old ${i}`,
      actor: 'U1',
      at: at(10 + i),
    });
    await Audit.collection.insertMany([old(1), old(2), old(3)] as never[]);
    await Claim.deleteOne({ _id: AUDIT_IDS_MIGRATION });
    resetAuditMigrationCheck();
    // Two requests in this process share one run (both hear how many it moved).
    const [a, b] = await Promise.all([migrateAuditIds(), migrateAuditIds()]);
    expect([a, b]).toEqual([3, 3]);
    expect((await history('post', 'PMIG01')).map((r) => r.action)).toEqual(['old 1', 'old 2', 'old 3']);
    expect(await Audit.countDocuments({ entityId: 'PMIG01' })).toBe(3);
    // Another instance's run in progress (its lease not expired): this one leaves the records to it.
    await Audit.collection.insertMany([old(4)] as never[]);
    await Claim.deleteOne({ _id: AUDIT_IDS_MIGRATION });
    resetAuditMigrationCheck();
    const now = new Date();
    await Claim.create({
      _id: 'migration:audit-ids:running',
      owner: 'other',
      claimedAt: now,
      until: new Date(now.getTime() + 60_000),
    });
    expect(await migrateAuditIds(now)).toBe(0);
    expect(await Audit.countDocuments({ entityId: 'PMIG01' })).toBe(4);
    // That run died: once its lease ran out, the next run takes over and finishes.
    expect(await migrateAuditIds(new Date(now.getTime() + 120_000))).toBe(1);
    expect((await history('post', 'PMIG01')).map((r) => r.action)).toEqual([
      'old 1',
      'old 2',
      'old 3',
      'old 4',
    ]);
  });

  test('twelve concurrent writers on one record get twelve numbers, none lost', async () => {
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        audit({ entity: 'post', entityId: 'PRACE1', action: `click ${i}`, actor: `U${i}`, at: at(i) }),
      ),
    );
    const rows = await history('post', 'PRACE1');
    expect(rows).toHaveLength(12);
    expect(new Set(rows.map((r) => r.action)).size).toBe(12);
    expect(rows.map((r) => r.action)).toEqual(Array.from({ length: 12 }, (_, i) => `click ${i}`));
  });
});
