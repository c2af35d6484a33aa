/**
 * Seeds Review documents directly (the digest half of the reviews issue is tested without the ingest half), each
 * with its digest inbox document as storeItems writes them (inbox first, then the review; `digested: true` seeds an
 * item no digest should pick up, i.e. without an inbox document), then lets the repair job build the roll-ups and
 * the review desk from them.
 */
import { addToInbox } from '../../models/digest-inbox';
import { Review } from '../../models/review';
import { reviewIdFor } from '../../src/services/review-store';
import { repairRollups } from '../../src/services/rollup-repair';
import { localDay, localWeek } from '../../src/slack/time';

export interface SeedReview {
  source?: string;
  externalId?: string;
  facility?: string | null;
  rating?: number | null;
  text?: string;
  authorName?: string | null;
  url?: string | null;
  postedAt?: Date;
  ingestedAt?: Date;
  sentiment?: 'positive' | 'neutral' | 'negative';
  sentimentScore?: number;
  /** Already carried by a digest: stored without an inbox document. */
  digested?: boolean;
}

let counter = 0;

export function reviewDoc(r: SeedReview = {}, timezone = 'Asia/Kolkata') {
  counter += 1;
  const ingestedAt = r.ingestedAt ?? new Date('2026-11-23T10:00:00Z');
  const rating = r.rating === undefined ? 4 : r.rating;
  const sentiment =
    r.sentiment ??
    (rating === null ? 'neutral' : rating <= 2 ? 'negative' : rating === 3 ? 'neutral' : 'positive');
  const source = r.source ?? 'google';
  const externalId = r.externalId ?? `ext-${counter}-${Math.random().toString(36).slice(2, 8)}`;
  return {
    _id: reviewIdFor(source, externalId),
    source,
    externalId,
    facility: r.facility === undefined ? 'City Hospital' : r.facility,
    rating,
    text: r.text ?? `Review number ${counter}`,
    authorName: r.authorName === undefined ? null : r.authorName,
    url: r.url === undefined ? `https://example.com/r/${counter}` : r.url,
    postedAt: r.postedAt ?? new Date(ingestedAt.getTime() - 3600_000),
    ingestedAt,
    localDay: localDay(ingestedAt, timezone),
    localWeek: localWeek(ingestedAt, timezone),
    sentiment,
    sentimentScore: r.sentimentScore ?? (sentiment === 'negative' ? -3 : sentiment === 'positive' ? 3 : 0),
    sourceUpdatedAt: null,
    status: 'new',
  };
}

export async function seedReviews(list: SeedReview[]) {
  const docs = list.map((r) => reviewDoc(r));
  await addToInbox(docs.filter((_, i) => !list[i]?.digested));
  await Review.insertMany(docs);
  await rebuildDerived();
  return docs.map((d) => String(d._id));
}

/**
 * Reviews written straight into the archive (as data from before the roll-ups would be): the repair job builds their
 * roll-ups and desk copies, with no margin for writes in progress (there are none in a test).
 */
export async function rebuildDerived(timezone = 'Asia/Kolkata'): Promise<void> {
  await repairRollups(
    { now: () => new Date(), config: { timezone }, instanceId: 'test' },
    { marginMs: Number.NEGATIVE_INFINITY, restoreInbox: false },
  );
}
