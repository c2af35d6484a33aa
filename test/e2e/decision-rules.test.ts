/**
 * The rules around decisions, end to end: who may do what (roles), four-eyes on whoever last changed the text,
 * truthful answers when Slack refuses a card or its update, late approvals that ask first, and approved posts too
 * far overdue that wait for a person's choice.
 */
import { CannedPost } from '../../models/canned-post';
import { Post } from '../../models/post';
import { TagGuideline } from '../../models/tag-guideline';
import { ROLE_MESSAGES } from '../../src/services/approvers';
import { POST_MESSAGES } from '../../src/services/post-messages';
import { channelProblem } from '../../src/slack/calls';
import { POST_ACTION_IDS, POST_BLOCK_IDS, POST_CALLBACK_IDS, POST_INPUT_IDS } from '../../src/slack/ids';
import type { FakeSlack } from '../fakes/slack';
import { FakeX } from '../fakes/x';
import { publishTick, startApprovalsApp, stopApprovalsApp, type TestApp, visibleText } from '../support/app';
import { useTestDatabase } from '../support/db';

const AUTHOR = 'U0STAFF';
const BOSS = 'U0BOSS';
const BOSS2 = 'U0BOSS2';
const CHANNEL = 'C0APPROVALS';
/** Tue 24 Nov 2026, 10:00 in Asia/Kolkata. */
const NOW = new Date('2026-11-24T04:30:00.000Z');
/** Wed 25 Nov, 09:00 IST: when "tomorrow 9am" posts are due. */
const DUE = new Date('2026-11-25T03:30:00.000Z');

