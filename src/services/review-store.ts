/**
 * The one place that writes reviews and feedback. Adapters, the feedback webhook and the import CLI all hand their
 * items here as `IncomingReview`s; this module scores them, stamps the local day/week and bulk-upserts them.
 *
 * Round trips: one `find` (which of these already exist?) plus one unordered `bulkWrite` per batch of up to
 * BATCH_SIZE items, never one per item. New items go in as `insertOne`s, not `updateOne`+upsert+`$setOnInsert`:
 * the unique (source, externalId) index gives the same "stored once" guarantee, and on FerretDB an upsert costs a
 * filtered read-modify-write per item (measured: ~40 ms each against ~0.5 ms per insert with 1 k items stored).
 * A writer racing us between the `find` and the write gets E11000 for the items we stored first; those count as
 * duplicates. Edits are `updateOne`s guarded by the stored edit time (mongo-subset.md: ordered semantics for
 * updates are not promised, so no op depends on another op of the same batch).
 *
 * The digest inbox (models/digest-inbox.ts): every new item also gets an inbox document, `_id` = the review's `_id`,
 * in one more bulk insert per batch, written BEFORE the reviews. A review's `_id` is derived from (source,
 * externalId) (`reviewIdFor`), so a retry after a crash between the two inserts writes the same ids: the inbox insert
 * answers E11000 (already there, fine) and the review insert completes the pair. Hence an item is never stored
 * without its inbox document, i.e. never silently left out of the digests. (The other order could lose an item on a
 * crash; this one can at worst, if the writer dies between the two inserts and the item is never sent again, leave
 * an inbox copy whose review does not exist — its digest card then answers "can't find that review".) Edits of an
 * item still in the inbox refresh its copy with the same guarded `updateOne`, on the small inbox collection.
 */
import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import Sentiment from 'sentiment';
import { z } from 'zod';
import { addToInbox, DigestInbox } from '../../models/digest-inbox';
import { Review } from '../../models/review';
import { localDay, localWeek } from '../slack/time';

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

function docFor(v: ValidReview, ctx: StoreContext) {
  const now = ctx.now();
  return {
    _id: reviewIdFor(v.source, v.externalId),
    source: v.source,
    externalId: v.externalId,
    facility: v.facility ?? null,
    authorName: v.authorName ?? null,
    url: v.url ?? null,
    postedAt: v.postedAt,
    ingestedAt: now,
    localDay: localDay(now, ctx.config.timezone),
    localWeek: localWeek(now, ctx.config.timezone),
    status: 'new' as const,
    campaignId: v.campaign?.id ?? null,
    campaignName: v.campaign?.name ?? null,
    ...editableFields(v),
  };
}

const keyOf = (source: string, externalId: string) => `${source}\u0000${externalId}`;

function isDuplicateKeyWriteError(e: unknown): boolean {
  return typeof e === 'object' && e !== null && 'code' in e && (e as { code: unknown }).code === 11000;
}

/**
 * Stores items idempotently: new ones as status 'new'; ones already stored are left alone unless the source edited
 * them since (newer `sourceUpdatedAt`), in which case text/rating/sentiment are updated and status, ingestedAt and
 * its digest inbox entry are not touched — an edit never makes an item "new" again (an item still waiting in the
 * inbox gets its copy refreshed). Items must be valid (see
 * `incomingReviewSchema`); an invalid one throws before anything of its batch is written.
 */
export async function storeItems(items: readonly IncomingReview[], ctx: StoreContext): Promise<StoreCounts> {
  const total: StoreCounts = { created: 0, duplicate: 0, updated: 0 };
  for (let i = 0; i < items.length; i += BATCH_SIZE) {
    const c = await storeBatch(items.slice(i, i + BATCH_SIZE), ctx);
    total.created += c.created;
    total.duplicate += c.duplicate;
    total.updated += c.updated;
  }
  return total;
}

async function storeBatch(raw: readonly IncomingReview[], ctx: StoreContext): Promise<StoreCounts> {
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

  const bySource = new Map<string, string[]>();
  for (const item of unique.values()) {
    const ids = bySource.get(item.source) ?? [];
    ids.push(item.externalId);
    bySource.set(item.source, ids);
  }
  const existing = await Review.find(
    { $or: [...bySource].map(([source, ids]) => ({ source, externalId: { $in: ids } })) },
    { _id: 1, source: 1, externalId: 1, sourceUpdatedAt: 1 },
  ).lean();
  const stored = new Map(existing.map((e) => [keyOf(e.source, e.externalId), e]));

  const ops: Parameters<typeof Review.bulkWrite>[0] = [];
  const newDocs: Array<ReturnType<typeof docFor>> = [];
  const inboxEdits: Parameters<typeof DigestInbox.bulkWrite>[0] = [];
  let inserts = 0;
  let edits = 0;
  for (const [k, item] of unique) {
    const was = stored.get(k);
    if (!was) {
      inserts++;
      const doc = docFor(item, ctx);
      newDocs.push(doc);
      ops.push({ insertOne: { document: doc } });
      continue;
    }
    const before = was.sourceUpdatedAt;
    const after = item.sourceUpdatedAt;
    if (after && (!before || after.getTime() > before.getTime())) {
      edits++;
      // Guarded by the stored edit time so a slower, older copy can never overwrite a newer edit.
      const guard = { $or: [{ sourceUpdatedAt: null }, { sourceUpdatedAt: { $lt: after } }] };
      const update = { $set: editableFields(item) };
      ops.push({
        updateOne: { filter: { source: item.source, externalId: item.externalId, ...guard }, update },
      });
      // The inbox copy, if the item still waits for a digest (no match = already digested: nothing to do).
      inboxEdits.push({ updateOne: { filter: { _id: was._id, ...guard }, update } });
    } else {
      duplicate++;
    }
  }
  if (ops.length === 0) return { created: 0, duplicate, updated: 0 };

  // Inbox first (see the header comment): the digest must never miss a stored item.
  await addToInbox(newDocs);

  let created = 0;
  let updated = 0;
  try {
    const res = await Review.bulkWrite(ops, { ordered: false });
    created = res.insertedCount;
    updated = res.modifiedCount;
  } catch (err) {
    // Two writers storing the same new item at once: the unique index lets one in; the other's E11000 means
    // "someone else stored it" — a duplicate, not a failure. Anything else is a real error.
    const e = err as { writeErrors?: unknown; result?: { insertedCount?: number; modifiedCount?: number } };
    const writeErrors = Array.isArray(e.writeErrors) ? e.writeErrors : [e.writeErrors];
    if (!writeErrors.every((w) => isDuplicateKeyWriteError(w)) || e.result === undefined) throw err;
    created = e.result.insertedCount ?? 0;
    updated = e.result.modifiedCount ?? 0;
  }
  if (inboxEdits.length > 0) await DigestInbox.bulkWrite(inboxEdits, { ordered: false });
  // Whatever we meant to insert or edit but did not was already there: a duplicate.
  duplicate += inserts - created + (edits - updated);
  return { created, duplicate, updated };
}
