/**
 * `/smx reviews` pages, read from the review desk only: what "open", "negative" and "all" hold, checked against the
 * archive itself; **Next 10** and `page N`; the truthful notes on what lies beyond the desk.
 */
import { Review } from '../../models/review';
import { ReviewDesk } from '../../models/review-desk';
import { assignReview, markReviewHandled } from '../../src/services/review-actions';
import { RECENT_KEEP } from '../../src/services/review-desk';
import { REVIEW_ACTION_IDS, REVIEW_LIST_BLOCK_ID } from '../../src/slack/ids';
import { FakeSlack } from '../fakes/slack';
import { startTestApp, type TestApp, visibleText } from '../support/app';
import { useTestDatabase } from '../support/db';
import { type SeedReview, seedReviews } from '../support/reviews';

const NOW = new Date('2026-11-24T06:00:00Z');
const MIN = 60_000;

type Body = Record<string, unknown> & { blocks?: Array<Record<string, unknown>> };
const shownIds = (body: Body | undefined) =>
  (body?.blocks ?? [])
    .map((b) => /^rv:(\w+):s$/.exec(String(b.block_id ?? ''))?.[1])
    .filter((x): x is string => x !== undefined);
const nextButton = (body: Body | undefined) =>
  (body?.blocks ?? [])
    .filter((b) => b.block_id === REVIEW_LIST_BLOCK_ID)
    .flatMap((b) => b.elements as Array<{ action_id: string; value: string; text: { text: string } }>)[0];

