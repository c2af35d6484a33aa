/**
 * The action and view routers (src/slack/router.ts), on a real Bolt App fed events directly: each id reaches its own
 * listener and no other, a pattern id routes, and an id no route knows stays unhandled (not acked), as it was with one
 * Bolt listener per id.
 */
import { App, type Receiver } from '@slack/bolt';
import { action, anyRoute, routeActions, routeViews, view } from '../../../src/slack/router';

const receiver: Receiver = { init: () => {}, start: async () => {}, stop: async () => {} };

function makeApp(): { app: App; ran: string[] } {
  const app = new App({
    receiver,
    authorize: async () => ({ botToken: 'xoxb-test', botId: 'B0', botUserId: 'U0BOT' }),
  });
  const ran: string[] = [];
  const listener =
    (name: string) =>
    async ({ ack }: { ack: () => Promise<void> }) => {
      await ack();
      ran.push(name);
    };
  routeActions(app, [
    action('approve_post', listener('approve')),
    action('reject.post', listener('reject')),
    action(/^plan_fill_canned(:|$)/, listener('fill')),
  ]);
  routeViews(app, [view('schedule_post', listener('schedule view'))]);
  return { app, ran };
}

/** Hands Bolt one request body; true when a listener acked it. */
async function deliver(app: App, body: Record<string, unknown>): Promise<boolean> {
  let acked = false;
  await app.processEvent({
    body: { team: { id: 'T0TEST' }, user: { id: 'U0CLICK' }, ...body },
    ack: async () => {
      acked = true;
    },
  });
  return acked;
}

const click = (app: App, actionId: string) =>
  deliver(app, {
    type: 'block_actions',
    actions: [{ type: 'button', action_id: actionId, block_id: 'b', action_ts: '1' }],
  });

test('anyRoute matches exactly the routes’ ids', () => {
  const re = anyRoute(['approve_post', 'reject.post', /^plan_fill_canned(:|$)/]);
  for (const id of ['approve_post', 'reject.post', 'plan_fill_canned', 'plan_fill_canned:x'])
    expect(re.test(id)).toBe(true);
  for (const id of ['approve_post2', 'xapprove_post', 'rejectXpost', 'plan_fill_cannedx', ''])
    expect(re.test(id)).toBe(false);
  expect(() => anyRoute([/x/g])).toThrow(/no flags/);
});

test('each action id runs its own listener only; an unknown one runs none and is not acked', async () => {
  const { app, ran } = makeApp();
  expect(await click(app, 'reject.post')).toBe(true);
  expect(await click(app, 'plan_fill_canned:facebook')).toBe(true);
  expect(await click(app, 'approve_post')).toBe(true);
  expect(await click(app, 'rejectXpost')).toBe(false);
  expect(ran).toEqual(['reject', 'fill', 'approve']);
});

test('a view submission routes by callback_id; another callback_id runs nothing', async () => {
  const { app, ran } = makeApp();
  const submit = (callbackId: string) =>
    deliver(app, {
      type: 'view_submission',
      view: { id: 'V1', callback_id: callbackId, state: { values: {} }, private_metadata: '' },
    });
  expect(await submit('schedule_post')).toBe(true);
  expect(await submit('schedule_post_x')).toBe(false);
  expect(ran).toEqual(['schedule view']);
});
