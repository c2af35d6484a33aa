/**
 * Old decision records are forgotten only when their post is settled for good, and a late click on an old card after
 * that is still refused with a true message and acts nowhere: real app over HTTP, fake Slack and X, real database.
 */
import { forgetDecisionsJob } from '../../jobs/forget-decisions';
import { Decision } from '../../models/decision';
import { Post } from '../../models/post';
import { forgetSettledDecisions } from '../../src/services/decision-retention';
import { POST_MESSAGES } from '../../src/services/post-messages';
import { POST_ACTION_IDS } from '../../src/slack/ids';
import type { FakeSlack } from '../fakes/slack';
import { FakeX } from '../fakes/x';
import { publishTick, startApprovalsApp, stopApprovalsApp, type TestApp, visibleText } from '../support/app';
import { useTestDatabase } from '../support/db';

const AUTHOR = 'U0STAFF';
const BOSS = 'U0BOSS';
const CHANNEL = 'C0APPROVALS';
const DAY = 24 * 3600_000;

describe('decision retention', () => {
  const db = useTestDatabase();
  let t: TestApp;
  let slack: FakeSlack;
  let x: FakeX;
  let offset = 0;

  beforeAll(async () => {
    ({
      slack,
      t,
      target: x,
    } = await startApprovalsApp(db(), new FakeX(), {
      now: () => new Date(Date.now() + offset),
      channel: CHANNEL,
      approvers: BOSS,
    }));
  });
  afterAll(async () => {
    await stopApprovalsApp({ t, slack, target: x });
  });

  async function schedule(text: string, when = 'now'): Promise<{ shortId: string; id: string }> {
    const { responses } = await t.command(`schedule to:x ${when} | ${text}`, { user: AUTHOR });
    const shortId = /Post \*(P[A-Z0-9]{5})\*/.exec(visibleText(responses[0]?.body))?.[1];
    if (!shortId) throw new Error('no post id');
    const doc = await Post.findOne({ shortId }).lean();
    return { shortId, id: String(doc?._id) };
  }

  async function click(actionId: string, value: string, user: string): Promise<string> {
    const r = await t.action({ actionId, value, user, channel: CHANNEL });
    return r.responses.map((m) => visibleText(m.body)).join('\n');
  }

  const decisionsOf = (id: string) => Decision.countDocuments({ docId: id });

  test('only settled posts lose their old decisions; a late click on an old card is still refused truthfully and acts nowhere', async () => {
    // Published: approve (v1), publish (v2), settle (v3).
    const published = await schedule('Retention probe, published #CityHospital');
    await click(POST_ACTION_IDS.approve, `${published.shortId}:1`, BOSS);
    await publishTick(t.ctx, t.smx.app.client);
    expect((await Post.findById(published.id).lean())?.status).toBe('published');
    // Cancelled by its author.
    const cancelled = await schedule('Retention probe, cancelled #CityHospital', 'tomorrow 9am');
    await t.command(`cancel ${cancelled.shortId}`, { user: AUTHOR });
    expect((await Post.findById(cancelled.id).lean())?.status).toBe('cancelled');
    // Approved for tomorrow: not settled, however old its decision gets.
    const approved = await schedule('Retention probe, approved #CityHospital', 'tomorrow 9am');
    await click(POST_ACTION_IDS.approve, `${approved.shortId}:1`, BOSS);
    expect((await Post.findById(approved.id).lean())?.status).toBe('approved');

    expect(await decisionsOf(published.id)).toBe(3);
    expect(await decisionsOf(cancelled.id)).toBe(1);
    expect(await decisionsOf(approved.id)).toBe(1);

    // Not old enough yet: nothing goes.
    expect((await forgetSettledDecisions(t.ctx)).removed).toBe(0);

    // 91 days later (the default keeps 90).
    offset = 91 * DAY;
    await forgetDecisionsJob.run({ ctx: t.ctx, client: t.smx.app.client });
    expect(await decisionsOf(published.id)).toBe(0);
    expect(await decisionsOf(cancelled.id)).toBe(0);
    expect(await decisionsOf(approved.id)).toBe(1);

    // A late Approve on the published post's first card: refused by its state, nothing changes, no second tweet.
    const tweets = x.tweets.length;
    const version = (await Post.findById(published.id).lean())?.version;
    expect(await click(POST_ACTION_IDS.approve, `${published.shortId}:1`, BOSS)).toBe(
      POST_MESSAGES.settled(published.shortId, 'published'),
    );
    await publishTick(t.ctx, t.smx.app.client);
    expect(x.tweets.length).toBe(tweets);
    const after = await Post.findById(published.id).lean();
    expect(after?.status).toBe('published');
    expect(after?.version).toBe(version);
    expect(await decisionsOf(published.id)).toBe(0);

    // A late cancel of the cancelled post: the same honest answer, and still no decision record.
    const { responses } = await t.command(`cancel ${cancelled.shortId}`, { user: AUTHOR });
    expect(visibleText(responses[0]?.body)).toBe(
      POST_MESSAGES.cannotChange(cancelled.shortId, 'cancelled', 'cancelled'),
    );
    expect(await decisionsOf(cancelled.id)).toBe(0);
    offset = 0;
  });
});
