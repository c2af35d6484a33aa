import { Post } from '../../models/post';
import { clearApproverCache } from '../../src/services/approvers';
import { POST_ACTION_IDS } from '../../src/slack/ids';
import { openHome as openHomeView, startTestApp, type TestApp, visibleText } from '../support/app';
import { useTestDatabase } from '../support/db';
import { at, seedPosts, seedPublications, seedReviews } from '../support/metrics-seed';

const NOW = new Date('2026-11-24T12:00:00Z'); // Tue 24 Nov, 17:30 IST

describe('App Home tab', () => {
  const db = useTestDatabase();
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ db: db(), now: () => NOW, env: { SMX_APPROVERS: 'U0BOSS' } });
    clearApproverCache();
    await seedPosts([
      {
        status: 'pending_approval',
        submittedAt: at('2026-11-23', 9),
        scheduledAt: at('2026-11-26', 9),
        text: 'Flu <!channel> shots',
        authorId: 'U0STAFF',
      },
      {
        status: 'pending_approval',
        submittedAt: at('2026-11-23', 10),
        scheduledAt: at('2026-11-27', 9),
        text: 'My own draft',
        authorId: 'U0BOSS',
      },
      {
        status: 'approved',
        submittedAt: at('2026-11-20', 9),
        approvedAt: at('2026-11-20', 10),
        scheduledAt: at('2026-11-25', 9),
        text: 'Blood drive on Friday',
        targets: ['facebook', 'x'],
      },
    ]);
    await seedReviews([
      { day: '2026-11-10', sentiment: 'negative', actedAfterHours: 30 },
      { day: '2026-11-21', sentiment: 'negative' },
      { day: '2026-11-22', sentiment: 'negative', status: 'assigned' },
    ]);
    await seedPublications('facebook', ['2026-11-03', '2026-11-10', '2026-11-17']);
  });
  afterAll(async () => {
    await t.stop();
  });

  const openHome = (user: string) => openHomeView(t, user);

  test('an approver sees the drafts they may approve with buttons, what goes out next, negatives and goals', async () => {
    const view = await openHome('U0BOSS');
    expect(view.type).toBe('home');
    const text = visibleText(view as unknown as Record<string, unknown>);
    expect(text).toContain('*Drafts waiting for your approval* (1 of 2 waiting)');
    expect(text).toContain('Flu &lt;!channel&gt; shots');
    expect(text).not.toContain('My own draft'); // no self-approval by default
    const isDraftRow = (b: Record<string, unknown>) =>
      b.type === 'actions' && String(b.block_id ?? '').startsWith('home_draft:');
    const actions = view.blocks.filter(isDraftRow);
    expect(actions).toHaveLength(1);
    // The open negatives are review cards with their own buttons, Draft reply first.
    const reviewRows = view.blocks.filter(
      (b) => b.type === 'actions' && String(b.block_id ?? '').startsWith('rv:'),
    );
    expect(reviewRows.length).toBeGreaterThan(0);
    expect(JSON.stringify(reviewRows)).toContain('review_draft_reply');
    const buttons = (actions[0]?.elements ?? []) as Array<{ action_id: string; value: string }>;
    expect(buttons.map((b) => b.action_id)).toEqual([POST_ACTION_IDS.approve, POST_ACTION_IDS.reject]);
    expect(buttons[0]?.value).toMatch(/^P\d{4}:1$/);
    expect(text).toContain('to Facebook + X: Blood drive on Friday');
    expect(text).toContain(':red_circle: 2 open; the oldest arrived 3.3 days ago');
    expect(text).toContain(
      'Facebook Page: ▓▓▓▓▓▓▓▓▓░ 3 posts so far, 3.4–6.9 due by now (goal 1–2/week) :white_check_mark: on plan',
    );
    expect(text).toContain('Feedback rate: not available — no visits recorded');
    expect(text).toContain('median 30 h — :warning: over the 24 h goal');
    expect(t.slack.violations).toEqual([]);
  });

  test('when publishing the Home fails, the viewer gets a plain error view instead of a stale page', async () => {
    t.slack.failNext('views.publish', { error: 'internal_error' });
    const before = t.slack.callsOf('views.publish').length;
    await openHome('U0BOSS');
    const call = await t.slack.waitForCall(
      'views.publish',
      (c) => t.slack.callsOf('views.publish').indexOf(c) > before,
    );
    expect(visibleText(call.args.view as Record<string, unknown>)).toContain(
      'Something went wrong inside smx',
    );
  });

  test('a non-approver sees how many drafts wait, without buttons', async () => {
    const view = await openHome('U0STAFF');
    const text = visibleText(view as unknown as Record<string, unknown>);
    expect(text).toContain('*Drafts waiting for approval:* 2');
    // No draft buttons for a non-approver (the open negatives' review cards still offer Draft reply).
    expect(
      view.blocks.filter((b) => b.type === 'actions' && String(b.block_id ?? '').startsWith('home_draft:')),
    ).toHaveLength(0);
  });

  test('buttons on the Home tab work there: a refusal arrives as a DM, a decision redraws the tab', async () => {
    const home = await openHome('U0BOSS');
    const buttons = (home.blocks.find((b) => b.type === 'actions')?.elements ?? []) as Array<{
      value: string;
    }>;
    const value = buttons[0]?.value ?? '';

    // Someone who is not an approver clicks a stale Home button: told privately by DM, nothing changes.
    await t.action({ actionId: POST_ACTION_IDS.approve, value, user: 'U0STAFF', surface: 'home' });
    const dm = await t.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'U0STAFF');
    expect(String(dm.args.text)).toMatch(/approver/i);

    const before = t.slack.callsOf('views.publish').length;
    await t.action({ actionId: POST_ACTION_IDS.approve, value, user: 'U0BOSS', surface: 'home' });
    const redraw = await t.slack.waitForCall(
      'views.publish',
      (c) => c.args.user_id === 'U0BOSS' && t.slack.callsOf('views.publish').indexOf(c) >= before,
    );
    const text = visibleText(redraw.args.view as Record<string, unknown>);
    expect(text).toContain('to X: Flu &lt;!channel&gt; shots'); // now among the next scheduled posts
    const approved = await Post.findOne({ text: 'Flu <!channel> shots' }).lean();
    expect(approved).toMatchObject({ status: 'approved', approvedBy: 'U0BOSS' });
    expect(text).toContain('*Drafts waiting for your approval* (0 of 1 waiting)');
    expect(t.slack.violations).toEqual([]);
  });
});
