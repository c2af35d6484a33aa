import { reportJob } from '../../jobs/report';
import { Claim } from '../../models/claim';
import { pngSize } from '../../src/services/charts';
import { postWeeklyReport } from '../../src/services/report';
import { FakeSlack } from '../fakes/slack';
import { startTestApp, type TestApp, visibleText } from '../support/app';
import { useTestDatabase } from '../support/db';
import { seedPublications, seedReviews } from '../support/metrics-seed';

describe('weekly metrics report', () => {
  const db = useTestDatabase();
  let slack: FakeSlack;
  let a: TestApp;
  let b: TestApp;
  let now = new Date('2026-11-30T03:30:00Z'); // Mon 30 Nov, 09:00 IST
  const env = { SMX_DIGEST_CHANNEL: 'C0DIGEST' };

  beforeAll(async () => {
    slack = await new FakeSlack().start();
    a = await startTestApp({ db: db(), slack, env, now: () => now });
    b = await startTestApp({ db: db(), slack, env, now: () => now });
    await seedReviews([
      { day: '2026-11-23', source: 'google', rating: 5 },
      { day: '2026-11-25', source: 'google', rating: 3 },
      { day: '2026-11-27', source: 'feedback', sentiment: 'negative', actedAfterHours: 5 },
      { day: '2026-11-18', source: 'google', rating: 4 },
    ]);
    await seedPublications('facebook', ['2026-11-24', '2026-11-27']);
    await seedPublications('x', ['2026-11-24']);
  });
  afterAll(async () => {
    await a.stop();
    await b.stop();
    await slack.close();
  });

  const digestPosts = () => slack.callsOf('chat.postMessage').filter((c) => c.args.channel === 'C0DIGEST');

  test('two instances firing at once post last week exactly once, with two PNG charts', async () => {
    const outcomes = await Promise.all([
      postWeeklyReport(a.ctx, a.smx.app.client),
      postWeeklyReport(b.ctx, b.smx.app.client),
    ]);
    expect(outcomes.sort()).toEqual(['already-posted', 'posted']);
    expect(digestPosts()).toHaveLength(1);
    const text = visibleText(digestPosts()[0]?.args as Record<string, unknown>);
    expect(text).toContain('Weekly report 2026-W48 — last week (23 Nov 2026 – 29 Nov 2026)');
    expect(text).toContain('*3* reviews and feedback ▲ from 1');
    expect(text).toContain(
      'Facebook Page: *2 a week* (2 posts) ▲ from 0 · goal 1–2/week :white_check_mark: on plan',
    );
    expect(text).toContain('X: *1 a week* (1 post) ▲ from 0 · goal 3/week :warning: below plan');
    expect(text).toContain('median *5 h* (1 items)');
    const claim = await Claim.findById('report:C0DIGEST:2026-W48').lean();
    expect(claim?.note).toBe('posted');

    const completes = slack
      .callsOf('files.completeUploadExternal')
      .filter((c) => c.args.channel_id === 'C0DIGEST');
    expect(completes).toHaveLength(1);
    const files = completes[0]?.args.files as Array<{ id: string; title: string }>;
    expect(files.map((f) => f.title)).toEqual(['Reviews and rating per week', 'Posts per week vs cadence']);
    for (const f of files) {
      const bytes = slack.uploads.get(f.id)?.bytes ?? Buffer.alloc(0);
      expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      const size = pngSize(bytes);
      expect(size?.width).toBeGreaterThanOrEqual(600);
      expect(size?.width).toBeLessThanOrEqual(3000);
      expect(size?.height).toBeGreaterThanOrEqual(300);
      expect(bytes.length).toBeGreaterThan(5_000);
      expect(bytes.length).toBeLessThan(2_000_000);
    }
    // alt text states the finding
    const comment = String(completes[0]?.args.initial_comment ?? '');
    expect(comment).toContain('Reviews and feedback per week over 8 weeks; in week W48: 3, up from 1');
    expect(comment).toContain('Facebook 2 (goal 1–2, on plan); X 1 (goal 3, below plan)');
    expect(slack.violations).toEqual([]);
    // each image carries its alt text under the name Slack's method defines (alt_txt), and no argument Slack ignores
    const urlCalls = slack.callsOf('files.getUploadURLExternal').slice(-2);
    expect(String(urlCalls[0]?.args.alt_txt)).toContain('Reviews and feedback per week over 8 weeks');
    expect(String(urlCalls[1]?.args.alt_txt)).toMatch(/facebook 2 \(goal 1–2, on plan\)/i);
    expect(slack.argProblems.filter((p) => p.method.startsWith('files.'))).toEqual([]);

    // a later tick in the same week does nothing
    await reportJob.run({ ctx: a.ctx, client: a.smx.app.client });
    expect(digestPosts()).toHaveLength(1);
  });

  test('when the charts fail after the message went out, the claim stays: no second message', async () => {
    now = new Date('2026-12-14T03:30:00Z'); // reports W50
    slack.failNext('files.getUploadURLExternal', { error: 'internal_error' });
    const before = digestPosts().length;
    await expect(postWeeklyReport(a.ctx, a.smx.app.client)).rejects.toThrow();
    expect(digestPosts().length).toBe(before + 1);
    expect((await Claim.findById('report:C0DIGEST:2026-W50').lean())?.note).toBe('posted without charts');
    expect(await postWeeklyReport(b.ctx, b.smx.app.client)).toBe('already-posted');
    expect(digestPosts().length).toBe(before + 1);
  });

  test('when Slack refuses the post, the claim is released and the next run posts it', async () => {
    now = new Date('2026-12-07T03:30:00Z'); // the next Monday: reports W49
    slack.failNext('chat.postMessage', { error: 'channel_not_found' });
    await expect(postWeeklyReport(a.ctx, a.smx.app.client)).rejects.toThrow(/channel_not_found/);
    expect(await Claim.findById('report:C0DIGEST:2026-W49').lean()).toBeNull();
    const before = digestPosts().length;
    expect(await postWeeklyReport(b.ctx, b.smx.app.client)).toBe('posted');
    expect(digestPosts().length).toBe(before + 1);
    expect(visibleText(digestPosts().at(-1)?.args as Record<string, unknown>)).toContain(
      'Weekly report 2026-W49',
    );
  });
});
