import { Post } from '../../models/post';
import { Publication } from '../../models/publication';
import { REPOST_MESSAGES } from '../../src/services/repost';
import type { FakeSlack } from '../fakes/slack';
import { FakeX } from '../fakes/x';
import {
  publishTick,
  startApprovalsApp,
  stopApprovalsApp,
  type TestApp,
  visibleText,
  waitUntil,
} from '../support/app';
import { cardText, overridePhiAndApprove, threadText } from '../support/cards';
import { useTestDatabase } from '../support/db';

const APPROVALS = 'CAPPROVALS';
const AUTHOR = 'U0AUTHOR';
const APPROVER = 'U0BOSS';
const NOW = new Date('2026-11-24T04:30:00Z');
const WHO = { id: '14499829', username: 'WHO', name: 'World Health Organization' };

describe('/smx repost → approve → exactly one retweet', () => {
  const db = useTestDatabase();
  let slack: FakeSlack;
  let x: FakeX;
  let t: TestApp;
  const tick = () => publishTick(t.ctx, t.smx.app.client);

  beforeAll(async () => {
    ({
      slack,
      t,
      target: x,
    } = await startApprovalsApp(
      db(),
      new FakeX()
        .post('1861234567890123456', 'Wash your hands: it saves lives. <!channel>', WHO)
        .post('1861234567890000001', 'Flu season is here: get vaccinated.', WHO),
      {
        now: () => NOW,
        channel: APPROVALS,
        approvers: APPROVER,
      },
    ));
    await t.command('tags require #CityHospital', { user: APPROVER });
  });
  afterAll(async () => {
    await stopApprovalsApp({ t, slack, target: x });
  });

  const repost = async (args: string) =>
    visibleText((await t.command(`repost ${args}`, { user: AUTHOR })).responses[0]?.body);
  const idIn = (reply: string) => /Post \*(P[A-Z0-9]{5})\*/.exec(reply)?.[1] as string;

  test('a partner’s post: the card shows whose and what; one POST /2/users/{id}/retweets; it counts toward X', async () => {
    const reply = await repost('https://x.com/WHO/status/1861234567890123456?s=20');
    expect(reply).toContain('to X is waiting for approval');
    const id = idIn(reply);
    const shown = cardText(slack, APPROVALS, id);
    expect(shown).toContain('Repost of @WHO');
    expect(shown).toContain('Wash your hands: it saves lives. &lt;!channel&gt;');
    expect(shown).not.toContain('<!channel>');
    expect(shown).not.toContain('Missing required tag'); // a repost carries their words, not ours
    // The PHI guard read the original post, not our one-line draft text.
    expect(shown).toContain('“hands”');
    expect((await Post.findOne({ shortId: id }).lean())?.status).toBe('pending_approval');

    await overridePhiAndApprove(t, APPROVALS, id, APPROVER);
    await tick();
    await tick();
    expect(x.retweets).toEqual([{ userId: '900', body: { tweet_id: '1861234567890123456' } }]);
    expect(x.tweets).toHaveLength(0); // nothing new was tweeted
    expect((await Post.findOne({ shortId: id }).lean())?.status).toBe('published');
    expect(await Publication.countDocuments({ target: 'x' })).toBe(1);
    const plan = visibleText((await t.command('plan 1', { user: AUTHOR })).responses[0]?.body);
    expect(plan).toContain('X: 1 of 3 — short by 2* (1 published');
    const metrics = visibleText((await t.command('metrics 7d', { user: AUTHOR })).responses[0]?.body);
    expect(metrics).toContain('X: *');
    expect(metrics).toContain('(1 post)');
  });

  test('bad input and a deleted post are refused before anything is drafted', async () => {
    const before = await Post.countDocuments({});
    expect(await repost('hello there')).toBe(REPOST_MESSAGES.usage);
    expect(await repost('1861234567899999999')).toBe(REPOST_MESSAGES.notFound('1861234567899999999'));
    expect(await Post.countDocuments({})).toBe(before);
  });

  test('a post deleted after the draft: the retweet fails clearly, and is not sent again', async () => {
    const id = idIn(await repost('1861234567890000001 tomorrow 9am'));
    x.deleted.add('1861234567890000001');
    await overridePhiAndApprove(t, APPROVALS, id, APPROVER);
    await tick(); // not due yet
    expect((await Post.findOne({ shortId: id }).lean())?.status).toBe('approved');
    const later = new Date('2026-11-25T04:00:00Z');
    await publishTick({ ...t.ctx, now: () => later }, t.smx.app.client);
    await publishTick({ ...t.ctx, now: () => later }, t.smx.app.client);
    const stored = await Post.findOne({ shortId: id }).lean();
    expect(stored?.status).toBe('failed');
    expect(x.callsTo('POST', /\/retweets$/)).toHaveLength(2); // one for the first test, one here
    // The account id was asked for once, for the first repost: each GET /2/users/me is a billed read.
    expect(x.callsTo('GET', /^\/2\/users\/me/)).toHaveLength(1);
    expect(threadText(slack, APPROVALS, id)).toContain('no longer exists');
    const dm = () =>
      slack
        .channelMessages(`D${AUTHOR}`)
        .find((m) => m.text.includes(id) && m.text.includes('could not be published'));
    await waitUntil(() => dm() !== undefined);
    expect(dm()?.text).toContain('no longer exists');
  });
});
