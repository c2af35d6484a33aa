/**
 * The one place that writes reviews and feedback. Adapters, the feedback webhook and the import CLI all hand their
 * items here as `IncomingReview`s; this module scores them, stamps the local day/week and stores them.
 *
 * Nothing here reads the archive in proportion to its size (on FerretDB v1 every find — even by `_id` — reads the
 * whole collection, while an insert checks its unique keys through SQLite indexes). Duplicates are found by
 * insert-and-catch: a review's `_id` is derived from (source, externalId) (`reviewIdFor`) and the unique
 * (source, externalId) index refuses a second copy, so one unordered insert per batch of up to BATCH_SIZE items
 * tells new from already stored. Only duplicates that carry a source edit time (`sourceUpdatedAt`) are looked up,
 * in one `find` per batch, to see whether the source edited them since; edits are `updateOne`s guarded by the
 * stored edit time, one at a time (rare), so each knows whether it landed.
 *
 * Per batch, in this order:
 * 1. The reviews, one unordered insert; E11000 = already stored (by us earlier, or by a writer racing us). The
 *    insert is the claim: exactly one writer stores each item, and only that writer does 2 and 3 for it.
 * 2. The digest inbox (models/digest-inbox.ts) gets a copy of each item this call stored.
 * 3. The review desk (models/review-desk.ts) gets their copies, and their daily roll-up contributions
 *    (models/rollup.ts) are summed per key in a ContributionBuffer, which inserts one delta per key for many
 *    batches: at the end of the call, or of the import that passed it, and at least every CONTRIBUTION_FLUSH_MS.
 * A crash between 1 and 2/3 leaves a stored review outside the inbox, the roll-ups or the desk; the repair job
 * (services/rollup-repair.ts) puts it back: its day's roll-ups are rebuilt, and a review stored in the last
 * INBOX_RESTORE_DAYS that is neither in the inbox nor in any digest log goes back into the inbox.
 */
import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import Sentiment from 'sentiment';
import { z } from 'zod';
import { DigestInbox, inboxDocFor } from '../../models/digest-inbox';
import { insertNew } from '../../models/insert-new';
import { Review } from '../../models/review';
import { ReviewDesk } from '../../models/review-desk';
import { localDay, localWeek } from '../slack/time';
import { addToDesk, DeskBulk } from './review-desk';
import { type Contribution, ContributionBuffer } from './rollups';

export const BATCH_SIZE = 500;

/** Source names: lowercase, short, safe as a key and in Slack text (`google`, `feedback`, `mouthshut`). */
export const SOURCE_NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/;

export const sourceName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(SOURCE_NAME, 'must be 1–40 lowercase letters, digits, - or _ (e.g. mouthshut)');

/** The normalised shape every producer (adapter, webhook, import) hands to the store. */
export const incomingReviewSchema = z.object({
  source: sourceName,
  externalId: z.string().trim().min(1, 'is required').max(200, 'must be at most 200 characters'),
  facility: z.string().trim().max(200).nullish(),
  rating: z.number().int().min(1).max(5).nullish(),
  text: z.string().max(5000, 'must be at most 5000 characters').default(''),
  /** A patient's name: stored, never logged, hidden in channel digests by default. */
  authorName: z.string().trim().max(200).nullish(),
  url: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .nullish(),
  postedAt: z.date(),
  /** When the source last edited it; a newer value than the stored one updates text, rating and sentiment. */
  sourceUpdatedAt: z.date().nullish(),
  /** Some sources say recommend / don't recommend instead of stars (Facebook); used when there is no rating. */
  recommends: z.boolean().nullish(),
  /** The feedback campaign whose page collected it (src/http/feedback-page.ts). */
  campaign: z.object({ id: z.string().max(20), name: z.string().max(200) }).nullish(),
});

export type IncomingReview = z.input<typeof incomingReviewSchema>;
type ValidReview = z.output<typeof incomingReviewSchema>;

export interface StoreContext {
  now: () => Date;
  config: { timezone: string };
}

export interface StoreCounts {
  created: number;
  duplicate: number;
  updated: number;
}

export type Polarity = 'positive' | 'neutral' | 'negative';

const analyzer = new Sentiment();

/**
 * Stars decide when there are any (≤2 negative, 3 neutral, ≥4 positive); otherwise a recommend/don't-recommend
 * answer; otherwise the AFINN score of the text. The score stored is always the text's AFINN score.
 */
export function scoreSentiment(input: {
  text: string;
  rating?: number | null;
  recommends?: boolean | null;
}): { sentiment: Polarity; score: number } {
  const score = input.text.trim() === '' ? 0 : analyzer.analyze(input.text).score;
  const r = input.rating;
  if (r !== null && r !== undefined) {
    return { sentiment: r <= 2 ? 'negative' : r === 3 ? 'neutral' : 'positive', score };
  }
  if (input.recommends === true) return { sentiment: 'positive', score };
  if (input.recommends === false) return { sentiment: 'negative', score };
  return { sentiment: score < 0 ? 'negative' : score > 0 ? 'positive' : 'neutral', score };
}

