import pino from 'pino';
import { Claim } from '../../../models/claim';
import { DigestInbox } from '../../../models/digest-inbox';
import { Review } from '../../../models/review';
import type { SmxContext } from '../../../src/context';
import { LEGACY_MIGRATION_KEY, migrateLegacyUndigested } from '../../../src/services/digest';
import { useTestDatabase } from '../../support/db';
import { reviewDoc } from '../../support/reviews';

const NOW = new Date('2026-11-24T02:30:00Z');
const ctx = {
  now: () => NOW,
  instanceId: 'test',
  logger: pino({ level: 'silent' }),
} as unknown as SmxContext;

describe('upgrading a database from before the digest inbox', () => {
  useTestDatabase();

  test('reviews stored with digestedAt: null get inbox documents, once; digested and new-style ones do not', async () => {
    const waiting = { ...reviewDoc({ rating: 1 }), digestedAt: null, digestKey: null };
    const digested = { ...reviewDoc({ rating: 5 }), digestedAt: NOW, digestKey: 'digest:C1:2026-11-23' };
    const newStyle = reviewDoc({ rating: 3 }); // no digestedAt field at all (stored since the inbox)
    await Review.collection.insertMany([waiting, digested, newStyle]);

    expect(await migrateLegacyUndigested(ctx)).toBe(1);
    const inbox = await DigestInbox.find({}).lean();
    expect(inbox.map((d) => String(d._id))).toEqual([String(waiting._id)]);
    expect(inbox[0]).toMatchObject({ rating: 1, text: waiting.text, status: 'new' });
    expect((await Claim.findById(LEGACY_MIGRATION_KEY).lean())?.note).toBe('done:1');

    // Once per database and process: a second call does nothing.
    await DigestInbox.deleteMany({});
    expect(await migrateLegacyUndigested(ctx)).toBe(0);
    expect(await DigestInbox.countDocuments({})).toBe(0);
  });
});
