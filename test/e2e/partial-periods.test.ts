/**
 * "This month" while it is still running, as a team sees it on the 1st, mid-month and on the last day, in a zone
 * east of UTC (Asia/Kolkata) and one west of it (America/New_York): the period is labelled as partial, compared
 * with the same days of the previous month, cadence is judged against what was due so far (the text, the chart's
 * alt text and the Home tab agree), and visits prorated to the days elapsed are shown as such.
 */
import { DateTime } from 'luxon';
import { Publication } from '../../models/publication';
import { Review } from '../../models/review';
import { Visit } from '../../models/visit';
import { localDay, localWeek } from '../../src/slack/time';
import { openHome, startTestApp, type TestApp, visibleText } from '../support/app';
import { useTestDatabase } from '../support/db';
import { rebuildDerived } from '../support/reviews';

describe('this month while it runs', () => {
  const db = useTestDatabase();
  for (const zone of ['Asia/Kolkata', 'America/New_York'] as const) {
    describe(`in ${zone}`, () => {
      let t: TestApp;
      let now = new Date();
      /** An instant at a local hour of a local day in this zone. */
      const local = (day: string, hour: number) => DateTime.fromISO(day, { zone }).set({ hour }).toJSDate();
      let seq = 0;

      beforeAll(async () => {
        await Promise.all([Publication.deleteMany({}), Review.deleteMany({}), Visit.deleteMany({})]);
        t = await startTestApp({
          db: db(),
          now: () => now,
          env: {
            SMX_TIMEZONE: zone,
            FACEBOOK_PAGE_ID: 'page1',
            FACEBOOK_PAGE_TOKEN: 'page-token',
          },
        });
        // Facebook, goal 1–2 a week (the default). Local days: near midnight, so a UTC day would put them elsewhere.
        const pubs = ['2026-11-01', '2026-11-20', '2026-12-01', '2026-12-10', '2026-12-14', '2026-12-31'];
        await Publication.collection.insertMany(
          pubs.map((day) => {
            const publishedAt = local(day, day === '2026-12-31' ? 19 : zone === 'Asia/Kolkata' ? 1 : 23);
            return {
              postId: `post-${++seq}`,
              target: 'facebook',
              externalId: `fb-${seq}`,
              url: null,
              publishedAt,
              localDay: localDay(publishedAt, zone),
              localWeek: localWeek(publishedAt, zone),
            };
          }),
        );
        const reviewDays = [
          '2026-11-01',
          '2026-11-15',
          '2026-11-16',
          '2026-11-28',
          '2026-12-01',
          '2026-12-12',
        ];
        await Review.collection.insertMany(
          reviewDays.map((day) => {
            const postedAt = local(day, zone === 'Asia/Kolkata' ? 1 : 23);
            return {
              source: 'feedback',
              externalId: `fbk-${++seq}`,
              facility: null,
              rating: null,
              text: 'text',
              authorName: null,
              url: null,
              postedAt,
              ingestedAt: postedAt,
              localDay: localDay(postedAt, zone),
              localWeek: localWeek(postedAt, zone),
              sentiment: 'positive',
              sentimentScore: 0,
              status: 'new',
              firstActionAt: null,
              handledAt: null,
            };
          }),
        );
        await Visit.collection.insertMany([
          {
            _id: '2026-11|' as never,
            month: '2026-11',
            facility: '',
            count: 300,
            updatedBy: 'U',
            updatedAt: now,
          },
          {
            _id: '2026-12|' as never,
            month: '2026-12',
            facility: '',
            count: 400,
            updatedBy: 'U',
            updatedAt: now,
          },
        ]);
        // Written straight into the archive: the repair job builds the daily roll-ups the figures are read from.
        await rebuildDerived(zone);
      });
      afterAll(async () => {
        await t.stop();
      });

      test('on the 1st: one post is on plan (not "7 a week, above plan"), in the text, the chart and Home', async () => {
        // Kolkata: 03:00 local on 1 Dec is still 30 Nov in UTC; New York: 23:00 local on 1 Dec is 2 Dec in UTC.
        now = local('2026-12-01', zone === 'Asia/Kolkata' ? 3 : 23);
        const { responses } = await t.command('metrics this-month share', { channel: 'C0COMMS' });
        expect(visibleText(responses[0]?.body)).toContain('Shared the metrics');
        const posted = t.slack.callsOf('chat.postMessage').filter((c) => c.args.channel === 'C0COMMS');
        const text = visibleText(posted[posted.length - 1]?.args);
        expect(text).toContain('this month so far (1 Dec 2026, 1 of 31 days)');
        expect(text).toContain(
          'Facebook Page: *1 post so far* = same as before · 0.1–0.3 due by now (goal 1–2/week) :white_check_mark: on plan',
        );
        expect(text).not.toContain('a week*');
        // Like with like: 1 item on 1 Dec against 1 on 1 Nov, not against November's 4.
        expect(text).toContain('*1* reviews and feedback = same as before');
        expect(text).toContain(
          'Feedback rate: *7.8 %* (1 item; 13 of 400 visits, prorated for 1 of 31 days)',
        );
        expect(text).toContain('▲/▼ compare with the same days of November (1 Nov 2026).');
        // The chart's verdict for the week so far (Mon 30 Nov – Tue 1 Dec) is the text's.
        const completes = t.slack.callsOf('files.completeUploadExternal');
        const comment = String(completes[completes.length - 1]?.args.initial_comment ?? '');
        expect(comment).toContain('in week W49 so far (2 of 7 days): Facebook 1 (goal 1–2, on plan)');
        const home = visibleText((await openHome(t, 'U0STAFF')) as unknown as Record<string, unknown>);
        expect(home).toContain(
          'Facebook Page: ▓▓▓▓▓▓▓▓▓▓ 1 post so far, 0.1–0.3 due by now (goal 1–2/week) :white_check_mark: on plan',
        );
        expect(home).toContain('(1 item; 13 of 400 visits, prorated for 1 of 31 days)');
        expect(t.slack.violations).toEqual([]);
      });

      test('mid-month: the posts so far against 15 days of the goal, the same 15 days of November', async () => {
        now = local('2026-12-15', 12);
        const { responses } = await t.command('metrics this-month');
        const text = visibleText(responses[0]?.body);
        expect(text).toContain('this month so far (1–15 Dec 2026, 15 of 31 days)');
        // 3 posts (1, 10, 14 Dec) against 2.1–4.3 due; 1–15 Nov had 1.
        expect(text).toContain(
          'Facebook Page: *3 posts so far* ▲ from 1 · 2.1–4.3 due by now (goal 1–2/week) :white_check_mark: on plan',
        );
        expect(text).toContain('*2* reviews and feedback = same as before');
        expect(text).toContain('(2 items; 194 of 400 visits, prorated for 15 of 31 days)');
        expect(text).toContain('▲/▼ compare with the same days of November (1–15 Nov 2026).');
      });

      test('on the last day: still "so far", against the whole of November', async () => {
        now = local('2026-12-31', 20);
        const { responses } = await t.command('metrics this-month');
        const text = visibleText(responses[0]?.body);
        expect(text).toContain('this month so far (1–31 Dec 2026, 31 of 31 days)');
        // 4 posts (1, 10, 14, 31 Dec) against 4.4–8.9 due: the minimum rounded down to whole posts is met.
        expect(text).toContain(
          'Facebook Page: *4 posts so far* ▲ from 2 · 4.4–8.9 due by now (goal 1–2/week) :white_check_mark: on plan',
        );
        expect(text).toContain('*2* reviews and feedback ▼ from 4');
        expect(text).toContain('Feedback rate: *0.5 %* (2 of 400 visits)');
        expect(text).toContain('▲/▼ compare with the same days of November (1–30 Nov 2026).');
      });

      test('a finished month is whole and compared with the whole month before it', async () => {
        now = local('2027-01-01', 12);
        const { responses } = await t.command('metrics last-month');
        const text = visibleText(responses[0]?.body);
        expect(text).toContain('last month (1 Dec 2026 – 31 Dec 2026)');
        expect(text).toContain(
          'Facebook Page: *0.9 a week* (4 posts) ▲ from 0.5 · goal 1–2/week :warning: below plan',
        );
        expect(text).toContain('▲/▼ compare with November (1–30 Nov 2026).');
      });
    });
  }
});
