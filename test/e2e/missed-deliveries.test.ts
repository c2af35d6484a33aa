/**
 * Failed and missed digests and reports (issue 9, deliverable 5): a digest that cannot be posted tells the approvers
 * by DM with the reason and the fix, `/smx status` and the Home tab show it until a later one goes out, and on
 * start-up a digest or weekly report whose time passed while smx was down is posted once. Against the fake Slack
 * and the real test database.
 */
import { digestJob } from '../../jobs/digest';
import { catchUpMissedRuns, lastScheduledRun } from '../../jobs/index';
import { reportJob } from '../../jobs/report';
import { Claim } from '../../models/claim';
import { DeliveryState } from '../../models/delivery-state';
import { DigestInbox } from '../../models/digest-inbox';
import { Review } from '../../models/review';
import { clearApproverCache } from '../../src/services/approvers';
import { DELIVERY_MESSAGES, explainSlackFailure } from '../../src/services/delivery-alerts';
import { runDigest } from '../../src/services/digest';
import { FakeSlack } from '../fakes/slack';
import { openHome as openHomeView, startTestApp, type TestApp, visibleText } from '../support/app';
import { useTestDatabase } from '../support/db';
import { seedReviews } from '../support/reviews';

const DIGEST = 'CDIGEST';
const TZ = 'Asia/Kolkata';
/** Tue 1 Dec 2026, 10:00 IST: two hours after the 08:00 digest, the day after Monday's 09:00 report. */
const TUESDAY_10 = new Date('2026-12-01T04:30:00.000Z');
/** Tue 1 Dec 2026, 07:00 IST: before the digest. */
const TUESDAY_07 = new Date('2026-12-01T01:30:00.000Z');