/** The fields that an edit at the source may change. */
function editableFields(item: ValidReview) {
  const { sentiment, score } = scoreSentiment(item);
  return {
    rating: item.rating ?? null,
    text: item.text,
    sentiment,
    sentimentScore: score,
    sourceUpdatedAt: item.sourceUpdatedAt ?? null,
  };
}

/**
 * The whole document for a new item. Exported for bench:digest's one-save-per-item baseline
 * (`new Review(reviewDocFor(item, ctx)).save()` per item, against `storeItems` for the same items).
 */
export function reviewDocFor(item: IncomingReview, ctx: StoreContext) {
  return docFor(incomingReviewSchema.parse(item), ctx);
}

/**
 * The `_id` of the review for (source, externalId): the first 12 bytes of a SHA-256, so every writer and every retry
 * of the same item uses the same id (see the header comment). Reviews stored before this have random ids; nothing
 * derives an id for an item that is already stored.
 */
export function reviewIdFor(source: string, externalId: string): Types.ObjectId {
  const hash = createHash('sha256').update(`${source}\u0000${externalId}`).digest();
  return new Types.ObjectId(hash.subarray(0, 12).toString('hex'));
}

/**
 * Optional fields a new item stores only when it has them: on FerretDB v1 every stored field costs the insert
 * ~10 µs of its CPU (bench:import), and a review is copied to the inbox and often to the desk. Mongoose applies the
 * schema's `null` default when a document is read through the model, `{field: null}` matches a missing field
 * (MongoDB and FerretDB alike), and lean readers use `?? null`. Facility stays even when null: its "unknown"
 * bucket is grouped and listed by value.
 */
const OPTIONAL_WHEN_EMPTY = ['authorName', 'url', 'campaignId', 'campaignName', 'sourceUpdatedAt'] as const;

type FullReviewDoc = ReturnType<typeof editableFields> & {
  _id: Types.ObjectId;
  source: string;
  externalId: string;
  facility: string | null;
  authorName: string | null;
  url: string | null;
  postedAt: Date;
  ingestedAt: Date;
  localDay: string;
  localWeek: string;
  status: 'new';
  campaignId: string | null;
  campaignName: string | null;
};
/** A new review as inserted: the optional fields are absent when empty. */
export type NewReviewDoc = Omit<FullReviewDoc, (typeof OPTIONAL_WHEN_EMPTY)[number]> &
  Partial<Pick<FullReviewDoc, (typeof OPTIONAL_WHEN_EMPTY)[number]>>;

/** The local day and week of a batch's ingest time, computed once per batch rather than per item (luxon is costly). */
interface Stamp {
  now: Date;
  localDay: string;
  localWeek: string;
}

function stampOf(now: Date, timezone: string): Stamp {
  return { now, localDay: localDay(now, timezone), localWeek: localWeek(now, timezone) };
}

function docFor(v: ValidReview, ctx: StoreContext, stamp: Stamp = stampOf(ctx.now(), ctx.config.timezone)) {
  const doc: Record<string, unknown> = {
    _id: reviewIdFor(v.source, v.externalId),
    source: v.source,
    externalId: v.externalId,
    facility: v.facility ?? null,
    authorName: v.authorName ?? null,
    url: v.url ?? null,
    postedAt: v.postedAt,
    ingestedAt: stamp.now,
    localDay: stamp.localDay,
    localWeek: stamp.localWeek,
    status: 'new' as const,
    campaignId: v.campaign?.id ?? null,
    campaignName: v.campaign?.name ?? null,
    ...editableFields(v),
  };
  for (const f of OPTIONAL_WHEN_EMPTY) if (doc[f] === null) delete doc[f];
  return doc as NewReviewDoc;
}

const keyOf = (source: string, externalId: string) => `${source}\u0000${externalId}`;

/**
 * Stores items idempotently: new ones as status 'new'; ones already stored are left alone unless the source edited
 * them since (newer `sourceUpdatedAt`), in which case text/rating/sentiment are updated and status, ingestedAt and
 * its digest inbox entry are not touched — an edit never makes an item "new" again (an item still waiting in the
 * inbox gets its copy refreshed). Items must be valid (see `incomingReviewSchema`); an invalid one throws before
 * anything of its batch is written.
 */
export async function storeItems(
  items: readonly IncomingReview[],
  ctx: StoreContext,
  opts: { desk?: DeskBulk; rollups?: ContributionBuffer } = {},
): Promise<StoreCounts> {
  const total: StoreCounts = { created: 0, duplicate: 0, updated: 0 };
  // Open items get their desk copy with their batch; of the rest only the newest of the whole call are added at its
  // end (DeskBulk), so a big ingest writes a few hundred desk copies instead of one per item and deleting most again.
  // A caller storing a file in many calls (import) passes its own DeskBulk and finishes it at its end instead.
  const desk = opts.desk ?? new DeskBulk();
  // Likewise the roll-up contributions: one delta per key for the whole call (or the caller's whole import).
  const rollups = opts.rollups ?? new ContributionBuffer(ctx.config.timezone);
  try {
    for (let i = 0; i < items.length; i += BATCH_SIZE) {
      const c = await storeBatch(items.slice(i, i + BATCH_SIZE), ctx, desk, rollups);
      total.created += c.created;
      total.duplicate += c.duplicate;
      total.updated += c.updated;
      await rollups.flushIfDue(ctx.now());
    }
  } catch (err) {
    // What earlier batches stored still counts; a flush that fails too loses it until the repair, like a crash.
    if (!opts.rollups) await rollups.flush(ctx.now()).catch(() => undefined);
    throw err;
  }
  if (!opts.rollups) await rollups.flush(ctx.now());
  if (total.created > 0 && !opts.desk) await desk.finish();
  return total;
}

