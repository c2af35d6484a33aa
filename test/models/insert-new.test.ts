/**
 * The seen-request claim's insert (models/insert-new.ts) on the real test database: a burst of concurrent claims
 * shares bulk insert commands, and each caller learns whether its own key was new — keys stored before, and the
 * same key twice in one burst, are not.
 */
import { coalescedInsertNew, insertNew } from '../../models/insert-new';
import { SeenRequest } from '../../models/seen-request';
import { useTestDatabase } from '../support/db';

describe('insert-and-catch', () => {
  useTestDatabase();

  test('new keys go in, stored ones and repeats in the same bulk insert do not', async () => {
    const now = new Date();
    await SeenRequest.create({ _id: 'sig:old', seenAt: now });
    const fresh = await insertNew(SeenRequest.collection, [
      { _id: 'sig:a', seenAt: now },
      { _id: 'sig:old', seenAt: now },
      { _id: 'sig:b', seenAt: now },
      { _id: 'sig:a', seenAt: now },
    ]);
    expect(fresh).toEqual([true, false, true, false]);
    const stored = await SeenRequest.find({ _id: { $in: ['sig:a', 'sig:b', 'sig:old'] } }).lean();
    expect(stored.map((d) => d._id).sort()).toEqual(['sig:a', 'sig:b', 'sig:old']);
  });

  test('a burst of concurrent claims: each caller hears about its own key', async () => {
    const claim = coalescedInsertNew(SeenRequest.collection);
    const now = new Date();
    await SeenRequest.create({ _id: 'event:seen-before', seenAt: now });
    const keys = [
      ...Array.from({ length: 30 }, (_, i) => `event:burst-${i}`),
      'event:seen-before',
      'event:burst-3',
      'event:burst-17',
    ];
    const answers = await Promise.all(keys.map((k) => claim({ _id: k, seenAt: now })));
    expect(answers.slice(0, 30).every(Boolean)).toBe(true);
    expect(answers.slice(30)).toEqual([false, false, false]);
    expect(await SeenRequest.countDocuments({ _id: { $regex: '^event:burst-' } })).toBe(30);
  });
});
