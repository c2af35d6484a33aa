import { DigestInbox } from '../../../models/digest-inbox';
import { Review } from '../../../models/review';
import { type IncomingReview, scoreSentiment, storeItems } from '../../../src/services/review-store';
import { useTestDatabase } from '../../support/db';

const NOW = new Date('2026-11-24T20:00:00Z'); // 25 Nov 01:30 in Asia/Kolkata
const ctx = { now: () => NOW, config: { timezone: 'Asia/Kolkata' } };

const item = (id: string, over: Partial<IncomingReview> = {}): IncomingReview => ({
  source: 'google',
  externalId: id,
  facility: 'City Hospital',
  rating: 5,
  text: 'Kind nurses',
  authorName: 'Asha Patient',
  postedAt: new Date('2026-11-20T10:00:00Z'),
  sourceUpdatedAt: new Date('2026-11-20T10:00:00Z'),
  ...over,
});

describe('scoreSentiment', () => {
  test('stars decide: ≤2 negative, 3 neutral, ≥4 positive, whatever the text says', () => {
    expect(scoreSentiment({ text: 'wonderful', rating: 1 }).sentiment).toBe('negative');
    expect(scoreSentiment({ text: 'wonderful', rating: 2 }).sentiment).toBe('negative');
    expect(scoreSentiment({ text: 'terrible', rating: 3 }).sentiment).toBe('neutral');
    expect(scoreSentiment({ text: 'terrible', rating: 4 }).sentiment).toBe('positive');
  });
  test('without stars, the AFINN text score decides', () => {
    const bad = scoreSentiment({ text: 'The wait was terrible and the staff rude' });
    expect(bad.sentiment).toBe('negative');
    expect(bad.score).toBeLessThan(0);
    expect(scoreSentiment({ text: 'Great care, thank you' }).sentiment).toBe('positive');
    expect(scoreSentiment({ text: 'Parking is on level 2' })).toEqual({ sentiment: 'neutral', score: 0 });
  });
  test("a don't-recommend without stars is negative", () => {
    expect(scoreSentiment({ text: '', recommends: false }).sentiment).toBe('negative');
  });
});

