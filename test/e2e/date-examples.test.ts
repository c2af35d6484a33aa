/**
 * Every date example smx shows follows SMX_DATE_ORDER: help, the campaign refusals and the empty campaign list write
 * "05/12 9am" and "1 Dec" for a day/month hospital, "12/05 9am" and "Dec 1" for a month/day one.
 */
import { CAMPAIGN_MESSAGES } from '../../src/services/campaigns';
import { startTestApp, type TestApp, visibleText } from '../support/app';
import { useTestDatabase } from '../support/db';

const NOW = new Date('2026-12-01T14:10:00.000Z');

const CASES = [
  { order: 'dmy', zone: 'Asia/Kolkata', numeric: '05/12 9am', first: '1 Dec', last: '31 Dec' },
  { order: 'mdy', zone: 'America/New_York', numeric: '12/05 9am', first: 'Dec 1', last: 'Dec 31' },
] as const;

describe('date examples follow the hospital date order', () => {
  const db = useTestDatabase();
  for (const c of CASES) {
    describe(`${c.order} (${c.zone})`, () => {
      let t: TestApp;
      beforeAll(async () => {
        t = await startTestApp({
          db: db(),
          now: () => NOW,
          env: { SMX_TIMEZONE: c.zone, SMX_APPROVERS: 'U0BOSS' },
        });
      });
      afterAll(async () => {
        await t.stop();
      });
      const say = async (text: string) =>
        visibleText((await t.command(text, { user: 'U0BOSS' })).responses[0]?.body);

      test('help writes its dates in that order', async () => {
        const help = await say('help');
        expect(help).toContain(`/smx schedule to:x ${c.numeric} | Flu shots`);
        expect(help).toContain(`from ${c.first} to ${c.last} goal 10%`);
      });

      test('refusals and the empty campaign list show the example in that order', async () => {
        expect(await say('campaign new Flu week')).toBe(CAMPAIGN_MESSAGES.newUsage(c.order));
        expect(CAMPAIGN_MESSAGES.newUsage(c.order)).toContain(`from ${c.first} to ${c.last} goal 10%`);
        expect(CAMPAIGN_MESSAGES.newUsage(c.order)).toContain(`from today to ${c.last}\``);
        const bad = await say('campaign new Flu week from someday to 20 Dec');
        expect(bad).toBe(CAMPAIGN_MESSAGES.badDate('start', 'someday', c.order));
        expect(bad).toContain(`write it like '${c.first}', 'today' or '2026-12-01'`);
        expect(await say('campaign end')).toContain(`from ${c.first} to ${c.last} goal 10%`);
        expect(await say('campaigns')).toContain(
          `An approver starts one with \`/smx campaign new December discharge feedback North Clinic from ${c.first} to ${c.last} goal 10%\``,
        );
      });
    });
  }
});
