import { digestJob } from '../../jobs/digest';
import { startJobs } from '../../jobs/index';
import { Audit } from '../../models/audit';
import { Claim } from '../../models/claim';
import { DigestInbox } from '../../models/digest-inbox';
import { DigestLog } from '../../models/digest-log';
import { Review } from '../../models/review';
import { ReviewDesk } from '../../models/review-desk';
import { getClaim } from '../../src/services/claims';
import { assignReview, markReviewHandled, REVIEW_ACTION_MESSAGES } from '../../src/services/review-actions';
import { storeItems } from '../../src/services/review-store';
import { REPLY_ACTION_IDS, REVIEW_ACTION_IDS } from '../../src/slack/ids';
import { REVIEW_BUTTON_MESSAGES } from '../../src/slack/review-buttons';
import { FakeSlack, type StoredMessage } from '../fakes/slack';
import { startTestApp, type TestApp, visibleText } from '../support/app';
import { useTestDatabase } from '../support/db';
import { seedReviews } from '../support/reviews';

const MAIN = 'CDIGEST';
const NORTH = 'CNORTH';
// Tue 24 Nov 2026, 08:00 in Asia/Kolkata (the test app's SMX_TIMEZONE).
const DAY1 = new Date('2026-11-24T02:30:00Z');
const DAY2 = new Date('2026-11-25T02:30:00Z');

const itemIds = (m: StoredMessage): string[] =>
  (m.blocks as Array<{ block_id?: string }>)
    .map((b) => /^rv:([0-9a-f]{24}):s$/.exec(b.block_id ?? '')?.[1])
    .filter((x): x is string => x !== undefined);

const topLevel = (slack: FakeSlack, channel: string) =>
  slack.channelMessages(channel).filter((m) => m.thread_ts === undefined);

