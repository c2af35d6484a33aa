/** Seeds the shared collections directly (reviews, posts, publications) for metrics tests. */
import { DateTime } from 'luxon';
import { Post } from '../../models/post';
import { Publication } from '../../models/publication';
import { Review } from '../../models/review';
import { backfillPostWorkingSet } from '../../src/services/post-desk';
import { localDay, localWeek } from '../../src/slack/time';
import { rebuildDerived } from './reviews';

export const TZ = 'Asia/Kolkata';
let seq = 0;

/** An instant on a local day (default 10:00 local). */
export function at(day: string, hour = 10): Date {
  return DateTime.fromISO(day, { zone: TZ }).set({ hour }).toJSDate();
}

export interface ReviewSeed {
  day: string;
  source?: string;
  rating?: number | null;
  sentiment?: 'positive' | 'neutral' | 'negative';
  status?: 'new' | 'assigned' | 'handled';
  /** Hours from arrival to the first action. */
  actedAfterHours?: number;
  facility?: string | null;
}

export async function seedReviews(items: ReviewSeed[]): Promise<void> {
  await Review.collection.insertMany(
    items.map((r) => {
      const ingestedAt = at(r.day);
      const acted =
        r.actedAfterHours === undefined
          ? null
          : new Date(ingestedAt.getTime() + r.actedAfterHours * 3600_000);
      return {
        source: r.source ?? 'google',
        externalId: `ext-${++seq}`,
        facility: r.facility ?? null,
        rating: r.rating === undefined ? null : r.rating,
        text: 'text',
        authorName: null,
        url: null,
        postedAt: ingestedAt,
        ingestedAt,
        localDay: localDay(ingestedAt, TZ),
        localWeek: localWeek(ingestedAt, TZ),
        sentiment: r.sentiment ?? 'positive',
        sentimentScore: 0,
        status: r.status ?? (acted ? 'handled' : 'new'),
        firstActionAt: acted,
        handledAt: acted,
      };
    }),
  );
  await rebuildDerived(TZ);
}

export async function seedPublications(target: string, days: string[]): Promise<void> {
  await Publication.collection.insertMany(
    days.map((day) => {
      const publishedAt = at(day, 11);
      return {
        postId: `post-${++seq}`,
        target,
        externalId: `ext-${seq}`,
        url: null,
        publishedAt,
        localDay: localDay(publishedAt, TZ),
        localWeek: localWeek(publishedAt, TZ),
      };
    }),
  );
  await rebuildDerived(TZ);
}

export interface PostSeed {
  status: string;
  submittedAt: Date;
  approvedAt?: Date;
  scheduledAt?: Date;
  authorId?: string;
  text?: string;
  targets?: string[];
}

export async function seedPosts(items: PostSeed[]): Promise<string[]> {
  const docs = items.map((p) => ({
    shortId: `P${String(++seq).padStart(4, '0')}`,
    text: p.text ?? 'Flu shots are free this week',
    targets: p.targets ?? ['x'],
    scheduledAt: p.scheduledAt ?? p.submittedAt,
    publishNow: false,
    status: p.status,
    authorId: p.authorId ?? 'U0AUTHOR',
    submittedAt: p.submittedAt,
    approvedAt: p.approvedAt ?? null,
    approvedBy: p.approvedAt ? 'U0BOSS' : null,
    results: {},
    revision: 1,
    createdAt: p.submittedAt,
    updatedAt: p.submittedAt,
  }));
  const res = await Post.collection.insertMany(docs);
  // Straight into the collection, like data from before the posts working set: build it as a first start does.
  await backfillPostWorkingSet(new Date(0));
  await rebuildDerived(TZ); // the approvals roll-up, from the posts
  return Object.values(res.insertedIds).map(String);
}
