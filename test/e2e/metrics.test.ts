import { GOAL_UNSET } from '../../listeners/commands/smx/goals';
import { AudienceSnapshot } from '../../models/audience-snapshot';
import { Audit } from '../../models/audit';
import { Goal } from '../../models/goal';
import { Visit } from '../../models/visit';
import { signWebhook } from '../../src/http/signed-webhook';
import { clearApproverCache, ROLE_MESSAGES } from '../../src/services/approvers';
import { histories } from '../../src/services/audit';
import { pngSize } from '../../src/services/charts';
import { FACILITY_MESSAGES } from '../../src/services/facilities';
import { GOAL_MESSAGES } from '../../src/services/goals';
import { computeMetrics } from '../../src/services/metrics';
import { METRICS_ARG_MESSAGES } from '../../src/services/metrics-args';
import { SHARE_REFUSED } from '../../src/services/report';
import { VISITS_MESSAGES } from '../../src/services/visits';
import { startTestApp, type TestApp, visibleText } from '../support/app';
import { useTestDatabase } from '../support/db';
import { at, seedPosts, seedPublications, seedReviews } from '../support/metrics-seed';

const NOW = new Date('2026-11-24T12:00:00Z'); // Tue 24 Nov 2026, 17:30 IST
const SECRET = 'visits-secret';