describe('the reviews digest', () => {
  const db = useTestDatabase();
  let slack: FakeSlack;
  let now = DAY1;
  let t: TestApp;
  const run = (app: TestApp = t) => digestJob.run({ ctx: app.ctx, client: app.smx.app.client });

  beforeAll(async () => {
    slack = await new FakeSlack().start();
    t = await startTestApp({ db: db(), slack, now: () => now, env: { SMX_DIGEST_CHANNEL: MAIN } });
  });
  afterAll(async () => {
    await t.stop();
    await slack.close();
  });
  beforeEach(async () => {
    now = DAY1;
    await Promise.all([
      Review.deleteMany({}),
      Claim.deleteMany({}),
      Audit.deleteMany({}),
      DigestInbox.deleteMany({}),
      DigestLog.deleteMany({}),
      ReviewDesk.deleteMany({}),
    ]);
    slack.messages.clear();
    slack.violations.length = 0;
  });

  test('500 new items: within Block Kit limits, the rest in thread replies, every item exactly once, negatives first', async () => {
    const specs = Array.from({ length: 500 }, (_, i) => ({
      rating: (i % 5) + 1,
      // Some long texts, to exercise truncation and the per-message character budget.
      text: i % 7 === 0 ? `Long story ${i}: ${'waited for hours & nobody came '.repeat(80)}` : `Item ${i}`,
      source: ['google', 'facebook', 'x', 'feedback', 'mouthshut'][i % 5] as string,
      facility: i % 3 === 0 ? null : i % 3 === 1 ? 'City Hospital' : 'North Clinic',
      ingestedAt: new Date(DAY1.getTime() - (i + 1) * 60_000),
    }));
    const ids = await seedReviews(specs);
    await run();

    expect(slack.violations).toEqual([]);
    const all = slack.channelMessages(MAIN);
    const tops = all.filter((m) => m.thread_ts === undefined);
    expect(tops).toHaveLength(1);
    const top = tops[0] as StoredMessage;
    const replies = all.filter((m) => m.thread_ts === top.ts);
    expect(replies.length).toBeGreaterThan(0);
    expect(replies.length + 1).toBe(all.length);
    for (const m of all) expect(m.blocks.length).toBeLessThanOrEqual(50);

    const seen = all.flatMap(itemIds);
    expect(seen).toHaveLength(500);
    expect(new Set(seen)).toEqual(new Set(ids));

    const text = visibleText(top as unknown as Record<string, unknown>);
    expect(text).toContain('Reviews digest · Tue 24 Nov 2026');
    expect(text).toContain('500 new items');
    expect(text).toContain('200 negative');
    expect(text).toContain('Needs attention');
    expect(text).toMatch(/By source:.*Google 100/);
    expect(text).toMatch(/By facility:.*City Hospital 167/);
    expect(text).toContain('Average rating *3.0*');
    // The first item shown is a 1-star one.
    const firstItem = await Review.findById(itemIds(top)[0]).lean();
    expect(firstItem?.rating).toBe(1);
    expect(text).toContain('★☆☆☆☆');

    const undigested = await DigestInbox.countDocuments({});
    expect(undigested).toBe(0);
    expect(await Review.countDocuments({})).toBe(500);
    const logged = await DigestLog.find({ key: `digest:${MAIN}:2026-11-24` }).lean();
    expect(logged.map((l) => l.part).sort((x, y) => x - y)).toEqual(all.map((_, i) => i + 1));
    expect(logged.every((l) => l.ts === top.ts)).toBe(true);
    expect(new Set(logged.flatMap((l) => l.reviewIds))).toEqual(new Set(ids));
    expect(logged.flatMap((l) => l.reviewIds)).toHaveLength(500);

    // The same day again: nothing more is posted.
    await run();
    expect(slack.channelMessages(MAIN)).toHaveLength(all.length);
  });

  test('an item ingested after the digest goes into the next day’s digest; a quiet day says since when', async () => {
    const [first] = await seedReviews([{ rating: 2, text: 'Rude at reception' }]);
    await run();
    const [later] = await seedReviews([
      { rating: 5, text: 'Lovely nurses', ingestedAt: new Date(DAY1.getTime() + 3600_000) },
    ]);
    await run(); // same day: claimed already
    expect(topLevel(slack, MAIN)).toHaveLength(1);

    now = DAY2;
    await run();
    const tops = topLevel(slack, MAIN);
    expect(tops).toHaveLength(2);
    expect(itemIds(tops[0] as StoredMessage)).toEqual([first]);
    expect(itemIds(tops[1] as StoredMessage)).toEqual([later]);
    expect(visibleText(tops[1] as unknown as Record<string, unknown>)).toContain('Positive highlights');

    now = new Date(DAY2.getTime() + 24 * 3600_000);
    await run();
    const quiet = topLevel(slack, MAIN)[2] as StoredMessage;
    expect(quiet.text).toContain('No new reviews or feedback since Wed 25 Nov, 08:00 IST');
    expect(itemIds(quiet)).toEqual([]);
  });

  test('a quiet first day posts the short message', async () => {
    await run();
    const tops = topLevel(slack, MAIN);
    expect(tops).toHaveLength(1);
    expect(visibleText(tops[0] as unknown as Record<string, unknown>)).toContain(
      'No new reviews or feedback yet',
    );
  });

  test('two app instances firing the job repeatedly and concurrently post exactly one digest', async () => {
    await seedReviews(Array.from({ length: 30 }, (_, i) => ({ rating: (i % 5) + 1 })));
    const t2 = await startTestApp({ db: db(), slack, now: () => now, env: { SMX_DIGEST_CHANNEL: MAIN } });
    try {
      expect(t2.ctx.instanceId).not.toBe(t.ctx.instanceId);
      const runs = Array.from({ length: 10 }, (_, i) => run(i % 2 === 0 ? t : t2));
      await Promise.all(runs);
      await Promise.all([run(t), run(t2)]);
      expect(topLevel(slack, MAIN)).toHaveLength(1);
      const seen = slack.channelMessages(MAIN).flatMap(itemIds);
      expect(seen).toHaveLength(30);
      expect(new Set(seen).size).toBe(30);
    } finally {
      await t2.stop();
    }
  });

  test('two instances with the cron firing every second post one digest per day', async () => {
    await seedReviews([{ rating: 1 }, { rating: 5 }]);
    const env = { SMX_DIGEST_CHANNEL: MAIN, SMX_DIGEST_CRON: '* * * * * *' };
    const a = await startTestApp({ db: db(), slack, now: () => now, env });
    const b = await startTestApp({ db: db(), slack, now: () => now, env });
    const stops = [
      startJobs(a.ctx, a.smx.app.client, [digestJob]),
      startJobs(b.ctx, b.smx.app.client, [digestJob]),
    ];
    try {
      await new Promise((resolve) => setTimeout(resolve, 3500));
    } finally {
      for (const stop of stops) await stop();
      await a.stop();
      await b.stop();
    }
    const tops = topLevel(slack, MAIN);
    expect(tops).toHaveLength(1);
    expect(itemIds(tops[0] as StoredMessage)).toHaveLength(2);
  });

  test('a Slack failure releases the day’s claim and the next run posts', async () => {
    const ids = await seedReviews([{ rating: 1 }, { rating: 4 }]);
    slack.failNext('chat.postMessage', { error: 'channel_not_found' });
    await expect(run()).rejects.toThrow(/digest failed for CDIGEST/);
    expect(await getClaim(`digest:${MAIN}:2026-11-24`)).toBeNull();
    expect(await DigestInbox.countDocuments({})).toBe(2);
    expect(topLevel(slack, MAIN)).toHaveLength(0);

    await run();
    const tops = topLevel(slack, MAIN);
    expect(tops).toHaveLength(1);
    expect(new Set(itemIds(tops[0] as StoredMessage))).toEqual(new Set(ids));
    expect((await getClaim(`digest:${MAIN}:2026-11-24`))?.note).toMatch(/^posted:/);
  });

  test('a thread reply that fails leaves its items for the next digest: none dropped, none twice', async () => {
    const ids = await seedReviews(Array.from({ length: 60 }, (_, i) => ({ rating: (i % 5) + 1 })));
    let calls = 0;
    const real = t.smx.app.client;
    const flaky = {
      chat: {
        postMessage: async (args: Parameters<typeof real.chat.postMessage>[0]) => {
          calls += 1;
          if (calls === 2) throw new Error('slack hiccup');
          return real.chat.postMessage(args);
        },
      },
    } as unknown as typeof real;
    await digestJob.run({ ctx: t.ctx, client: flaky });
    const day1 = slack.channelMessages(MAIN).flatMap(itemIds);
    expect(day1.length).toBeGreaterThan(0);
    expect(day1.length).toBeLessThan(60);
    expect(await DigestInbox.countDocuments({})).toBe(60 - day1.length);

    now = DAY2;
    await run();
    const all = slack.channelMessages(MAIN).flatMap(itemIds);
    expect(all).toHaveLength(60);
    expect(new Set(all)).toEqual(new Set(ids));
  });

  test('buttons update the same message in place; a second click is refused; handled after assign is allowed', async () => {
    const [a, b] = await seedReviews([
      { rating: 1, text: 'Waited four hours' },
      { rating: 2, text: 'Parking was a nightmare' },
    ]);
    await run();
    const msg = topLevel(slack, MAIN)[0] as StoredMessage;
    const click = (actionId: string, value: string, user: string, expect = 0) =>
      t.action({
        actionId,
        value,
        user,
        channel: MAIN,
        messageTs: msg.ts,
        message: { ts: msg.ts, text: msg.text, blocks: msg.blocks },
        expect,
      });

    const first = await click(REVIEW_ACTION_IDS.assign, a as string, 'UALICE');
    expect(first.status).toBe(200);
    expect(msg.history).toHaveLength(2);
    let text = visibleText(msg as unknown as Record<string, unknown>);
    expect(text).toContain('Assigned to <@UALICE>');
    const itemA = (msg.blocks as Array<{ block_id?: string; elements?: Array<{ action_id?: string }> }>).find(
      (x) => x.block_id === `rv:${a}:a`,
    );
    expect(itemA?.elements?.map((e) => e.action_id)).toEqual([
      REPLY_ACTION_IDS.draft,
      REVIEW_ACTION_IDS.markHandled,
    ]);
    const itemB = (msg.blocks as Array<{ block_id?: string; elements?: unknown[] }>).find(
      (x) => x.block_id === `rv:${b}:a`,
    );
    expect(itemB?.elements).toHaveLength(3);
    expect(itemIds(msg)).toEqual(itemIds({ ...msg, blocks: msg.history[0]?.blocks ?? [] }));

    const second = await click(REVIEW_ACTION_IDS.assign, a as string, 'UBOB', 1);
    expect(second.responses[0]?.body.response_type).toBe('ephemeral');
    expect(second.responses[0]?.body.text).toBe(REVIEW_ACTION_MESSAGES.alreadyAssigned('UALICE'));
    expect((await Review.findById(a).lean())?.assignedTo).toBe('UALICE');

    await click(REVIEW_ACTION_IDS.markHandled, a as string, 'UBOB');
    text = visibleText(msg as unknown as Record<string, unknown>);
    expect(text).toContain('Handled by <@UBOB>');
    expect(text).toContain('(assigned to <@UALICE>)');
    // Handled: only Draft reply is left (a handled review may still be answered publicly).
    expect(
      (msg.blocks as Array<{ block_id?: string; elements?: Array<{ action_id?: string }> }>)
        .find((x) => x.block_id === `rv:${a}:a`)
        ?.elements?.map((e) => e.action_id),
    ).toEqual([REPLY_ACTION_IDS.draft]);
    const stored = await Review.findById(a).lean();
    expect(stored).toMatchObject({ status: 'handled', handledBy: 'UBOB', assignedTo: 'UALICE' });
    expect(stored?.firstActionAt).toEqual(DAY1);

    const late = await click(REVIEW_ACTION_IDS.assign, a as string, 'UCAROL', 1);
    expect(late.responses[0]?.body.text).toBe(REVIEW_ACTION_MESSAGES.alreadyHandled('UBOB'));
    const again = await click(REVIEW_ACTION_IDS.markHandled, a as string, 'UCAROL', 1);
    expect(again.responses[0]?.body.text).toBe(REVIEW_ACTION_MESSAGES.alreadyHandled('UBOB'));

    const history = await Audit.find({ entity: 'review', entityId: a }).sort({ at: 1 }).lean();
    expect(history.map((h) => [h.action, h.actor])).toEqual([
      ['assigned', 'UALICE'],
      ['handled', 'UBOB'],
    ]);
    expect(slack.violations).toEqual([]);
  });

  test('five people clicking Assign at once: one wins, four are told who', async () => {
    const [id] = await seedReviews([{ rating: 1 }]);
    await run();
    const msg = topLevel(slack, MAIN)[0] as StoredMessage;
    const users = ['U1', 'U2', 'U3', 'U4', 'U5'];
    const results = await Promise.all(
      users.map((user) =>
        t.action({
          actionId: REVIEW_ACTION_IDS.assign,
          value: id as string,
          user,
          channel: MAIN,
          messageTs: msg.ts,
          message: { ts: msg.ts, text: msg.text, blocks: msg.blocks },
        }),
      ),
    );
    const review = await Review.findById(id).lean();
    expect(users).toContain(review?.assignedTo);
    expect(review?.status).toBe('assigned');
    const audits = await Audit.find({ entity: 'review', entityId: id }).lean();
    expect(audits).toHaveLength(1);
    expect(audits[0]?.actor).toBe(review?.assignedTo);
    const refused = results.flatMap((r) => r.responses).map((r) => r.body.text);
    expect(refused).toEqual(
      Array(4).fill(REVIEW_ACTION_MESSAGES.alreadyAssigned(review?.assignedTo as string)),
    );
  });

  test('a stale or unknown review id gets an ephemeral note', async () => {
    const unknown = await t.action({
      actionId: REVIEW_ACTION_IDS.assign,
      value: '0123456789abcdef01234567',
      expect: 1,
    });
    expect(unknown.responses[0]?.body.text).toBe(REVIEW_ACTION_MESSAGES.notFound);
    expect(unknown.responses[0]?.body.response_type).toBe('ephemeral');
    const junk = await t.action({ actionId: REVIEW_ACTION_IDS.markHandled, value: 'not-an-id', expect: 1 });
    expect(junk.responses[0]?.body.text).toBe(REVIEW_BUTTON_MESSAGES.badValue);
  });

  test('reviewer names are hidden by default and shown with SMX_DIGEST_SHOW_NAMES=true', async () => {
    await seedReviews([{ rating: 2, authorName: 'Priya Sharma' }]);
    await run();
    const hidden = visibleText(topLevel(slack, MAIN)[0] as unknown as Record<string, unknown>);
    expect(hidden).not.toContain('Priya');

    await seedReviews([
      { rating: 2, authorName: 'Priya Sharma', ingestedAt: new Date(DAY2.getTime() - 60_000) },
    ]);
    now = DAY2;
    const shows = await startTestApp({
      db: db(),
      slack,
      now: () => now,
      env: { SMX_DIGEST_CHANNEL: MAIN, SMX_DIGEST_SHOW_NAMES: 'true' },
    });
    try {
      await run(shows);
    } finally {
      await shows.stop();
    }
    const shown = visibleText(topLevel(slack, MAIN)[1] as unknown as Record<string, unknown>);
    expect(shown).toContain('by Priya Sharma');
  });

  test('review text cannot ping the channel, mention people or fake links', async () => {
    await seedReviews([
      {
        rating: 1,
        text: '<!channel> call <@U0BOSS> now <https://evil.example|your bank>',
        url: 'https://ok.example/a|b>c',
      },
    ]);
    await run();
    const m = topLevel(slack, MAIN)[0] as StoredMessage;
    const text = visibleText(m as unknown as Record<string, unknown>);
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<@U0BOSS>');
    expect(text).not.toContain('<https://evil.example');
    expect(text).toContain('<https://ok.example/a%7Cb%3Ec|View original>');
  });

  test('facility channels get their own items; the main channel gets the rest', async () => {
    const fc = await startTestApp({
      db: db(),
      slack,
      now: () => now,
      env: { SMX_DIGEST_CHANNEL: MAIN, SMX_FACILITY_CHANNELS: `North Clinic=${NORTH}` },
    });
    try {
      const [north, city, none] = await seedReviews([
        { facility: 'North Clinic', rating: 1 },
        { facility: 'City Hospital', rating: 2 },
        { facility: null, rating: 3 },
      ]);
      await run(fc);
      expect(itemIds(topLevel(slack, NORTH)[0] as StoredMessage)).toEqual([north]);
      expect(new Set(itemIds(topLevel(slack, MAIN)[0] as StoredMessage))).toEqual(new Set([city, none]));
      expect(visibleText(topLevel(slack, NORTH)[0] as unknown as Record<string, unknown>)).toContain(
        'Reviews digest · Tue 24 Nov 2026 — North Clinic',
      );
    } finally {
      await fc.stop();
    }
  });

  test('/smx digest previews the next digest to the requester only, marking nothing', async () => {
    await seedReviews([
      { rating: 1, text: 'Cold food' },
      { rating: 5, text: 'Great care' },
    ]);
    const { responses } = await t.command('digest');
    const body = responses[0]?.body;
    expect(body?.response_type).toBe('ephemeral');
    const text = visibleText(body);
    expect(text).toContain('Only you can see this');
    expect(text).toContain(`<#${MAIN}>: 2 new items (1 negative)`);
    expect(text).toContain('Preview: Reviews digest');
    expect(text).toContain('Cold food');
    expect(await DigestInbox.countDocuments({})).toBe(2);
    expect(await Claim.countDocuments({})).toBe(0);
    expect(slack.channelMessages(MAIN)).toHaveLength(0);
  });

  test('/smx digest without a digest channel says how to set one up', async () => {
    const bare = await startTestApp({ db: db(), slack, now: () => now });
    try {
      const { responses } = await bare.command('digest');
      expect(visibleText(responses[0]?.body)).toContain('SMX_DIGEST_CHANNEL=C0123ABCD');
    } finally {
      await bare.stop();
    }
  });

  test('/smx reviews lists open items, negatives first, capped with "and N more", with the same buttons', async () => {
    const specs = Array.from({ length: 14 }, (_, i) => ({
      rating: i < 3 ? 1 : 5,
      text: `Item ${i}`,
      facility: i % 2 === 0 ? 'North Clinic' : 'City Hospital',
      ingestedAt: new Date(DAY1.getTime() - (14 - i) * 60_000),
    }));
    const ids = await seedReviews(specs);
    // Handled the way a person does it (the archive, the inbox and the desk copy all change).
    await markReviewHandled(t.ctx, ids[13] as string, 'UX');

    const open = await t.command('reviews');
    const body = open.responses[0]?.body as Record<string, unknown>;
    expect(body.response_type).toBe('ephemeral');
    const blocks = body.blocks as Array<{ block_id?: string; elements?: Array<{ action_id?: string }> }>;
    const shown = blocks.map((b) => /^rv:(\w+):s$/.exec(b.block_id ?? '')?.[1]).filter(Boolean);
    expect(shown).toHaveLength(10);
    expect(shown.slice(0, 3)).toEqual([ids[2], ids[1], ids[0]]);
    expect(visibleText(body)).toContain('and 3 more items not shown');
    expect(shown).not.toContain(ids[13]);
    expect(blocks.find((b) => b.block_id === `rv:${ids[0]}:a`)?.elements?.map((e) => e.action_id)).toEqual([
      REPLY_ACTION_IDS.draft,
      REVIEW_ACTION_IDS.assign,
      REVIEW_ACTION_IDS.markHandled,
    ]);

    const neg = await t.command('reviews negative north clinic');
    const negText = visibleText(neg.responses[0]?.body);
    expect(negText).toContain('Open negative reviews and feedback — North Clinic');
    const negIds = ((neg.responses[0]?.body.blocks ?? []) as Array<{ block_id?: string }>)
      .map((b) => /^rv:(\w+):s$/.exec(b.block_id ?? '')?.[1])
      .filter(Boolean);
    expect(negIds).toEqual([ids[2], ids[0]]);

    const all = await t.command('reviews all');
    expect(visibleText(all.responses[0]?.body)).toContain('and 4 more');

    // A click inside that ephemeral list replaces the list through its response_url (it cannot be chat.update-d).
    const listBody = open.responses[0]?.body as Record<string, unknown>;
    const click = await t.action({
      actionId: REVIEW_ACTION_IDS.assign,
      value: ids[0] as string,
      user: 'UCAROL',
      surface: 'ephemeral',
      message: { ts: '1.000', text: listBody.text, blocks: listBody.blocks },
      expect: 1,
    });
    const replaced = click.responses[0]?.body as Record<string, unknown>;
    expect(replaced.replace_original).toBe(true);
    expect(visibleText(replaced)).toContain('Assigned to <@UCAROL>');
    expect(await Review.findById(ids[0]).lean()).toMatchObject({ status: 'assigned', assignedTo: 'UCAROL' });

    const bad = await t.command('reviews open Nowhere Clinic');
    expect(visibleText(bad.responses[0]?.body)).toContain("smx knows no facility called 'Nowhere Clinic'");
    expect(slack.violations).toEqual([]);
  });
  describe('the digest inbox', () => {
    const store = { now: () => new Date(DAY1.getTime() - 3600_000), config: { timezone: 'Asia/Kolkata' } };
    const incoming = (externalId: string, extra: Record<string, unknown> = {}) => ({
      source: 'feedback',
      externalId,
      text: `Feedback ${externalId}`,
      rating: 4,
      postedAt: new Date(DAY1.getTime() - 7200_000),
      ...extra,
    });
    const inboxIds = async () =>
      (await DigestInbox.find({}, { _id: 1 }).lean()).map((d) => String(d._id)).sort();

    test('an item stored through storeItems is in exactly one digest and leaves the inbox; an edit while it waits shows', async () => {
      expect(await storeItems([incoming('k1', { rating: 1 }), incoming('k2')], store)).toMatchObject({
        created: 2,
      });
      const ids = (await Review.find({}, { _id: 1 }).lean()).map((r) => String(r._id)).sort();
      expect(await inboxIds()).toEqual(ids);
      // Edited at the source before the digest: the card shows the new text.
      const edit = incoming('k2', { text: 'Changed: billing was a mess', sourceUpdatedAt: DAY1 });
      expect(await storeItems([edit], store)).toMatchObject({ updated: 1 });

      await run();
      const top = topLevel(slack, MAIN)[0] as StoredMessage;
      expect(new Set(itemIds(top))).toEqual(new Set(ids));
      expect(visibleText(top as unknown as Record<string, unknown>)).toContain('Changed: billing was a mess');
      expect(await DigestInbox.countDocuments({})).toBe(0);
      const log = await DigestLog.find({}).lean();
      expect(log.flatMap((l) => l.reviewIds).sort()).toEqual(ids);

      // Re-delivered or edited after the digest: never new again.
      await storeItems([incoming('k1'), incoming('k2', { sourceUpdatedAt: DAY2 })], store);
      expect(await DigestInbox.countDocuments({})).toBe(0);
      now = DAY2;
      await run();
      const tops = topLevel(slack, MAIN);
      expect(tops).toHaveLength(2);
      expect(itemIds(tops[1] as StoredMessage)).toEqual([]);
      expect(slack.channelMessages(MAIN).flatMap(itemIds)).toHaveLength(2);
    });

    test('a failed post leaves the inbox intact and logs nothing; the next run posts and empties it', async () => {
      await storeItems([incoming('f1', { rating: 2 }), incoming('f2')], store);
      const before = await inboxIds();
      expect(before).toHaveLength(2);
      slack.failNext('chat.postMessage', { error: 'channel_not_found' });
      await expect(run()).rejects.toThrow(/digest failed for CDIGEST/);
      expect(await inboxIds()).toEqual(before);
      expect(await DigestLog.countDocuments({})).toBe(0);

      await run();
      expect(new Set(itemIds(topLevel(slack, MAIN)[0] as StoredMessage))).toEqual(new Set(before));
      expect(await DigestInbox.countDocuments({})).toBe(0);
    });

    test('an item assigned before the digest shows as assigned in it', async () => {
      const [id] = await seedReviews([{ rating: 1, text: 'Nobody called back' }]);
      await assignReview(t.ctx, id as string, 'UALICE');
      await run();
      const top = topLevel(slack, MAIN)[0] as StoredMessage;
      expect(visibleText(top as unknown as Record<string, unknown>)).toContain('Assigned to <@UALICE>');
      const buttons = (
        top.blocks as Array<{ block_id?: string; elements?: Array<{ action_id?: string }> }>
      ).find((b) => b.block_id === `rv:${id}:a`);
      expect(buttons?.elements?.map((e) => e.action_id)).toEqual([
        REPLY_ACTION_IDS.draft,
        REVIEW_ACTION_IDS.markHandled,
      ]);
    });
  });
});