describe('storeItems', () => {
  useTestDatabase();

  test('stores new items once, with status new, local day/week and sentiment; a re-fetch stores nothing', async () => {
    const items = [
      item('g1'),
      item('g2', { rating: 1, text: 'Rude' }),
      item('g3', { rating: null, text: 'awful' }),
    ];
    expect(await storeItems(items, ctx)).toEqual({ created: 3, duplicate: 0, updated: 0 });
    expect(await storeItems(items, ctx)).toEqual({ created: 0, duplicate: 3, updated: 0 });
    expect(await Review.countDocuments({ source: 'google' })).toBe(3);
    expect(await DigestInbox.countDocuments({ source: 'google' })).toBe(3);
    const g2 = await Review.findOne({ externalId: 'g2' }).lean();
    expect(g2).toMatchObject({
      status: 'new',
      sentiment: 'negative',
      ingestedAt: NOW,
      localDay: '2026-11-25',
      localWeek: '2026-W48',
      facility: 'City Hospital',
    });
    expect((await Review.findOne({ externalId: 'g3' }).lean())?.sentiment).toBe('negative');
  });

  test('the same id under another source is another item', async () => {
    expect(await storeItems([item('g1', { source: 'facebook' })], ctx)).toEqual({
      created: 1,
      duplicate: 0,
      updated: 0,
    });
  });

  test('an edit (newer sourceUpdatedAt) updates text, rating and sentiment but not status or ingestedAt', async () => {
    await Review.updateOne(
      { source: 'google', externalId: 'g1' },
      { $set: { status: 'handled', handledBy: 'U1' } },
    );
    // Carried by a digest: no longer in the digest inbox.
    expect((await DigestInbox.deleteMany({ source: 'google', externalId: 'g1' })).deletedCount).toBe(1);
    const later = { now: () => new Date('2026-11-26T00:00:00Z'), config: ctx.config };
    const edited = item('g1', {
      rating: 2,
      text: 'Changed my mind: billing was a mess',
      sourceUpdatedAt: new Date('2026-11-25T09:00:00Z'),
    });
    expect(await storeItems([edited], later)).toEqual({ created: 0, duplicate: 0, updated: 1 });
    const g1 = await Review.findOne({ source: 'google', externalId: 'g1' }).lean();
    expect(g1).toMatchObject({
      rating: 2,
      text: 'Changed my mind: billing was a mess',
      sentiment: 'negative',
      status: 'handled',
      handledBy: 'U1',
      ingestedAt: NOW,
    });
    expect(await DigestInbox.countDocuments({ source: 'google', externalId: 'g1' })).toBe(0);
    // An older copy arriving late changes nothing.
    expect(await storeItems([item('g1')], later)).toEqual({ created: 0, duplicate: 1, updated: 0 });
    expect((await Review.findOne({ source: 'google', externalId: 'g1' }).lean())?.rating).toBe(2);
  });

  test('a batch repeating an item counts the repeat as a duplicate', async () => {
    const c = await storeItems([item('r1'), item('r1'), item('r2')], ctx);
    expect(c).toEqual({ created: 2, duplicate: 1, updated: 0 });
  });

  test('more than one batch: 1200 items in three bulk writes, counted exactly', async () => {
    const many = Array.from({ length: 1200 }, (_, i) => item(`bulk-${i}`, { source: 'bulk' }));
    expect(await storeItems(many, ctx)).toEqual({ created: 1200, duplicate: 0, updated: 0 });
    const again = [
      ...many.slice(0, 600),
      ...Array.from({ length: 10 }, (_, i) => item(`more-${i}`, { source: 'bulk' })),
    ];
    expect(await storeItems(again, ctx)).toEqual({ created: 10, duplicate: 600, updated: 0 });
    expect(await Review.countDocuments({ source: 'bulk' })).toBe(1210);
  });

  test('two writers storing the same new items at once store each item once', async () => {
    const batch = Array.from({ length: 50 }, (_, i) => item(`race-${i}`, { source: 'race' }));
    const [a, b] = await Promise.all([storeItems(batch, ctx), storeItems(batch, ctx)]);
    expect(await Review.countDocuments({ source: 'race' })).toBe(50);
    // One digest inbox document per item, with the review's _id.
    const inbox = (await DigestInbox.find({ source: 'race' }, { _id: 1 }).lean()).map((d) => String(d._id));
    const reviews = (await Review.find({ source: 'race' }, { _id: 1 }).lean()).map((d) => String(d._id));
    expect(inbox.sort()).toEqual(reviews.sort());
    expect(a.created + b.created).toBe(50);
    expect(a.duplicate + b.duplicate).toBe(50);
  });

  test('after a crash mid-store, the repair job gives a review its inbox copy, roll-up and desk copy back; a digested one stays out', async () => {
    const { DigestLog } = await import('../../../models/digest-log');
    const { ReviewDesk } = await import('../../../models/review-desk');
    const { repairRollups } = await import('../../../src/services/rollup-repair');
    const { storedCount } = await import('../../../src/services/rollups');
    const longAgo = { now: () => new Date(Date.now() - 3600_000), config: { timezone: 'Asia/Kolkata' } };
    await Promise.all([Review.deleteMany({}), DigestInbox.deleteMany({}), ReviewDesk.deleteMany({})]);
    await storeItems([item('lost', { rating: 1 }), item('digested', { rating: 1 })], longAgo);
    const [lost, digested] = await Promise.all([
      Review.findOne({ externalId: 'lost' }).lean(),
      Review.findOne({ externalId: 'digested' }).lean(),
    ]);
    // As if the process died right after the review insert: nothing derived from `lost` was written.
    await DigestInbox.deleteMany({});
    await ReviewDesk.deleteMany({ _id: lost?._id });
    const { RollupDelta, RollupDoc } = await import('../../../models/rollup');
    await Promise.all([RollupDelta.deleteMany({}), RollupDoc.deleteMany({})]);
    await DigestLog.create({
      _id: 'digest:C1:2026-11-24:1.0:1',
      key: 'digest:C1:2026-11-24',
      channel: 'C1',
      ts: '1.0',
      part: 1,
      at: new Date(),
      reviewIds: [String(digested?._id)],
    });
    expect(await storedCount()).toBe(0);

    const result = await repairRollups({ ...longAgo, now: () => new Date(), instanceId: 'test' });
    expect(result).toMatchObject({ ran: true, inboxRestored: 1, deskAdded: 1 });
    expect((await DigestInbox.find({}).lean()).map((d) => String(d._id))).toEqual([String(lost?._id)]);
    expect(await ReviewDesk.countDocuments({ _id: lost?._id })).toBe(1);
    expect(await storedCount()).toBe(2);
    // A second run finds nothing to do.
    expect(await repairRollups({ ...longAgo, now: () => new Date(), instanceId: 'test' })).toMatchObject({
      keysRebuilt: 0,
      inboxRestored: 0,
      deskAdded: 0,
    });
  });
});
