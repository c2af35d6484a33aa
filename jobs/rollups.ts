import mongoose from 'mongoose';
import { insertNew } from '../models/insert-new';
import { Post } from '../models/post';
import { Review } from '../models/review';
import { RollupDoc, RollupMark, TOTALS_ID } from '../models/rollup';
import { reconcilePostWorkingSet } from '../src/services/post-desk';
import { compactRollups } from '../src/services/rollup-compact';
import { repairRollups } from '../src/services/rollup-repair';
import type { Job } from './types';

/** Marks a database whose approvals roll-up was built from its posts (or that had none when it was added). */
const APPROVALS_BUILT = 'built:approvals';

/** The collection of the first roll-up version (contributions summed by scans): replaced by rollup_docs. */
const LEGACY_COLLECTION = 'rollups';

/**
 * Daily (SMX_ROLLUP_CRON, default 03:30 local): rebuilds the daily roll-ups and the review desk from the archive
 * where they disagree (services/rollup-repair.ts), and the posts working set from the posts (services/post-desk.ts).
 */
export const rollupJob: Job = {
  name: 'rollup-repair',
  schedule: (config) => config.metrics.rollupCron,
  async run({ ctx }) {
    const result = await repairRollups(ctx);
    ctx.logger.info({ job: 'rollup-repair', ...result }, 'roll-ups repaired');
    // The posts working set, checked against the posts in the same off-peak run.
    const posts = await reconcilePostWorkingSet(ctx.now());
    if (posts.recopied > 0)
      ctx.logger.warn({ job: 'rollup-repair', ...posts }, 'posts working set brought up to date');
  },
  /**
   * A database from before these roll-ups (reviews but no totals document yet, maybe the first version's `rollups`
   * collection): build them from the archive now rather than at 03:30, and drop the old collection. A database
   * from before the approvals roll-up (posts, but no APPROVALS_BUILT marker) gets the same repair once.
   */
  async onStart({ ctx }) {
    const needsBuild =
      !(await RollupDoc.findById(TOTALS_ID).lean()) && (await Review.findOne({}, { _id: 1 }).lean()) !== null;
    const approvalsBuilt = (await RollupMark.findById(APPROVALS_BUILT).lean()) !== null;
    const needsApprovals = !approvalsBuilt && (await Post.findOne({}, { _id: 1 }).lean()) !== null;
    if (!needsBuild && !needsApprovals) {
      // No posts yet: every approval from now on is written as it happens.
      if (!approvalsBuilt)
        await insertNew(RollupMark.collection, [{ _id: APPROVALS_BUILT as never, at: ctx.now() }]);
      return;
    }
    // No margin for a first build: at start-up nothing else writes with this version yet, and the first version's
    // recent contributions are in the collection dropped below, so the archive is the only complete record.
    const result = await repairRollups(ctx, needsBuild ? { marginMs: Number.NEGATIVE_INFINITY } : {});
    if (needsBuild) {
      const db = mongoose.connection.db;
      const legacy = db ? await db.listCollections({ name: LEGACY_COLLECTION }).toArray() : [];
      if (db && legacy.length > 0) await db.dropCollection(LEGACY_COLLECTION);
    }
    if (result.ran)
      await insertNew(RollupMark.collection, [{ _id: APPROVALS_BUILT as never, at: ctx.now() }]);
    ctx.logger.info({ job: 'rollup-repair', ...result }, 'roll-ups built for existing reviews and posts');
  },
};

/** Every few minutes (SMX_ROLLUP_COMPACT_CRON): folds the roll-up deltas into their month documents. */
export const rollupCompactJob: Job = {
  name: 'rollup-compact',
  schedule: (config) => config.metrics.rollupCompactCron,
  async run({ ctx }) {
    const result = await compactRollups(ctx, ctx.instanceId);
    if (result.deltas > 0) ctx.logger.info({ job: 'rollup-compact', ...result }, 'roll-up deltas folded');
  },
};