async function storeBatch(
  raw: readonly IncomingReview[],
  ctx: StoreContext,
  bulk: DeskBulk | undefined,
  rollups: ContributionBuffer,
): Promise<StoreCounts> {
  if (raw.length === 0) return { created: 0, duplicate: 0, updated: 0 };
  const parsed = raw.map((r) => incomingReviewSchema.parse(r));

  // The same item twice in one batch (a re-sent page, a CSV with a repeated row): keep the latest edit.
  const unique = new Map<string, ValidReview>();
  let duplicate = 0;
  for (const item of parsed) {
    const k = keyOf(item.source, item.externalId);
    const seen = unique.get(k);
    if (seen) {
      duplicate++;
      if ((item.sourceUpdatedAt?.getTime() ?? 0) > (seen.sourceUpdatedAt?.getTime() ?? 0))
        unique.set(k, item);
    } else unique.set(k, item);
  }
  const now = ctx.now();
  const stamp = stampOf(now, ctx.config.timezone);
  const items = [...unique.values()];
  const docs = items.map((item) => docFor(item, ctx, stamp));

  // 1. The reviews: E11000 = already stored (see the header comment).
  const inserted = await insertNew(Review.collection, docs);
  const created = docs.filter((_, i) => inserted[i]);
  const alreadyAt = docs.flatMap((_, i) => (inserted[i] ? [] : [i]));
  // 2. and 3.: inbox, roll-ups and desk for what this call stored.
  if (created.length > 0) {
    await insertNew(
      DigestInbox.collection,
      created.map((d) => inboxDocFor(d)),
    );
    rollups.add(created);
    await addToDesk(bulk ? bulk.offer(created) : created);
  }

  const edited = alreadyAt.map((i) => items[i] as ValidReview).filter((i) => i.sourceUpdatedAt);
  const updated = edited.length > 0 ? await applyEdits(edited, now, rollups) : 0;
  duplicate += alreadyAt.length - updated;
  return { created: created.length, duplicate, updated };
}

/**
 * Items already stored that carry a source edit time: one `find` for their stored edit times, then one guarded
 * `updateOne` per real edit (so each knows whether it landed), its roll-up change (−old, +new, into `rollups`), and
 * the inbox and desk copies. Returns how many were updated.
 */
async function applyEdits(
  items: readonly ValidReview[],
  now: Date,
  rollups: ContributionBuffer,
): Promise<number> {
  const bySource = new Map<string, string[]>();
  for (const item of items)
    bySource.set(item.source, [...(bySource.get(item.source) ?? []), item.externalId]);
  const stored = await Review.find(
    { $or: [...bySource].map(([source, ids]) => ({ source, externalId: { $in: ids } })) },
    {
      _id: 1,
      source: 1,
      externalId: 1,
      sourceUpdatedAt: 1,
      rating: 1,
      sentiment: 1,
      postedAt: 1,
      facility: 1,
    },
  ).lean();
  const storedOf = new Map(stored.map((e) => [keyOf(e.source, e.externalId), e]));
  let updated = 0;
  const changes: Contribution[] = [];
  for (const item of items) {
    const was = storedOf.get(keyOf(item.source, item.externalId));
    const after = item.sourceUpdatedAt;
    if (!was || !after) continue;
    const before = was.sourceUpdatedAt;
    if (before && after.getTime() <= before.getTime()) continue;
    // Guarded by the stored edit time so a slower, older copy can never overwrite a newer edit.
    const guard = { $or: [{ sourceUpdatedAt: null }, { sourceUpdatedAt: { $lt: after } }] };
    const fields = editableFields(item);
    const res = await Review.updateOne({ _id: was._id, ...guard }, { $set: { ...fields, editedAt: now } });
    if (res.modifiedCount !== 1) continue;
    updated++;
    // The inbox and desk copies, if the item is still there (no match: nothing to do).
    await DigestInbox.updateOne({ _id: was._id, ...guard }, { $set: fields });
    await ReviewDesk.updateOne({ _id: was._id, ...guard }, { $set: fields });
    if (was.rating !== fields.rating || was.sentiment !== fields.sentiment) {
      const facts = { postedAt: was.postedAt, facility: was.facility, source: was.source };
      changes.push({ ...facts, rating: was.rating, sentiment: was.sentiment, sign: -1 });
      changes.push({ ...facts, rating: fields.rating, sentiment: fields.sentiment, sign: 1 });
    }
  }
  rollups.add(changes);
  return updated;
}