describe('/smx metrics, goals and visits over HTTP', () => {
  const db = useTestDatabase();
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      db: db(),
      now: () => NOW,
      env: {
        FACEBOOK_PAGE_ID: 'page1',
        FACEBOOK_PAGE_TOKEN: 'page-token',
        SMX_APPROVERS: 'U0BOSS,S0LEADS',
        SMX_WEBHOOK_SECRET: SECRET,
        // A configured facility with no reviews or visits yet.
        SMX_FACILITY_CHANNELS: 'Nowhere Clinic=C0NOWHERE',
      },
    });
    t.slack.usergroups.set('S0LEADS', ['U0LEAD']);
    clearApproverCache();

    // Current 30 days: 26 Oct – 24 Nov. Previous: 26 Sep – 25 Oct.
    await seedReviews([
      { day: '2026-11-02', source: 'google', rating: 5 },
      { day: '2026-11-05', source: 'google', rating: 4, facility: 'North Clinic' },
      { day: '2026-11-09', source: 'google', rating: 4 },
      { day: '2026-11-12', source: 'google', rating: 2, sentiment: 'negative', actedAfterHours: 2 },
      { day: '2026-11-15', source: 'google', rating: 1, sentiment: 'negative', actedAfterHours: 6 },
      { day: '2026-10-28', source: 'facebook', rating: 5, facility: 'North Clinic' },
      { day: '2026-11-18', source: 'facebook', rating: 3, sentiment: 'neutral' },
      { day: '2026-11-01', source: 'feedback' },
      { day: '2026-11-19', source: 'feedback' },
      { day: '2026-11-20', source: 'feedback', sentiment: 'negative' }, // still open
      // previous period
      { day: '2026-10-01', source: 'google', rating: 5 },
      { day: '2026-10-05', source: 'google', rating: 5 },
      { day: '2026-10-10', source: 'google', rating: 4 },
      { day: '2026-10-20', source: 'google', rating: 2, sentiment: 'negative', actedAfterHours: 10 },
      // outside both periods
      { day: '2026-09-01', source: 'google', rating: 1, sentiment: 'negative', actedAfterHours: 100 },
    ]);
    await seedPublications('facebook', [
      '2026-10-27',
      '2026-11-03',
      '2026-11-06',
      '2026-11-10',
      '2026-11-17',
      '2026-11-24',
      '2026-10-02',
      '2026-10-12',
    ]);
    await seedPublications('x', ['2026-11-02', '2026-11-09', '2026-11-16', '2026-11-23']);
    await seedPosts([
      { status: 'published', submittedAt: at('2026-11-10', 9), approvedAt: at('2026-11-10', 10) },
      { status: 'published', submittedAt: at('2026-11-11', 9), approvedAt: at('2026-11-11', 12) },
      { status: 'published', submittedAt: at('2026-11-12', 9), approvedAt: at('2026-11-12', 14) },
      { status: 'published', submittedAt: at('2026-10-10', 9), approvedAt: at('2026-10-10', 17) },
      { status: 'pending_approval', submittedAt: at('2026-11-23', 9) },
      { status: 'pending_approval', submittedAt: at('2026-11-24', 9) },
    ]);
    await Visit.collection.insertMany([
      {
        _id: '2026-10|' as never,
        month: '2026-10',
        facility: '',
        count: 310,
        updatedBy: 'U',
        updatedAt: NOW,
      },
      {
        _id: '2026-11|' as never,
        month: '2026-11',
        facility: '',
        count: 300,
        updatedBy: 'U',
        updatedAt: NOW,
      },
    ]);
    await AudienceSnapshot.collection.insertMany([
      {
        _id: 'facebook:2026-10-25' as never,
        target: 'facebook',
        day: '2026-10-25',
        likes: 900,
        followers: 1000,
        takenAt: NOW,
      },
      {
        _id: 'facebook:2026-11-24' as never,
        target: 'facebook',
        day: '2026-11-24',
        likes: 930,
        followers: 1040,
        takenAt: NOW,
      },
    ]);
  });
  afterAll(async () => {
    await t.stop();
  });

  test('computeMetrics gives each figure from the seeded data, with the previous period', async () => {
    const r = await computeMetrics(t.ctx, '30d');
    expect(r.periods.current).toMatchObject({ fromDay: '2026-10-26', toDay: '2026-11-24', days: 30 });
    expect(r.periods.previous).toMatchObject({ fromDay: '2026-09-26', toDay: '2026-10-25', days: 30 });
    expect(r.reviews.total).toEqual({ value: 10, previous: 4 });
    expect(r.reviews.bySource).toEqual([
      { source: 'google', count: 5, previous: 4 },
      { source: 'feedback', count: 3, previous: 0 },
      { source: 'facebook', count: 2, previous: 0 },
    ]);
    expect(r.reviews.rated).toBe(7);
    expect(r.reviews.avgRating.value).toBeCloseTo(24 / 7, 10);
    expect(r.reviews.avgRating.previous).toBe(4);
    expect(r.reviews.shareNegative).toEqual({ value: 0.3, previous: 0.25 });
    expect(r.reviews.sparkline).toHaveLength(7);
    expect(r.reviews.sparkline.reduce((a, b) => a + b, 0)).toBe(10);
    // 310 × 6/31 (26–31 Oct) + 300 × 24/30 (1–24 Nov) = 60 + 240
    expect(r.feedbackRate).toMatchObject({ available: true, items: 10, previous: null });
    if (r.feedbackRate.available) {
      expect(r.feedbackRate.visits).toBeCloseTo(300, 10);
      expect(r.feedbackRate.rate).toBeCloseTo((10 / 300) * 100, 10);
    }
    expect(r.response.medianHours).toEqual({ value: 4, previous: 10 });
    expect(r.response.open).toBe(1);
    expect(r.response.oldestOpenAt?.toISOString()).toBe(at('2026-11-20').toISOString());
    expect(r.approval.medianHours).toEqual({ value: 3, previous: 8 });
    expect(r.approval.waiting).toBe(2);
    const fb = r.posting.find((p) => p.target === 'facebook');
    expect(fb).toMatchObject({ posts: 6, prevPosts: 2, goal: { min: 1, max: 2 }, connected: true });
    expect(fb?.perWeek).toBeCloseTo(1.4, 10);
    expect(r.posting.find((p) => p.target === 'x')).toMatchObject({
      posts: 4,
      prevPosts: 0,
      connected: false,
    });
    expect(r.audience.find((a) => a.target === 'facebook')).toMatchObject({
      available: true,
      followers: 1040,
      likes: 930,
      growth: 40,
      likesGrowth: 30,
    });
    expect(r.audience.find((a) => a.target === 'x')).toMatchObject({ available: false });
  });

  test('/smx metrics answers only the requester with every figure, trend and goal', async () => {
    const { status, responses } = await t.command('metrics');
    expect(status).toBe(200);
    const body = responses[0]?.body;
    expect(body?.response_type).toBe('ephemeral');
    const text = visibleText(body);
    expect(text).toContain('last 30 days (26 Oct 2026 – 24 Nov 2026)');
    expect(text).toContain(
      'Facebook Page: *1.4 a week* (6 posts) ▲ from 0.5 · goal 1–2/week :white_check_mark: on plan',
    );
    expect(text).toContain('X: *0.9 a week* (4 posts) ▲ from 0 · goal 3/week :warning: below plan');
    expect(text).toContain('*10* reviews and feedback ▲ from 4');
    expect(text).toMatch(/trend [▁▂▃▄▅▆▇█]{7}/);
    expect(text).toContain('By source: Google 5 ▲ from 4 · Feedback 3 ▲ from 0 · Facebook 2 ▲ from 0');
    expect(text).toContain('Average rating: ★★★☆☆ *3.4* of 5 (7 rated) ▼ from 4');
    expect(text).toContain('Negative: *30 %* (3) ▲ from 25 %');
    expect(text).toContain(
      'Feedback rate: *3.3 %* (10 items; 300 visits, prorated by day from 310 in Oct 2026 and 300 in Nov 2026)',
    );
    expect(text).toContain('▓▓▓░░░░░░░ 33 % of the 10 % goal');
    expect(text).toContain('median *4 h* (2 items) ▼ from 10 h · :white_check_mark: within the 24 h goal');
    expect(text).toContain('1 negative still open, the oldest 4.3 days old');
    expect(text).toContain('Approval turnaround: median *3 h* (3 approved) ▼ from 8 h · 2 drafts waiting');
    expect(text).toContain('Facebook Page: 930 likes (▲ +30) · *1,040 followers* (▲ +40) on 24 Nov');
    expect(text).toContain(
      'X: not available — X is not connected — set TWITTER_APP_KEY, TWITTER_APP_SECRET, TWITTER_ACCESS_TOKEN and TWITTER_ACCESS_SECRET',
    );
    expect(t.slack.violations).toEqual([]);
  });

  test('not-available figures say so and how to fix them, never a fake 0', async () => {
    const { responses } = await t.command('metrics 7d Nowhere Clinic');
    const text = visibleText(responses[0]?.body);
    expect(text).toContain('last 7 days (18 Nov 2026 – 24 Nov 2026) · Nowhere Clinic');
    expect(text).toContain(
      'Feedback rate: not available — no visits recorded — add them with `/smx visits 1200 2026-11`',
    );
    expect(text).toContain('Average rating: not available — no rated reviews in this period');
    expect(text).toContain('Negative: not available — no reviews or feedback in this period');
    expect(text).toContain('Time to first action on negatives: not available');
    expect(text).not.toMatch(/Feedback rate: \*0/);
  });

  test('a facility filter narrows reviews and visits', async () => {
    const { responses } = await t.command('metrics 30d North Clinic');
    const text = visibleText(responses[0]?.body);
    expect(text).toContain('*2* reviews and feedback');
    expect(text).toContain('Average rating: ★★★★★ *4.5* of 5 (2 rated)');
    expect(text).toContain('Feedback rate: not available — no visits recorded');
    expect(text).toContain('Posting, approvals and audience are hospital-wide.');
  });

  test('last-month with a month of visits missing names the month', async () => {
    const r = await computeMetrics(t.ctx, 'last-month');
    expect(r.periods.current).toMatchObject({ fromDay: '2026-10-01', toDay: '2026-10-31', days: 31 });
    expect(r.feedbackRate).toMatchObject({ available: true, visits: 310, items: 4 + 1 });
    const r2 = await computeMetrics(t.ctx, '90d');
    expect(r2.feedbackRate).toEqual({
      available: false,
      reason: 'visits missing for 2026-08, 2026-09 — add them with `/smx visits 1200 2026-08`',
    });
  });

  test('/smx metrics share posts the figures and two PNG charts to the channel', async () => {
    const { responses } = await t.command('metrics this-month share', {
      channel: 'C0COMMS',
      user: 'U0STAFF',
    });
    expect(visibleText(responses[0]?.body)).toContain('Shared the metrics in <#C0COMMS>');
    const posted = t.slack.callsOf('chat.postMessage').filter((c) => c.args.channel === 'C0COMMS');
    expect(posted).toHaveLength(1);
    const completes = t.slack
      .callsOf('files.completeUploadExternal')
      .filter((c) => c.args.channel_id === 'C0COMMS');
    expect(completes).toHaveLength(1);
    const files = completes[0]?.args.files as Array<{ id: string; title: string }>;
    expect(files).toHaveLength(2);
    for (const f of files) {
      const up = t.slack.uploads.get(f.id);
      const size = up ? pngSize(up.bytes) : null;
      expect(size).not.toBeNull();
      expect(size?.width).toBeGreaterThan(400);
      expect(size?.height).toBeGreaterThan(200);
      expect(up?.bytes.length).toBeGreaterThan(5_000);
      expect(up?.bytes.length).toBeLessThan(2_000_000);
    }
  });

  test('share in a channel smx is not in says how to fix it', async () => {
    t.slack.failNext('chat.postMessage', { error: 'not_in_channel' });
    const { responses } = await t.command('metrics share', { channel: 'C0PRIVATE' });
    expect(visibleText(responses[0]?.body)).toBe(SHARE_REFUSED('C0PRIVATE'));
    expect(
      t.slack.callsOf('files.completeUploadExternal').filter((c) => c.args.channel_id === 'C0PRIVATE'),
    ).toEqual([]);
  });

  test('/smx metrics with nonsense gets the usage, nothing changes', async () => {
    const { responses } = await t.command(`metrics 30d ${'x'.repeat(100)}`);
    expect(visibleText(responses[0]?.body)).toContain('Usage: `/smx metrics');
  });

  test('/smx goals shows the defaults', async () => {
    const { responses } = await t.command('goals');
    const text = visibleText(responses[0]?.body);
    expect(text).toContain('Cadence Facebook: 1–2 posts a week');
    expect(text).toContain('Cadence X: 3 posts a week');
    expect(text).toContain('Feedback rate: 10 % of patient visits');
    expect(text).toContain('within 24 h');
  });

  test('a non-approver cannot change a goal; nothing is stored or audited', async () => {
    const { responses } = await t.command('goals set feedback-rate 20%', { user: 'U0STAFF' });
    expect(visibleText(responses[0]?.body)).toBe(GOAL_MESSAGES.notApprover);
    expect(await Goal.countDocuments()).toBe(0);
    expect(await Audit.countDocuments({ entity: 'goal' })).toBe(0);
  });

  test('an approver (directly or via a user group) changes goals, audited; metrics use them', async () => {
    let res = await t.command('goals set cadence x 2-4/week', { user: 'U0BOSS' });
    expect(visibleText(res.responses[0]?.body)).toContain('Goal updated: cadence X 2–4 a week');
    res = await t.command('goals set feedback-rate 5%', { user: 'U0LEAD' });
    expect(visibleText(res.responses[0]?.body)).toContain('Goal updated: feedback rate 5 %');
    res = await t.command('goals set response-time 2d', { user: 'U0LEAD' });
    expect(visibleText(res.responses[0]?.body)).toContain('response time to negatives 48 h');
    const audits = await Audit.find({ entity: 'goal' }).sort({ at: 1, _id: 1 }).lean();
    expect(audits.map((a) => [a.entityId, a.actor, a.after])).toEqual([
      ['cadence:x', 'U0BOSS', { value: 2, max: 4 }],
      ['feedback-rate', 'U0LEAD', { value: 5, max: null }],
      ['response-time', 'U0LEAD', { value: 48, max: null }],
    ]);
    const { responses } = await t.command('metrics');
    const text = visibleText(responses[0]?.body);
    expect(text).toContain('goal 2–4/week :warning: below plan');
    expect(text).toContain('▓▓▓▓▓▓▓░░░ 67 % of the 5 % goal');
    await Goal.deleteMany({});
  });

  test('a goal that cannot be read gets the usage', async () => {
    const { responses } = await t.command('goals set cadence facebook lots', { user: 'U0BOSS' });
    expect(visibleText(responses[0]?.body)).toBe(GOAL_MESSAGES.usage);
  });

  test('/smx visits records a month (replacing), with facility; bad input gets the usage', async () => {
    // Visits drive the feedback rate: only approvers record them.
    let res = await t.command('visits 1,200 2026-09 North Clinic');
    expect(visibleText(res.responses[0]?.body)).toBe(ROLE_MESSAGES.approversOnly('record patient visits'));
    expect(await Visit.countDocuments({ month: '2026-09' })).toBe(0);
    res = await t.command('visits 1,200 2026-09 North Clinic', { user: 'U0BOSS' });
    expect(visibleText(res.responses[0]?.body)).toContain(
      'Recorded 1,200 patient visits for 2026-09 at North Clinic',
    );
    res = await t.command('visits 1300 Sep 2026 north clinic', { user: 'U0BOSS' });
    expect(visibleText(res.responses[0]?.body)).toContain('replacing 1,200');
    expect(await Visit.find({ month: '2026-09' }).lean()).toMatchObject([
      { facility: 'North Clinic', count: 1300, updatedBy: 'U0BOSS' },
    ]);
    res = await t.command('visits 50', { user: 'U0BOSS' });
    expect(visibleText(res.responses[0]?.body)).toContain('for 2026-11 (whole hospital) — replacing 300');
    await Visit.updateOne({ _id: '2026-11|' }, { $set: { count: 300 } });
    res = await t.command('visits lots', { user: 'U0BOSS' });
    expect(visibleText(res.responses[0]?.body)).toContain('Usage: `/smx visits <count>');
    res = await t.command('visits 10 2026-13', { user: 'U0BOSS' });
    expect(visibleText(res.responses[0]?.body)).toBe(VISITS_MESSAGES.badMonth('2026-13'));
    await Visit.deleteMany({ month: '2026-09' });
  });

  test('visits: a month written out, absurd months and counts, and unknown facilities are refused in words', async () => {
    // Visits are recorded by approvers.
    const say = async (text: string) =>
      visibleText((await t.command(text, { user: 'U0BOSS' })).responses[0]?.body);
    // "Nov-2026" is a month, never a facility called "Nov-2026".
    expect(await say('visits 1200 Nov-2026')).toContain(
      'Recorded 1,200 patient visits for 2026-11 (whole hospital)',
    );
    expect(await say('visits 1200 1999-01')).toBe(
      VISITS_MESSAGES.monthOutOfRange('1999-01', '2016-11', '2026-11'),
    );
    expect(await say('visits 1200 2026-12')).toBe(
      VISITS_MESSAGES.monthOutOfRange('2026-12', '2016-11', '2026-11'),
    );
    expect(await say('visits 1200 Nov-26')).toBe(VISITS_MESSAGES.badMonth('Nov-26'));
    expect(await say('visits 99999999 2026-11')).toContain(
      'the count must be at most 10,000,000 visits a month — check it for a typo. Usage:',
    );
    expect(await say('visits 12.5 2026-11')).toContain('the count must be a whole number of visits');
    expect(await say('visits 300 2026-11 Nroth Clinic')).toBe(
      FACILITY_MESSAGES.unknown(
        'Nroth Clinic',
        ['North Clinic', 'Nowhere Clinic'],
        '/smx visits 300 2026-11',
      ),
    );
    expect(await Visit.countDocuments({ facility: 'Nroth Clinic' })).toBe(0);
    expect(await Visit.findById('2026-11|').lean()).toMatchObject({ count: 1200 });
    await Visit.updateOne({ _id: '2026-11|' }, { $set: { count: 300 } });
  });

  test('metrics: a mistyped period or unknown facility is refused with the valid choices', async () => {
    // Visits are recorded by approvers.
    const say = async (text: string) =>
      visibleText((await t.command(text, { user: 'U0BOSS' })).responses[0]?.body);
    expect(await say('metrics 14d')).toBe(METRICS_ARG_MESSAGES.badPeriod('14d'));
    expect(await say('metrics yesterday')).toBe(METRICS_ARG_MESSAGES.badPeriod('yesterday'));
    expect(await say('metrics this-month South Wing')).toBe(
      FACILITY_MESSAGES.unknown('South Wing', ['North Clinic', 'Nowhere Clinic'], '/smx metrics this-month'),
    );
    // Known facilities match whatever the case; "last month" with a space is last-month.
    expect(await say('metrics last month north clinic')).toContain('last month');
  });

  test('goals: an unknown cadence target is refused; unset returns a goal to its default', async () => {
    const say = async (text: string) =>
      visibleText((await t.command(text, { user: 'U0BOSS' })).responses[0]?.body);
    expect(await say('goals set cadence instagram 3/week')).toBe(GOAL_MESSAGES.unknownTarget('instagram'));
    expect(await Goal.countDocuments()).toBe(0);
    expect(await say('goals set cadence twitter 5/week')).toContain('Goal updated: cadence X 5 a week');
    expect(await say('goals unset cadence x')).toBe(GOAL_UNSET('the X cadence'));
    expect(await say('goals unset cadence x')).toBe(GOAL_MESSAGES.notSet('the X cadence'));
    // A cadence an older version stored for a target smx never publishes to is ignored, and can be removed.
    await Goal.create({ _id: 'cadence:instagram', value: 3, max: 3, updatedBy: 'U0BOSS', updatedAt: NOW });
    expect(await say('goals')).not.toContain('instagram');
    expect(await say('goals unset cadence instagram')).toBe(GOAL_UNSET('the instagram cadence'));
    expect(await say('goals unset everything')).toBe(GOAL_MESSAGES.unsetUsage);
    expect(
      // Both at the same instant (a fixed clock): read in the order asked, as the audit trail keeps them.
      (
        await histories([
          { entity: 'goal', entityId: 'cadence:x' },
          { entity: 'goal', entityId: 'cadence:instagram' },
        ])
      ).filter((r) => r.action === 'unset'),
    ).toMatchObject([
      { entityId: 'cadence:x', actor: 'U0BOSS', before: { value: 5 } },
      { entityId: 'cadence:instagram', actor: 'U0BOSS' },
    ]);
    expect(await Goal.countDocuments()).toBe(0);
    const staff = await t.command('goals unset feedback-rate', { user: 'U0STAFF' });
    expect(visibleText(staff.responses[0]?.body)).toBe(GOAL_MESSAGES.notApprover);
  });

  describe('POST /hooks/visits', () => {
    const send = (body: string, opts: { secret?: string; ts?: number } = {}) => {
      const ts = opts.ts ?? Math.floor(NOW.getTime() / 1000);
      return t.post('/hooks/visits', body, {
        'content-type': 'application/json',
        'x-smx-timestamp': String(ts),
        'x-smx-signature': signWebhook(body, opts.secret ?? SECRET, ts),
      });
    };

    test('a signed report is stored and replaces an earlier one', async () => {
      let res = await send(JSON.stringify({ month: '2027-01', count: 900, facility: 'City Hospital' }));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        ok: true,
        month: '2027-01',
        facility: 'City Hospital',
        count: 900,
        replaced: null,
      });
      res = await send(JSON.stringify({ month: '2027-01', count: 950, facility: 'City Hospital' }));
      expect(await res.json()).toMatchObject({ count: 950, replaced: 900 });
      expect(await Visit.find({ month: '2027-01' }).lean()).toMatchObject([
        { count: 950, updatedBy: 'webhook' },
      ]);
    });

    test('a wrong signature or a stale timestamp gets 401 and stores nothing', async () => {
      const body = JSON.stringify({ month: '2027-02', count: 1 });
      expect((await send(body, { secret: 'wrong' })).status).toBe(401);
      expect((await send(body, { ts: Math.floor(NOW.getTime() / 1000) - 600 })).status).toBe(401);
      const unsigned = await t.post('/hooks/visits', body, { 'content-type': 'application/json' });
      expect(unsigned.status).toBe(401);
      expect(await Visit.countDocuments({ month: '2027-02' })).toBe(0);
    });

    test('an invalid body gets 400 with what is wrong', async () => {
      let res = await send(JSON.stringify({ month: '2027-2', count: -1 }));
      expect(res.status).toBe(400);
      const body = (await res.json()) as { problems: string[] };
      expect(body.problems.join(' ')).toContain('month must be YYYY-MM');
      expect(body.problems.join(' ')).toContain('count must be 0 or more');
      res = await send('not json');
      expect(res.status).toBe(400);
      res = await send(JSON.stringify({ month: '2027-02', count: 5, extra: true }));
      expect(res.status).toBe(400);
      expect(await Visit.countDocuments({ month: '2027-02' })).toBe(0);
    });
  });
});
