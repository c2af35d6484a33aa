/**
 * The roll-up contributions of a big write (an import, a source's history): summed per key over the write's batches
 * and inserted as one delta per key (rollups.ts ContributionBuffer), deleted after folding by their flush's tag
 * (rollup-compact.ts deleteDeltas), with the figures equal to the archive's — also after a crash that loses what a
 * writer held, which the repair puts back and which never counts twice.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Claim } from '../../../models/claim';
import { DigestInbox } from '../../../models/digest-inbox';
import { Review } from '../../../models/review';
import { ReviewDesk } from '../../../models/review-desk';
import { RollupDelta, RollupDoc, RollupMark, TOTALS_ID } from '../../../models/rollup';
import { importFile } from '../../../src/services/import';
import { BATCH_SIZE, type IncomingReview, storeItems } from '../../../src/services/review-store';
import { compactRollups, deleteDeltas } from '../../../src/services/rollup-compact';
import { repairRollups } from '../../../src/services/rollup-repair';
import {
  ContributionBuffer,
  type DeltaRow,
  keyOf,
  loadRollups,
  metricDay,
  storedCount,
} from '../../../src/services/rollups';
import { useTestDatabase } from '../../support/db';

const TZ = 'Asia/Kolkata';
const NOW = new Date('2026-11-24T12:00:00Z');
const DAY = 24 * 3600_000;
const ctx = { now: () => NOW, config: { timezone: TZ }, instanceId: 'import-test' };

/** `n` items over `days` days and two facilities: 2 × days keys when `days` is odd. */
function items(n: number, days: number, prefix = 'i'): IncomingReview[] {
  return Array.from({ length: n }, (_, i) => ({
    source: 'mouthshut',
    externalId: `${prefix}-${i}`,
    facility: i % 2 === 0 ? 'City Hospital' : 'North Clinic',
    rating: 1 + (i % 5),
    text: 'thanks',
    postedAt: new Date(NOW.getTime() - (1 + (i % days)) * DAY),
  }));
}

/** Per key (day × facility × source): the archive's count and the roll-ups' count. */
async function figures(): Promise<{ archive: Map<string, number>; rollups: Map<string, number> }> {
  const archive = new Map<string, number>();
  for (const r of await Review.find({}).lean()) {
    const k = keyOf('reviews', metricDay(r.postedAt, TZ), r.facility ?? null, r.source);
    archive.set(k, (archive.get(k) ?? 0) + 1);
  }
  const rollups = new Map<string, number>();
  for (const r of await loadRollups(['reviews'], '2000-01-01', '2100-01-01')) {
    const k = keyOf(r.kind, r.day, r.facility, r.key);
    rollups.set(k, (rollups.get(k) ?? 0) + r.n);
  }
  for (const [k, n] of [...rollups]) if (n === 0) rollups.delete(k);
  return { archive, rollups };
}

