/**
 * Seeds an archive straight into the database for the benches: reviews, posts, publications, visits, snapshots.
 *
 * Layout (SMX_BENCH_LAYOUT): `history` (the default) is one hospital's archive growing with the years: the first
 * RECENT_REVIEWS reviews and RECENT_POSTS posts fill the last DAYS days — the same data at every size — and every
 * review and post beyond them lies in the HISTORY_DAYS before that, long handled. So at 100k the same questions
 * (the last 30 days, the open items, the queue) are asked over 100 times the archive: what issue 14 asks to cost the
 * same. `dense` puts every item in the last DAYS days: at 100k the daily volume, the open backlog and the posts
 * waiting are 100 times larger too, so the working sets grow with them (a stricter test than the issue's).
 */
import { DateTime } from 'luxon';
import type mongoose from 'mongoose';
import { AudienceSnapshot } from '../models/audience-snapshot';
import { Post } from '../models/post';
import { Publication } from '../models/publication';
import { Review } from '../models/review';
import { Visit } from '../models/visit';
import { reviewIdFor } from '../src/services/review-store';
import { localDay, localWeek } from '../src/slack/time';

export const TZ = 'Asia/Kolkata';
export const NOW = new Date('2026-11-24T12:00:00Z');
const DAYS = 200;
const HISTORY_DAYS = 5 * 365;
export const RECENT_REVIEWS = 1_000;
export const RECENT_POSTS = 50;
export const LAYOUT: 'history' | 'dense' = process.env.SMX_BENCH_LAYOUT === 'dense' ? 'dense' : 'history';
const SOURCES = ['google', 'facebook', 'x', 'feedback', 'practo'];
const FACILITIES = [null, 'City Hospital', 'North Clinic'];
const BATCH = 5000;

/** Deterministic pseudo-random numbers, so every run seeds the same data. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function insertBatches(model: mongoose.Model<never>, docs: () => Generator<Record<string, unknown>>) {
  let batch: Record<string, unknown>[] = [];
  for (const d of docs()) {
    batch.push(d);
    if (batch.length === BATCH) {
      await model.collection.insertMany(batch, { ordered: false });
      batch = [];
    }
  }
  if (batch.length > 0) await model.collection.insertMany(batch, { ordered: false });
}

export async function seed(
  fromReview: number,
  reviews: number,
  fromPost: number,
  posts: number,
): Promise<void> {
  const rand = rng(LAYOUT === 'dense' ? reviews : fromReview + 1);
  const end = DateTime.fromJSDate(NOW, { zone: TZ });
  /** When item `i` (of `recent` recent ones) happened: in the last DAYS days, or in the history before them. */
  const when = (i: number, recent: number) =>
    end
      .minus({
        minutes:
          LAYOUT === 'dense' || i < recent
            ? Math.floor(rand() * DAYS * 24 * 60)
            : Math.floor((DAYS + rand() * HISTORY_DAYS) * 24 * 60),
      })
      .toJSDate();
  await insertBatches(Review as never, function* () {
    for (let i = fromReview; i < reviews; i++) {
      const ingestedAt = when(i, RECENT_REVIEWS);
      const negative = rand() < 0.2;
      // A team that keeps up: every negative older than two weeks has been acted on, half of the recent ones.
      const recent = NOW.getTime() - ingestedAt.getTime() < 14 * 24 * 3600_000;
      const acted = negative && (!recent || rand() < 0.5);
      const source = SOURCES[Math.floor(rand() * SOURCES.length)] as string;
      yield {
        _id: reviewIdFor(source, `b${i}`),
        source,
        externalId: `b${i}`,
        facility: FACILITIES[Math.floor(rand() * FACILITIES.length)] ?? null,
        rating:
          source === 'feedback' ? null : negative ? 1 + Math.floor(rand() * 2) : 3 + Math.floor(rand() * 3),
        text: 'benchmark review',
        authorName: null,
        postedAt: ingestedAt,
        ingestedAt,
        localDay: localDay(ingestedAt, TZ),
        localWeek: localWeek(ingestedAt, TZ),
        sentiment: negative ? 'negative' : 'positive',
        sentimentScore: negative ? -2 : 2,
        status: acted ? 'handled' : 'new',
        firstActionAt: acted ? new Date(ingestedAt.getTime() + rand() * 72 * 3600_000) : null,
      };
    }
  });
  await insertBatches(Post as never, function* () {
    for (let i = fromPost; i < posts; i++) {
      const submittedAt = when(i, RECENT_POSTS);
      // One post in fifty waits for approval — among the recent ones only, in the history layout.
      const waiting = i % 50 === 0 && (LAYOUT === 'dense' || i < RECENT_POSTS);
      yield {
        shortId: `B${i}`,
        text: 'benchmark post',
        targets: ['facebook', 'x'],
        scheduledAt: submittedAt,
        status: waiting ? 'pending_approval' : 'published',
        authorId: 'U0AUTHOR',
        submittedAt,
        approvedAt: waiting ? null : new Date(submittedAt.getTime() + rand() * 24 * 3600_000),
      };
    }
  });
  await insertBatches(Publication as never, function* () {
    for (let i = fromPost; i < posts; i++) {
      const publishedAt = when(i, RECENT_POSTS);
      yield {
        postId: `B${i}`,
        target: i % 3 === 0 ? 'facebook' : 'x',
        externalId: `e${i}`,
        publishedAt,
        localDay: localDay(publishedAt, TZ),
        localWeek: localWeek(publishedAt, TZ),
      };
    }
  });
  if (fromReview > 0) return;
  const months = new Set<string>();
  for (let d = 0; d <= DAYS + 120; d++) months.add(end.minus({ days: d }).toFormat('yyyy-MM'));
  await Visit.collection.insertMany(
    [...months].map((month) => ({
      _id: `${month}|` as never,
      month,
      facility: '',
      count: 20000,
      updatedBy: 'bench',
      updatedAt: NOW,
    })),
  );
  await AudienceSnapshot.collection.insertMany(
    Array.from({ length: DAYS }, (_, d) => {
      const day = end.minus({ days: d }).toISODate() as string;
      return {
        _id: `facebook:${day}` as never,
        target: 'facebook',
        day,
        likes: 5000 - d,
        followers: 6000 - d,
        takenAt: NOW,
      };
    }),
  );
}