describe('/smx reviews pages from the review desk', () => {
  const db = useTestDatabase();
  let slack: FakeSlack;
  let t: TestApp;
  let ids: string[];
  // 0–2: old open negatives; 3: an old positive someone assigned; 4: an old negative handled; 5: an old new positive
  // (outside the newest 200); 6…: 215 new positives and neutrals, the newest received, one per minute.
  const specs: SeedReview[] = [
    ...[0, 1, 2].map((i) => ({
      rating: 1,
      text: `Old complaint ${i}`,
      ingestedAt: new Date(NOW.getTime() - (900 - i) * MIN),
    })),
    { rating: 5, text: 'Old praise, assigned', ingestedAt: new Date(NOW.getTime() - 800 * MIN) },
    { rating: 1, text: 'Old complaint, handled', ingestedAt: new Date(NOW.getTime() - 799 * MIN) },
    { rating: 4, text: 'Old praise, never looked at', ingestedAt: new Date(NOW.getTime() - 798 * MIN) },
    ...Array.from({ length: 215 }, (_, i) => ({
      rating: i % 5 === 0 ? 3 : 5,
      text: `Recent ${i}`,
      facility: i % 2 === 0 ? 'North Clinic' : 'City Hospital',
      ingestedAt: new Date(NOW.getTime() - (300 - i) * MIN),
    })),
  ];

  beforeAll(async () => {
    slack = await new FakeSlack().start();
    t = await startTestApp({ db: db(), slack, now: () => NOW });
    ids = await seedReviews(specs);
    await assignReview(t.ctx, ids[3] as string, 'UASHA');
    await markReviewHandled(t.ctx, ids[4] as string, 'UBEN');
  }, 120_000);
  afterAll(async () => {
    await t.stop();
    await slack.close();
  });

  /** The archive's own answer, newest first. */
  const archive = async (where: Record<string, unknown>) =>
    (await Review.find(where).sort({ ingestedAt: -1 }).lean()).map((r) => ({
      id: String(r._id),
      sentiment: r.sentiment,
      status: r.status,
    }));

  test('"all" pages through the newest 200 received, exactly the archive\'s newest, with Next and page N', async () => {
    const newest = (await archive({})).slice(0, RECENT_KEEP).map((r) => r.id);
    const first = (await t.command('reviews all')).responses[0]?.body as Body;
    expect(shownIds(first)).toEqual(newest.slice(0, 10));
    const text = visibleText(first);
    expect(text).toContain('Items 1–10 of 200');
    expect(text).toContain(
      `the newest ${RECENT_KEEP} received are listed here; the 21 older of the 221 stored are counted in`,
    );
    const next = nextButton(first);
    expect(next?.text.text).toBe('Next 10');

    // The button replaces the ephemeral list with page 2.
    const click = await t.action({
      actionId: REVIEW_ACTION_IDS.nextPage,
      value: next?.value,
      surface: 'ephemeral',
      message: { ts: '1.000', text: first.text, blocks: first.blocks },
      expect: 1,
    });
    const second = click.responses[0]?.body as Body;
    expect(second.replace_original).toBe(true);
    expect(visibleText(second)).toContain('All reviews and feedback (page 2)');
    expect(shownIds(second)).toEqual(newest.slice(10, 20));

    // Every page together is the newest 200, each once; the last page has no Next.
    const seen: string[] = [];
    for (let p = 1; p <= 20; p++) {
      const body = (await t.command(`reviews all page ${p}`)).responses[0]?.body as Body;
      seen.push(...shownIds(body));
      if (p === 20) {
        expect(nextButton(body)).toBeUndefined();
        expect(visibleText(body)).toContain('Items 191–200 of 200');
      }
    }
    expect(seen).toEqual(newest);
    const past = visibleText((await t.command('reviews all page 21')).responses[0]?.body);
    expect(past).toContain('Page 21 is past the end of this list (200 items).');
    expect(slack.violations).toEqual([]);
  });

  test('"open" holds every open negative and assigned item whatever their age, then the new ones among the newest 200', async () => {
    const newest = new Set((await archive({})).slice(0, RECENT_KEEP).map((r) => r.id));
    const open = (await archive({ status: { $in: ['new', 'assigned'] } })).filter(
      (r) => r.sentiment === 'negative' || r.status === 'assigned' || newest.has(r.id),
    );
    const order = { negative: 0, neutral: 1, positive: 2 } as Record<string, number>;
    const want = [...open]
      .sort((a, b) => (order[a.sentiment] ?? 3) - (order[b.sentiment] ?? 3))
      .map((r) => r.id);
    const body = (await t.command('reviews open')).responses[0]?.body as Body;
    expect(shownIds(body)).toEqual(want.slice(0, 10));
    expect(shownIds(body).slice(0, 3)).toEqual([ids[2], ids[1], ids[0]]);
    const text = visibleText(body);
    expect(text).toContain(`Items 1–10 of ${want.length}`);
    expect(want).toHaveLength(3 + 1 + RECENT_KEEP);
    expect(text).toContain('Open = every open negative and every assigned item');
    // The assigned old positive is listed (after the neutrals); the handled one and the untouched old one are not.
    const all: string[] = [];
    for (let p = 1; p * 10 < want.length + 10; p++) {
      all.push(...shownIds((await t.command(`reviews open page ${p}`)).responses[0]?.body as Body));
    }
    expect(all).toEqual(want);
    expect(all).toContain(ids[3]);
    expect(all).not.toContain(ids[4]);
    expect(all).not.toContain(ids[5]);
  });

  test('"negative" is every open negative (from the archive: the same), per facility too, without a Next on one page', async () => {
    const neg = (await archive({ status: { $in: ['new', 'assigned'] }, sentiment: 'negative' })).map(
      (r) => r.id,
    );
    const body = (await t.command('reviews negative')).responses[0]?.body as Body;
    expect(shownIds(body)).toEqual(neg);
    expect(visibleText(body)).toContain('Items 1–3 of 3');
    expect(nextButton(body)).toBeUndefined();
    const north = (await t.command('reviews negative north clinic')).responses[0]?.body as Body;
    expect(visibleText(north)).toContain(':tada: No open negative reviews or feedback.');
    // Only the desk was read: it is far smaller than the archive.
    expect(await ReviewDesk.countDocuments({})).toBeLessThan(await Review.countDocuments({}));
  });

  test('a bad page is refused with an example, nothing changed', async () => {
    const body = (await t.command('reviews all page 0')).responses[0]?.body as Body;
    expect(visibleText(body)).toContain('Pages start at 1.');
    const forged = await t.action({
      actionId: REVIEW_ACTION_IDS.nextPage,
      value: 'everything:2:',
      surface: 'ephemeral',
      expect: 1,
    });
    expect(visibleText(forged.responses[0]?.body)).toContain("That button doesn't point at a review I know");
  });
});