describe('roll-up contributions of big writes', () => {
  useTestDatabase();
  beforeEach(async () => {
    await Promise.all(
      [Review, RollupDelta, RollupDoc, RollupMark, ReviewDesk, DigestInbox, Claim].map((m) =>
        m.collection.deleteMany({}),
      ),
    );
  });

  test('a store call of many batches writes one delta per key, tagged with its flush', async () => {
    const n = 3 * BATCH_SIZE + 17;
    expect((await storeItems(items(n, 5), ctx)).created).toBe(n);
    const deltas = await RollupDelta.find({}).lean<DeltaRow[]>();
    expect(deltas).toHaveLength(10); // 5 days × 2 facilities, not 4 batches × 10
    expect(new Set(deltas.map((d) => d.batch)).size).toBe(1);
    expect(deltas.every((d) => d.of === 10)).toBe(true);
    expect(deltas.reduce((s, d) => s + d.n, 0)).toBe(n);
    const { archive, rollups } = await figures();
    expect(rollups).toEqual(archive);
  });

  test('what a writer holds is flushed once it is older than the bound, and nothing counts twice', async () => {
    const buffer = new ContributionBuffer(TZ, { maxAgeMs: 0 });
    const n = 2 * BATCH_SIZE;
    await storeItems(items(n, 3), ctx, { rollups: buffer });
    // Flushed after each batch (age bound 0): two flushes of 6 keys; nothing left to flush.
    const deltas = await RollupDelta.find({}).lean<DeltaRow[]>();
    expect(deltas).toHaveLength(12);
    expect(new Set(deltas.map((d) => d.batch)).size).toBe(2);
    expect(await buffer.flush(NOW)).toBe(0);
    expect(await storedCount()).toBe(n);
    // A key bound flushes too.
    const small = new ContributionBuffer(TZ, { maxKeys: 2 });
    await storeItems(items(4, 1, 'k'), ctx, { rollups: small });
    expect(small.size).toBe(0);
    expect(await storedCount()).toBe(n + 4);
  });

  test('an import writes one delta per key for the whole file, folds them and deletes them', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smx-rollups-import-'));
    try {
      const file = path.join(dir, 'history.csv');
      const rows = items(2 * BATCH_SIZE + 300, 41).map(
        (r) => `${r.externalId},${r.rating},thanks,,,${(r.postedAt as Date).toISOString()},${r.facility}`,
      );
      fs.writeFileSync(file, `external_id,rating,text,author,url,posted_at,facility\n${rows.join('\n')}\n`);
      const result = await importFile(file, { source: 'mouthshut', facility: 'City Hospital' }, ctx);
      expect(result.inserted).toBe(rows.length);
      expect(await RollupDelta.countDocuments({})).toBe(0);
      // The totals document lists the deltas folded into it: one per key (41 days × 2 facilities), one flush.
      const totals = await RollupDoc.findById(TOTALS_ID).lean();
      expect(totals?.replaces).toHaveLength(82);
      const { archive, rollups } = await figures();
      expect(rollups).toEqual(archive);
      // Again: every row a duplicate, nothing added.
      const again = await importFile(file, { source: 'mouthshut', facility: 'City Hospital' }, ctx);
      expect(again).toMatchObject({ inserted: 0, duplicate: rows.length });
      expect(await storedCount()).toBe(rows.length);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a compaction deletes a whole flush by its tag, a flush still being written and untagged deltas by id, and nothing it did not read', async () => {
    const row = (id: string, extra: Partial<DeltaRow> = {}) => ({
      _id: id,
      kind: 'reviews',
      day: '2026-11-01',
      facility: null,
      key: 'google',
      n: 1,
      rated: 0,
      ratingSum: 0,
      negatives: 0,
      at: NOW,
      ...extra,
    });
    const whole = ['a1', 'a2', 'a3'].map((id) => row(id, { batch: 'A', of: 3 }));
    const partial = ['b1', 'b2'].map((id) => row(id, { batch: 'B', of: 3 }));
    const untagged = [row('u1')];
    await RollupDelta.collection.insertMany([...whole, ...partial, ...untagged] as never[]);
    const snapshot = await RollupDelta.find({}).lean<DeltaRow[]>();
    // Written after the snapshot was read: B's last delta, and one more of nobody's batch.
    await RollupDelta.collection.insertMany([row('b3', { batch: 'B', of: 3 }), row('u2')] as never[]);
    expect(await deleteDeltas(snapshot)).toBe(6);
    const left = await RollupDelta.find({}).lean();
    expect(left.map((d) => d._id).sort()).toEqual(['b3', 'u2']);
  });

  test('a crash that loses what an import held never counts twice; the repair puts it back', async () => {
    const first = items(BATCH_SIZE + 100, 20);
    // The writer dies holding its contributions: the reviews are stored, their deltas never written.
    const lost = new ContributionBuffer(TZ);
    await storeItems(first, ctx, { rollups: lost });
    expect(await RollupDelta.countDocuments({})).toBe(0);
    expect(await storedCount()).toBe(0);
    // The file imported again after the crash: duplicates, nothing added (the figures stay short, not doubled).
    const again = await storeItems(first, ctx);
    expect(again).toMatchObject({ created: 0, duplicate: first.length });
    // More items meanwhile, and a compaction that folds them.
    await storeItems(items(300, 7, 'later'), ctx);
    await compactRollups(ctx, 'c');
    expect(await storedCount()).toBe(300);
    // The nightly repair (past its margin) rebuilds the lost days from the archive: exact, once.
    const repaired = await repairRollups(
      { ...ctx, now: () => new Date(NOW.getTime() + 11 * 60_000) },
      { restoreInbox: false },
    );
    expect(repaired.keysRebuilt).toBeGreaterThan(0);
    expect(await storedCount()).toBe(first.length + 300);
    const { archive, rollups } = await figures();
    expect(rollups).toEqual(archive);
  });
});
