/**
 * The approval turnaround (`/smx metrics`) comes from the approvals roll-up, not from reading every post: an
 * approval counts once under its day, an edit that clears it takes it out again, a re-approval counts anew — and
 * the figures equal a recomputation over the posts after each step, before and after a compaction and a repair.
 */
import { Post } from '../../models/post';
import { computeMetrics, median } from '../../src/services/metrics';
import { resolvePeriods } from '../../src/services/metrics-periods';
import { approvePost, editPost } from '../../src/services/post-decisions';
import { createPost } from '../../src/services/posts';
import { compactRollups } from '../../src/services/rollup-compact';
import { repairRollups } from '../../src/services/rollup-repair';
import { startTestApp, type TestApp } from '../support/app';
import { useTestDatabase } from '../support/db';

const TZ = 'Asia/Kolkata';
const HOUR = 3600_000;

describe('approval turnaround from the roll-ups', () => {
  const db = useTestDatabase();
  let t: TestApp;
  let clock = new Date('2026-11-20T04:00:00Z');

  beforeAll(async () => {
    t = await startTestApp({
      db: db(),
      now: () => clock,
      env: { SMX_TIMEZONE: TZ, SMX_APPROVALS_CHANNEL: 'C0APPROVALS', SMX_APPROVERS: 'U0BOSS,U0CHIEF' },
    });
  });
  afterAll(async () => {
    await t.stop();
  });

  const later = (hours: number) => {
    clock = new Date(clock.getTime() + hours * HOUR);
  };

  /** What the old path computed: every post whose approval falls in the period, its hours since submission. */
  async function recomputed(): Promise<{ cur: number | null; prev: number | null; samples: number }> {
    const { current, previous } = resolvePeriods('30d', clock, TZ);
    const cur: number[] = [];
    const prev: number[] = [];
    for (const p of await Post.find({ approvedAt: { $ne: null } }).lean()) {
      const a = p.approvedAt as Date;
      const h = (a.getTime() - p.submittedAt.getTime()) / HOUR;
      if (a >= current.start && a <= current.end) cur.push(h);
      else if (a >= previous.start && a <= previous.end) prev.push(h);
    }
    return { cur: median(cur), prev: median(prev), samples: cur.length };
  }

  async function expectSame(label: string) {
    const want = await recomputed();
    const got = await computeMetrics(t.ctx, '30d');
    expect({ label, ...got.approval.medianHours, samples: got.approval.samples }).toEqual({
      label,
      value: want.cur,
      previous: want.prev,
      samples: want.samples,
    });
    return got;
  }

  test('approve, edit (clears it), approve again; the waiting count follows', async () => {
    const client = t.smx.app.client;
    const make = (text: string) =>
      createPost(t.ctx, client, {
        authorId: 'U0STAFF',
        targets: ['x'],
        when: { at: new Date(clock.getTime() + 48 * HOUR), now: false },
        text,
      });
    const a = await make('Free flu shots this week #CityHospital');
    const b = await make('Our new wing opens Monday #CityHospital');
    let r = await expectSame('nothing approved');
    expect(r.approval.samples).toBe(0);
    expect(r.approval.waiting).toBe(2);

    later(2);
    expect((await approvePost(t.ctx, client, a.shortId, 1, 'U0BOSS')).kind).toBe('ok');
    later(3);
    expect((await approvePost(t.ctx, client, b.shortId, 1, 'U0BOSS')).kind).toBe('ok');
    r = await expectSame('two approvals');
    expect(r.approval.medianHours.value).toBe(3.5); // 2 h and 5 h
    expect(r.approval.waiting).toBe(0);

    later(1);
    expect(
      (await editPost(t.ctx, client, a.shortId, 1, 'U0STAFF', 'Free flu shots all month #CityHospital')).kind,
    ).toBe('ok');
    r = await expectSame('the edit cleared one');
    expect(r.approval.samples).toBe(1);
    expect(r.approval.medianHours.value).toBe(5);
    expect(r.approval.waiting).toBe(1);

    // Folded into the month document, then repaired from the posts: the same figures.
    await compactRollups(t.ctx, 'test');
    await expectSame('after a compaction');

    later(4);
    expect((await approvePost(t.ctx, client, a.shortId, 2, 'U0CHIEF')).kind).toBe('ok');
    r = await expectSame('approved again');
    expect(r.approval.samples).toBe(2);
    expect(r.approval.medianHours.value).toBe((5 + 10) / 2); // a: submitted 10 h before its new approval

    // A repeated click on the old card changes nothing (the decision on that version is taken).
    expect((await approvePost(t.ctx, client, a.shortId, 1, 'U0BOSS')).kind).toBe('denied');
    await expectSame('after a stale click');

    // The repair writes the day as the posts stand (approved 5 h and 10 h, nothing cleared): the same figures,
    // and a second repair finds nothing to change.
    await repairRollups(t.ctx, { marginMs: Number.NEGATIVE_INFINITY, restoreInbox: false });
    await expectSame('after a repair');
    const again = await repairRollups(t.ctx, { marginMs: Number.NEGATIVE_INFINITY, restoreInbox: false });
    expect(again.keysRebuilt).toBe(0);

    // Thirty-one days on, the approvals are in the previous period.
    later(31 * 24);
    r = await expectSame('a month later');
    expect(r.approval.medianHours.previous).toBe(7.5);
    expect(r.approval.samples).toBe(0);
  });

  test('a repair rebuilds an approval whose roll-up entry was lost', async () => {
    const client = t.smx.app.client;
    const p = await createPost(t.ctx, client, {
      authorId: 'U0STAFF',
      targets: ['x'],
      when: { at: new Date(clock.getTime() + 48 * HOUR), now: false },
      text: 'Blood donation camp on Saturday #CityHospital',
    });
    later(6);
    // The approval written straight to the post, as if the process died before its roll-up entry.
    await Post.updateOne(
      { _id: p.id },
      { $set: { status: 'approved', approvedBy: 'U0BOSS', approvedAt: clock } },
    );
    const before = await computeMetrics(t.ctx, '30d');
    expect(before.approval.samples).toBe(0);
    expect((await recomputed()).samples).toBe(1); // the roll-up misses it
    later(1);
    const repaired = await repairRollups(t.ctx);
    expect(repaired.keysRebuilt).toBeGreaterThan(0);
    const r = await expectSame('repaired');
    expect(r.approval.samples).toBe(1);
    expect(r.approval.medianHours.value).toBe(6);
  });
});