describe('decision rules: roles, four-eyes, truthful answers, late and stale approvals', () => {
  const db = useTestDatabase();
  let t: TestApp;
  let slack: FakeSlack;
  let x: FakeX;
  let clock = NOW;

  beforeAll(async () => {
    ({
      slack,
      t,
      target: x,
    } = await startApprovalsApp(db(), new FakeX(), {
      now: () => clock,
      channel: CHANNEL,
      approvers: `${BOSS},${BOSS2}`,
    }));
  });
  afterEach(() => {
    clock = NOW;
  });
  afterAll(async () => {
    await stopApprovalsApp({ t, slack, target: x });
  });

  async function say(text: string, user = AUTHOR): Promise<string> {
    const { responses } = await t.command(text, { user });
    return visibleText(responses[0]?.body);
  }

  async function schedule(text: string, when = 'tomorrow 9am'): Promise<string> {
    const reply = await say(`schedule to:x ${when} | ${text}`);
    const id = /Post \*(P[A-Z0-9]{5})\*/.exec(reply)?.[1];
    if (!id) throw new Error(`no post id in: ${reply}`);
    return id;
  }

  async function click(actionId: string, value: string, user: string) {
    const r = await t.action({ actionId, value, user, channel: CHANNEL });
    return {
      text: r.responses.map((x) => visibleText(x.body)).join('\n'),
      bodies: r.responses.map((x) => x.body),
    };
  }

  const stored = async (id: string) => {
    const p = await Post.findOne({ shortId: id }).lean();
    if (!p) throw new Error(`post ${id} not stored`);
    return p;
  };

  const dmsTo = (user: string) =>
    slack
      .callsOf('chat.postMessage')
      .filter((c) => c.args.channel === `D${user}`)
      .map((c) => String(c.args.text));

  test('roles: only approvers change the tag guideline and visits, or remove others’ canned posts; help says so', async () => {
    expect(await say('tags require #CityHospital')).toBe(
      ROLE_MESSAGES.approversOnly('change the #tag guideline'),
    );
    expect(await TagGuideline.countDocuments({})).toBe(0);
    expect(await say('tags require #CityHospital', BOSS)).toContain(
      'Every post should now carry #CityHospital',
    );
    // Anyone may look.
    expect(await say('tags')).toContain('#CityHospital');
    expect(await say('visits 1200 2026-11')).toBe(ROLE_MESSAGES.approversOnly('record patient visits'));

    const added = await say('canned add Flu shots are free at City Hospital #CityHospital', BOSS);
    const cid = /\*(C[A-Z0-9]{4})\*/.exec(added)?.[1] as string;
    expect(await say(`canned remove ${cid}`)).toBe(
      ROLE_MESSAGES.approversOnly(`remove a canned post someone else added (${cid} is <@${BOSS}>’s)`),
    );
    expect(await CannedPost.countDocuments({ shortId: cid })).toBe(1);
    // Everyone may use one; it becomes a draft that needs approval.
    expect(await say(`canned use ${cid} tomorrow 9am`)).toContain('waiting for approval');
    expect(await say(`canned remove ${cid}`, BOSS2)).toContain(`Removed canned post *${cid}*`);
    const own = /\*(C[A-Z0-9]{4})\*/.exec(
      await say('canned add Our own evergreen #CityHospital'),
    )?.[1] as string;
    expect(await say(`canned remove ${own}`)).toContain(`Removed canned post *${own}*`);

    const help = await say('help');
    expect(help).toContain('Who may do what');
    expect(help).toContain('Approvers (SMX_APPROVERS) approve posts and change the #tag guideline');
    await TagGuideline.deleteMany({});
  });

  test('four-eyes: an approver who rewrote the text cannot approve it; a second approver can', async () => {
    const id = await schedule('Visiting hours change from Monday #CityHospital');
    const saved = await t.viewSubmission({
      callbackId: POST_CALLBACK_IDS.edit,
      privateMetadata: `${id}:1`,
      user: BOSS2,
      values: {
        [POST_BLOCK_IDS.text]: {
          [POST_INPUT_IDS.text]: {
            type: 'plain_text_input',
            value: 'Visiting hours are longer from Monday #CityHospital',
          },
        },
      },
    });
    expect(saved.status).toBe(200);
    expect((await stored(id)).textBy).toBe(BOSS2);
    expect((await click(POST_ACTION_IDS.approve, `${id}:2`, BOSS2)).text).toBe(POST_MESSAGES.selfApproval);
    expect((await stored(id)).status).toBe('pending_approval');
    expect((await click(POST_ACTION_IDS.approve, `${id}:2`, BOSS)).text).toBe('');
    const p = await stored(id);
    expect(p.status).toBe('approved');
    expect(p.approvedBy).toBe(BOSS);
    expect(p.text).toBe('Visiting hours are longer from Monday #CityHospital');
  });

  test('a card that cannot be posted: nothing is stored and the author is told how to fix it', async () => {
    const before = await Post.countDocuments({});
    slack.failNext('chat.postMessage', { error: 'not_in_channel' });
    const reply = await say('schedule to:x tomorrow 9am | Blood drive on Friday #CityHospital');
    expect(reply).toBe(POST_MESSAGES.noCard(channelProblem('not_in_channel', CHANNEL)));
    expect(reply).toContain('/invite @smx');
    expect(reply).not.toContain('Something went wrong');
    expect(await Post.countDocuments({})).toBe(before);
  });

  test('Slack’s ok:false ratelimited on the card is retried like a 429: one card, one post', async () => {
    const before = await Post.countDocuments({});
    const cardsBefore = slack.channelMessages(CHANNEL).length;
    slack.failNext('chat.postMessage', { error: 'ratelimited' });
    const id = await schedule('Free eye camp on Saturday #CityHospital');
    expect(await Post.countDocuments({})).toBe(before + 1);
    expect(slack.channelMessages(CHANNEL).length).toBe(cardsBefore + 1);
    expect((await stored(id)).cardTs).toBeTruthy();
  });

  test('a card update that fails after Approve: the approval stands, the approver is told, the author gets the DM', async () => {
    const id = await schedule('New parking rules from December #CityHospital');
    const dmsBefore = dmsTo(AUTHOR).length;
    slack.failNext('chat.update', { error: 'message_not_found' });
    const { text } = await click(POST_ACTION_IDS.approve, `${id}:1`, BOSS);
    expect((await stored(id)).status).toBe('approved');
    expect(text).toContain(`You approved post *${id}*`);
    expect(text).toContain('The decision stands, but the card could not be updated (`message_not_found`)');
    expect(text).not.toMatch(/nothing was changed/i);
    expect(dmsTo(AUTHOR).slice(dmsBefore).join('\n')).toContain(`<@${BOSS}> approved your post *${id}*`);
  });

  test('a late approval asks first; “Approve and publish now” approves and sends it at once', async () => {
    const id = await schedule('Late approval probe #CityHospital');
    clock = new Date(DUE.getTime() + 30 * 60_000);
    const asked = await click(POST_ACTION_IDS.approve, `${id}:1`, BOSS);
    expect(asked.text).toContain(POST_MESSAGES.late(id, 'Wed 25 Nov, 09:00 IST'));
    expect(JSON.stringify(asked.bodies)).toContain(POST_ACTION_IDS.approveNow);
    expect((await stored(id)).status).toBe('pending_approval');
    // Nothing goes out on its own.
    await publishTick(t.ctx, t.smx.app.client);
    expect(x.tweets.some((tw) => tw.text === 'Late approval probe #CityHospital')).toBe(false);

    const now = await click(POST_ACTION_IDS.approveNow, `${id}:1`, BOSS);
    expect(now.text).toContain('It goes out within a minute');
    const p = await stored(id);
    expect(p.status).toBe('approved');
    expect(p.scheduledAt.getTime()).toBe(clock.getTime());
    await publishTick(t.ctx, t.smx.app.client);
    expect(x.tweets.filter((tw) => tw.text === 'Late approval probe #CityHospital').length).toBe(1);
  });

  test('an approved post more than SMX_STALE_AFTER overdue is not published until someone chooses Publish now', async () => {
    const id = await schedule('Stale probe #CityHospital');
    await click(POST_ACTION_IDS.approve, `${id}:1`, BOSS);
    expect((await stored(id)).status).toBe('approved');
    // smx was down: it is now 3 hours past the post's time.
    clock = new Date(DUE.getTime() + 3 * 3600_000);
    await publishTick(t.ctx, t.smx.app.client);
    await publishTick(t.ctx, t.smx.app.client);
    expect(x.tweets.some((tw) => tw.text === 'Stale probe #CityHospital')).toBe(false);
    const card = await stored(id);
    const thread = slack.channelMessages(CHANNEL).filter((m) => m.thread_ts === card.cardTs);
    const notices = thread.filter((m) => m.text.includes('more than 2 h overdue'));
    expect(notices.length).toBe(1); // said once, not every tick
    expect(notices[0]?.text).toBe(POST_MESSAGES.stale(id, 'Wed 25 Nov, 09:00 IST', '2 h'));
    expect(JSON.stringify(notices[0]?.blocks)).toContain(POST_ACTION_IDS.publishNow);
    expect(dmsTo(AUTHOR).some((d) => d.includes(`Post *${id}* was due`))).toBe(true);
    expect(dmsTo(BOSS).some((d) => d.includes(`Post *${id}* was due`))).toBe(true);

    expect((await click(POST_ACTION_IDS.publishNow, `${id}:1`, 'U0RANDOM')).text).toBe(
      POST_MESSAGES.notAuthorOrApprover('publish'),
    );
    const chosen = await click(POST_ACTION_IDS.publishNow, `${id}:1`, AUTHOR);
    expect(chosen.text).toContain(`Post *${id}* goes out within a minute`);
    await publishTick(t.ctx, t.smx.app.client);
    expect(x.tweets.filter((tw) => tw.text === 'Stale probe #CityHospital').length).toBe(1);
    expect((await stored(id)).status).toBe('published');
  });

  test('no Block Kit violations anywhere', () => {
    expect(slack.violations).toEqual([]);
  });
});
