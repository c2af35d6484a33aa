import { type InferSchemaType, model, Schema } from 'mongoose';

export const ROLLUP_KINDS = ['reviews', 'response', 'posts'] as const;
export type RollupKind = (typeof ROLLUP_KINDS)[number];

/**
 * Daily roll-ups: what metrics, charts, the weekly report, the Home tab, the digest's rating window and
 * `/smx sources` read instead of the review archive (on FerretDB v1 every query reads a whole collection, so the
 * archive must not be read per request). One document is a *contribution* to one key — (kind, local day, facility,
 * source or target) — and a key's figure is the sum of its live documents:
 * - `reviews`: written by the review store, one per stored batch × key (the items that batch really inserted, or the
 *   −old/+new change of an edit); keyed by the local day the review was WRITTEN (`postedAt`).
 * - `response`: one per negative's first action, `_id: response:<reviewId>` (exactly once by its `_id`), with the
 *   hours from arrival to first action; keyed like the review.
 * - `posts`: one per publication, `_id: posts:<postId>:<target>`; keyed by the local day it was published.
 * The repair job (services/rollup-repair.ts) rebuilds keys from the archive and merges their contributions into
 * one document that lists the `_id`s it `replaces`; readers skip documents replaced by another, so a crash between
 * the merged insert and the delete of what it replaced never counts anything twice.
 * Inserts and deletes only: no `$inc` upserts racing between instances (mongo-subset.md).
 */
const rollupSchema = new Schema(
  {
    _id: { type: String, required: true },
    kind: { type: String, enum: ROLLUP_KINDS, required: true },
    day: { type: String, required: true },
    facility: { type: String, default: null },
    /** The review source, or the publish target for `posts`. */
    key: { type: String, required: true },
    n: { type: Number, default: 0 },
    rated: { type: Number, default: 0 },
    ratingSum: { type: Number, default: 0 },
    negatives: { type: Number, default: 0 },
    /** `response`: hours from arrival to first action, one per negative. */
    hours: { type: [Number], default: undefined },
    replaces: { type: [String], default: undefined },
    /** When it was written: the repair job leaves keys with recent writes alone (see rollup-repair.ts). */
    at: { type: Date, required: true },
  },
  { versionKey: false },
);

export type RollupDoc = InferSchemaType<typeof rollupSchema>;
export const Rollup = model('Rollup', rollupSchema, 'rollups');
