import { type InferSchemaType, model, Schema } from 'mongoose';

export const ROLLUP_KINDS = ['reviews', 'response', 'posts', 'approvals'] as const;
export type RollupKind = (typeof ROLLUP_KINDS)[number];

/**
 * Daily roll-ups: what metrics, charts, the weekly report, the Home tab, the digest's rating window,
 * `/smx sources` and the facility list read instead of the review archive. Three collections, none of which a
 * reader scans in proportion to the archive (on FerretDB v1 only a filter that is exactly `{_id: x}` avoids reading
 * a whole collection):
 *
 * - `rollup_deltas` (hot, small by construction): *contributions* to one key — (kind, local day, facility, source
 *   or target). Writers only insert here (services/rollups.ts): one per key for the batches a store call or an import
 *   summed (random `_id`; at least one flush a minute), one per negative's first action, one per publication. The compactor folds them into `rollup_docs` every few minutes
 *   and deletes them, so this collection holds minutes of writes, not years.
 * - `rollup_docs`: one document per local MONTH (`_id: month:2026-11`) holding that month's rows for every
 *   kind × day × facility × key, and one `totals` document (`_id: totals`: items stored per facility × source, and
 *   the list of months), each with `replaces`: the ids of the deltas already folded into it. Readers reach them by
 *   exact `_id` (a 30-day report with its previous period reads 2–3 of them).
 * - `rollup_marks`: the exactly-once markers of first actions (`response:<reviewId>`), publications
 *   (`posts:<postId>:<target>`) and approvals (`approvals:<postId>:<version>`, `approvals-cleared:…`): the writer inserts the marker first and writes the delta only if it won, so a second
 *   insert for the same review or publication after its delta was folded and deleted still counts nothing. Nothing
 *   ever reads this collection; an insert checks its unique `_id` through SQLite's index.
 *
 * Inserts, deletes and replacements by `_id` only: no `$inc` upserts racing between instances (mongo-subset.md).
 * Why a reader never double-counts nor misses is argued in services/rollup-compact.ts.
 */
const deltaSchema = new Schema(
  {
    _id: { type: String, required: true },
    kind: { type: String, enum: ROLLUP_KINDS, required: true },
    day: { type: String, required: true },
    facility: { type: String, default: null },
    /** The review source, the publish target for `posts`, `approved` or `cleared` for `approvals`. */
    key: { type: String, required: true },
    n: { type: Number, default: 0 },
    rated: { type: Number, default: 0 },
    ratingSum: { type: Number, default: 0 },
    negatives: { type: Number, default: 0 },
    /**
     * `response`: hours from arrival to first action, one per negative. `approvals`: hours from submission to
     * approval, one per approval (`approved`), or per approval an edit cleared again (`cleared`, filed under the day
     * of the approval it takes back): readers count the approved hours less the cleared ones.
     */
    hours: { type: [Number], default: undefined },
    /** When it was written: the repair job leaves keys with recent writes alone (see rollup-repair.ts). */
    at: { type: Date, required: true },
    /**
     * The deltas of one flush of summed contributions: its id and how many it wrote. A compaction that read them all
     * deletes them by `batch` (services/rollup-compact.ts `deleteDeltas`).
     */
    batch: { type: String, default: undefined },
    of: { type: Number, default: undefined },
  },
  { versionKey: false },
);

// What readers ask (`kind`, a range of `day`): an index range scan on MongoDB; FerretDB v1 scans the small collection.
deltaSchema.index({ kind: 1, day: 1 });

export type RollupDeltaDoc = InferSchemaType<typeof deltaSchema>;
export const RollupDelta = model('RollupDelta', deltaSchema, 'rollup_deltas');

/**
 * A month or totals document. `data` holds its rows — one per key: kind, local day ('' in totals), facility, source
 * or target, n, rated, ratingSum, negatives, response hours — encoded as one JSON string (services/rollups.ts).
 */
const replacedSchema = new Schema(
  { id: { type: String, required: true }, gone: { type: Date, default: null } },
  { _id: false, versionKey: false },
);

const docSchema = new Schema(
  {
    _id: { type: String, required: true },
    /** The rows (see above) as one JSON string: services/rollups.ts. */
    data: { type: String, default: '[]' },
    /**
     * Delta ids folded into this document; `gone`: when a compaction first found the delta deleted (the id is
     * forgotten a grace period later, see services/rollup-compact.ts).
     */
    replaces: { type: [replacedSchema], default: [] },
    /** `totals` only: every month that has a document. */
    months: { type: [String], default: undefined },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);

export type RollupDocDoc = InferSchemaType<typeof docSchema>;
export const RollupDoc = model('RollupDoc', docSchema, 'rollup_docs');

const markSchema = new Schema(
  { _id: { type: String, required: true }, at: { type: Date, required: true } },
  { versionKey: false },
);
export const RollupMark = model('RollupMark', markSchema, 'rollup_marks');

export const TOTALS_ID = 'totals';
export const monthId = (day: string) => `month:${day.slice(0, 7)}`;
