import { CannedPost } from '../../models/canned-post';
import { Post } from '../../models/post';
import { type NudgeOutcome, PLAN_MESSAGES, postPlanNudge } from '../../src/services/plan';
import { planNudgeMessage } from '../../src/slack/blocks/plan';
import { publishHome } from '../../src/slack/home';
import { PLAN_ACTION_IDS, POST_ACTION_IDS } from '../../src/slack/ids';
import { FakeGraph } from '../fakes/graph';
import type { FakeSlack } from '../fakes/slack';
import { startApprovalsApp, stopApprovalsApp, type TestApp, visibleText } from '../support/app';
import { useTestDatabase } from '../support/db';

const APPROVALS = 'CAPPROVALS';
const AUTHOR = 'U0AUTHOR';
const APPROVER = 'U0BOSS';
// Tue 24 Nov 2026, 10:00 IST: this week is 23–29 Nov (2026-W48), next week 30 Nov–6 Dec (2026-W49).
const NOW = new Date('2026-11-24T04:30:00Z');

type Button = { action_id: string; value: string; text: { text: string } };
const buttons = (blocks: unknown[] | undefined): Button[] =>
  (blocks ?? []).flatMap((b) => {
    const block = b as { type: string; elements?: Button[] };
    return block.type === 'actions' ? (block.elements ?? []) : [];
  });

describe('/smx plan: the weeks ahead against the cadence, filled from canned posts', () => {
  const db = useTestDatabase();
  let slack: FakeSlack;
  let graph: FakeGraph;
  let t: TestApp;

  beforeAll(async () => {
    ({
      slack,
      t,
      target: graph,
    } = await startApprovalsApp(db(), new FakeGraph(), {
      now: () => NOW,
      channel: APPROVALS,
      approvers: APPROVER,
    }));
    await t.command('tags require #CityHospital', { user: APPROVER });
    // This week already has its Facebook post (waiting for approval); next week has none.
    await t.command('schedule to:facebook thursday 11am | Open day on Saturday #CityHospital', {
      user: AUTHOR,
    });
    // Canned posts: one breaks the guideline, one was used a lot, one is fresh and fits.
    await CannedPost.create([
      {
        shortId: 'CBAD1',
        text: 'Drink water!',
        createdBy: AUTHOR,
        createdAt: new Date('2026-01-01'),
        timesUsed: 0,
      },
      {
        shortId: 'COLD1',
        text: 'Wash your hands #CityHospital',
        createdBy: AUTHOR,
        createdAt: new Date('2026-01-02'),
        timesUsed: 3,
        lastUsedAt: new Date('2026-10-01'),
      },
      {
        shortId: 'CNEW1',
        text: 'Walk 30 minutes a day #CityHospital',
        createdBy: AUTHOR,
        createdAt: new Date('2026-01-03'),
        timesUsed: 0,
      },
    ]);
  });
  afterAll(async () => {
    await stopApprovalsApp({ t, slack, target: graph });
  });

  const plan = async (args = '2') => (await t.command(`plan ${args}`, { user: AUTHOR })).responses[0]?.body;

  test('shows each week per target against the cadence and marks the short one', async () => {
    const body = plan();
    const b = await body;
    const text = visibleText(b);
    expect(text).toContain('Week of 23 Nov–29 Nov* (this week)');
    expect(text).toContain(
      ':white_check_mark: Facebook: 1 of 1–2 — on plan (0 published · 0 scheduled · 1 waiting for approval)',
    );
    expect(text).toContain('Week of 30 Nov–6 Dec*');
    expect(text).toContain(':warning: *Facebook: 0 of 1–2 — short by 1*');
    expect(b?.text).toBe('Content plan: Facebook short by 1 in the week of 30 Nov–6 Dec.');
    expect(buttons(b?.blocks as unknown[])).toEqual([
      expect.objectContaining({ action_id: `${PLAN_ACTION_IDS.fill}:facebook`, value: 'facebook:2026-W49' }),
    ]);
    expect(visibleText((await t.command('plan 13')).responses[0]?.body)).toBe(PLAN_MESSAGES.usage);
  });

  test('the weekly nudge tells the approvals channel once, with the same button; the Home tab shows this week', async () => {
    const run = (): Promise<NudgeOutcome> => postPlanNudge(t.ctx, t.smx.app.client, planNudgeMessage);
    expect(await run()).toBe('posted');
    expect(await run()).toBe('already-posted');
    const nudges = slack.channelMessages(APPROVALS).filter((m) => m.text.startsWith('Content plan'));
    expect(nudges).toHaveLength(1);
    expect(buttons(nudges[0]?.blocks).map((x) => x.value)).toEqual([
      'facebook:2026-W49',
      'facebook:2026-W50',
      'facebook:2026-W51',
    ]);

    await publishHome(t.ctx, t.smx.app.client, AUTHOR);
    const view = slack.callsOf('views.publish').at(-1)?.args.view as { blocks: unknown[] } | string;
    const blocks = (typeof view === 'string' ? JSON.parse(view) : view).blocks as unknown[];
    expect(visibleText({ blocks })).toContain("*This week's plan* (23 Nov–29 Nov)");
  });

  test('Fill from canned drafts the least-used fitting post into the short week; after approval the week is on plan', async () => {
    const { responses } = await t.action({
      actionId: `${PLAN_ACTION_IDS.fill}:facebook`,
      value: 'facebook:2026-W49',
      user: AUTHOR,
      channel: APPROVALS,
      expect: 1,
    });
    const reply = visibleText(responses[0]?.body);
    expect(reply).toContain('is waiting for approval; it will go out Mon 30 Nov, 10:00 IST');
    expect(reply).toContain('canned post *CNEW1*');
    const id = /Post \*(P[A-Z0-9]{5})\*/.exec(reply)?.[1] as string;
    const draft = await Post.findOne({ shortId: id }).lean();
    expect(draft).toMatchObject({
      text: 'Walk 30 minutes a day #CityHospital',
      targets: ['facebook'],
      status: 'pending_approval',
      cannedId: 'CNEW1',
    });
    expect((await CannedPost.findOne({ shortId: 'CNEW1' }).lean())?.timesUsed).toBe(1);

    // A second click (a stale nudge) drafts nothing more.
    const again = await t.action({
      actionId: `${PLAN_ACTION_IDS.fill}:facebook`,
      value: 'facebook:2026-W49',
      user: AUTHOR,
      channel: APPROVALS,
      expect: 1,
    });
    expect(visibleText(again.responses[0]?.body)).toBe(PLAN_MESSAGES.notShort('Facebook', '30 Nov'));
    expect(await Post.countDocuments({ cannedId: { $ne: null } })).toBe(1);

    await t.action({
      actionId: POST_ACTION_IDS.approve,
      value: `${id}:1`,
      user: APPROVER,
      channel: APPROVALS,
    });
    const text = visibleText(await plan());
    expect(text).toContain(
      ':white_check_mark: Facebook: 1 of 1–2 — on plan (0 published · 1 scheduled · 0 waiting for approval)',
    );
    expect(text).not.toContain('short by');
  });
});