describe('failed and missed digests and reports', () => {
  const db = useTestDatabase();
  let slack: FakeSlack;
  let now = TUESDAY_10;
  let t: TestApp;

  const env = { SMX_DIGEST_CHANNEL: DIGEST, SMX_APPROVERS: 'U0BOSS,S0LEADS' };
  const dmsTo = (user: string) => slack.channelMessages(`D${user}`);
  const digestTops = () => slack.channelMessages(DIGEST).filter((m) => m.thread_ts === undefined);

  beforeAll(async () => {
    slack = await new FakeSlack().start();
    slack.usergroups.set('S0LEADS', ['U0LEAD', 'U0BOSS']);
    t = await startTestApp({ db: db(), slack, now: () => now, env });
  });
  afterAll(async () => {
    await t.stop();
    await slack.close();
  });
  beforeEach(async () => {
    now = TUESDAY_10;
    clearApproverCache();
    await Promise.all([
      Review.deleteMany({}),
      DigestInbox.deleteMany({}),
      Claim.deleteMany({}),
      DeliveryState.deleteMany({}),
    ]);
    slack.messages.clear();
  });

  const openHome = async (user: string) =>
    visibleText((await openHomeView(t, user)) as unknown as Record<string, unknown>);

  test('a digest smx cannot post alerts every approver once, with the reason and fix; status and Home show it', async () => {
    await seedReviews([
      { rating: 1, text: 'Rude at the front desk', ingestedAt: new Date('2026-11-30T10:00:00.000Z') },
    ]);
    slack.failNext('chat.postMessage', { error: 'not_in_channel' });
    await expect(runDigest(t.ctx, t.smx.app.client)).rejects.toThrow(/digest failed for CDIGEST/);

    const expected = DELIVERY_MESSAGES.alert(
      'digest',
      DIGEST,
      explainSlackFailure({ data: { error: 'not_in_channel' } }, DIGEST),
    );
    expect(expected).toContain('smx is not a member of <#CDIGEST> (not_in_channel)');
    expect(expected).toContain('Fix: type `/invite @smx` in <#CDIGEST>');
    // U0BOSS is listed directly and in the group: one DM each, not two.
    expect(dmsTo('U0BOSS').map((m) => m.text)).toEqual([expected]);
    expect(dmsTo('U0LEAD').map((m) => m.text)).toEqual([expected]);

    // Failing again the same day (a retry, another instance) does not DM again.
    slack.failNext('chat.postMessage', { error: 'not_in_channel' });
    await expect(runDigest(t.ctx, t.smx.app.client)).rejects.toThrow();
    expect(dmsTo('U0BOSS')).toHaveLength(1);

    const status = visibleText((await t.command('status')).responses[0]?.body);
    expect(status).toContain(
      ':warning: Last digest to <#CDIGEST> failed Tue 1 Dec, 10:00 IST: smx is not a member of <#CDIGEST> (not_in_channel) — fix: type `/invite @smx` in <#CDIGEST>',
    );
    expect(await openHome('U0LEAD')).toContain('Last digest to <#CDIGEST> failed');

    // Fixed: the next run posts; status and Home no longer show a failure.
    const [outcome] = await runDigest(t.ctx, t.smx.app.client);
    expect(outcome).toMatchObject({ status: 'posted', items: 1 });
    expect(visibleText((await t.command('status')).responses[0]?.body)).not.toContain('failed');
    expect(await openHome('U0LEAD')).not.toContain('Last digest');
    expect(slack.violations).toEqual([]);
  });

  test('a weekly report that cannot be posted alerts the approvers too', async () => {
    slack.failNext('chat.postMessage', { error: 'channel_not_found' });
    await expect(reportJob.run({ ctx: t.ctx, client: t.smx.app.client })).rejects.toThrow();
    const [dm] = dmsTo('U0BOSS');
    expect(dm?.text).toContain("smx could not post this week's metrics report in <#CDIGEST>");
    expect(dm?.text).toContain('(channel_not_found). Fix: check the channel id in SMX_DIGEST_CHANNEL');
    expect(visibleText((await t.command('status')).responses[0]?.body)).toContain(
      'Last weekly report to <#CDIGEST> failed',
    );
    // The claim was given back: the next run posts it.
    await reportJob.run({ ctx: t.ctx, client: t.smx.app.client });
    expect(digestTops().filter((m) => m.text.includes('Weekly report'))).toHaveLength(1);
  });

  test('the scheduled time that passed today (this week) is found; none before it', () => {
    expect(lastScheduledRun('0 8 * * *', TZ, TUESDAY_10, 'day')?.toISOString()).toBe(
      '2026-12-01T02:30:00.000Z',
    );
    expect(lastScheduledRun('0 8 * * *', TZ, TUESDAY_07, 'day')).toBeUndefined();
    expect(lastScheduledRun('0 9 * * 1', TZ, TUESDAY_10, 'week')?.toISOString()).toBe(
      '2026-11-30T03:30:00.000Z',
    );
    // Monday 08:00 IST: this week's 09:00 report is still to come.
    expect(lastScheduledRun('0 9 * * 1', TZ, new Date('2026-11-30T02:30:00.000Z'), 'week')).toBeUndefined();
  });

  test('on start-up, the digest and report missed while smx was down are posted once, even by two instances', async () => {
    const recent = new Date('2026-11-30T10:00:00.000Z');
    await seedReviews([
      { rating: 2, text: 'Long wait at pharmacy', ingestedAt: recent },
      { rating: 5, ingestedAt: recent },
    ]);
    const other = await startTestApp({ db: db(), slack, now: () => now, env });
    try {
      const [a, b] = await Promise.all([
        catchUpMissedRuns(t.ctx, t.smx.app.client, [digestJob, reportJob]),
        catchUpMissedRuns(other.ctx, other.smx.app.client, [digestJob, reportJob]),
      ]);
      expect(a).toEqual(['digest', 'metrics-report']);
      expect(b).toEqual(['digest', 'metrics-report']);
    } finally {
      await other.stop();
    }
    const tops = digestTops();
    const digests = tops.filter((m) => m.text.startsWith('Reviews digest'));
    const reports = tops.filter((m) => m.text.includes('Weekly report'));
    expect(digests).toHaveLength(1);
    expect(reports).toHaveLength(1);
    expect(visibleText({ text: digests[0]?.text, blocks: digests[0]?.blocks })).toContain(
      'Long wait at pharmacy',
    );

    // Restarted again the same day: nothing is posted twice.
    await catchUpMissedRuns(t.ctx, t.smx.app.client, [digestJob, reportJob]);
    expect(digestTops()).toHaveLength(2);
  });

  test('started before the digest time, nothing is caught up', async () => {
    now = TUESDAY_07;
    await seedReviews([{ rating: 1 }]);
    expect(await catchUpMissedRuns(t.ctx, t.smx.app.client, [digestJob])).toEqual([]);
    expect(digestTops()).toHaveLength(0);
  });
});
