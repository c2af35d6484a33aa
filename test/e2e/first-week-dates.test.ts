/**
 * A hospital's first week, dates and times (issue 10): an Indian hospital (Asia/Kolkata, day/month dates) drafts
 * posts over HTTP against the fake Slack and X and the real test database.
 */
import { Post } from '../../models/post';
import { POST_ACTION_IDS, POST_INPUT_IDS } from '../../src/slack/ids';
import type { FakeSlack } from '../fakes/slack';
import { FakeX } from '../fakes/x';
import { startApprovalsApp, stopApprovalsApp, type TestApp, visibleText } from '../support/app';
import { useTestDatabase } from '../support/db';

/** Tue 1 Dec 2026, 19:40 in Asia/Kolkata. */
const NOW = new Date('2026-12-01T14:10:00.000Z');
const CHANNEL = 'C0APPROVALS';

describe('first week: dates are read and shown the way an Indian hospital writes them', () => {
  const db = useTestDatabase();
  let t: TestApp;
  let slack: FakeSlack;
  let x: FakeX;

  beforeAll(async () => {
    ({
      slack,
      t,
      target: x,
    } = await startApprovalsApp(db(), new FakeX(), {
      now: () => NOW,
      channel: CHANNEL,
      approvers: 'U0BOSS',
    }));
  });
  afterAll(async () => {
    await stopApprovalsApp({ t, slack, target: x });
  });

  async function schedule(text: string): Promise<string> {
    const { responses } = await t.command(`schedule ${text}`);
    return visibleText(responses[0]?.body);
  }

  test('05/12 9am is 5 December, spelt out; 05/06 is 5 June of next year, with the year', async () => {
    const reply = await schedule('to:x 05/12 9am | Flu shots are free this week #FluSeason');
    expect(reply).toContain('Sat 5 Dec, 09:00 IST');
    const dec = await Post.findOne({ text: /Flu shots/ }).lean();
    expect(dec?.scheduledAt.toISOString()).toBe('2026-12-05T03:30:00.000Z');

    const june = await schedule('to:x 05/06 9am | Blood donation camp #Donate');
    expect(june).toContain('Sat 5 Jun 2027, 09:00 IST');
    const card = slack.channelMessages(CHANNEL).find((m) => m.text.includes('Blood donation'));
    expect(visibleText({ text: card?.text, blocks: card?.blocks })).toContain('Sat 5 Jun 2027, 09:00 IST');
  });

  test('day after tomorrow is understood; the one-year limit names its year', async () => {
    expect(await schedule('to:x day after tomorrow 10:30 | Yoga for heart health #HeartHealth')).toContain(
      'Thu 3 Dec, 10:30 IST',
    );
    expect(await schedule('to:x 2028-01-05 09:00 | Too far #X')).toContain(
      'more than a year ahead — smx schedules up to Wed 1 Dec 2027, 19:40 IST',
    );
  });

  test('help shows the day/month example; the form opens on the next full hour', async () => {
    const help = visibleText((await t.command('help')).responses[0]?.body);
    expect(help).toContain('/smx schedule to:x 05/12 9am | Flu shots are free this week #FluSeason');

    await t.command('schedule', { expect: 0 });
    const opened = await slack.waitForCall('views.open');
    const view = JSON.stringify(opened.args.view);
    expect(view).toContain('"initial_date":"2026-12-01"');
    expect(view).toContain('"initial_time":"20:00"');
    expect(view).toContain(POST_INPUT_IDS.time);
  });

  test('decision stamps on the card name the zone', async () => {
    await schedule('to:x tomorrow 9am | Free eye check-ups on Saturday #EyeCare');
    const post = await Post.findOne({ text: /eye check-ups/ }).lean();
    await t.action({
      actionId: POST_ACTION_IDS.approve,
      value: `${post?.shortId}:1`,
      user: 'U0BOSS',
      channel: CHANNEL,
      messageTs: post?.cardTs ?? '1.000',
    });
    const card = slack.channelMessages(CHANNEL).find((m) => m.text.includes('eye check-ups'));
    expect(visibleText({ text: card?.text, blocks: card?.blocks })).toContain(
      'Approved by <@U0BOSS> · Tue 19:40 IST',
    );
    expect(slack.violations).toEqual([]);
  });
});
