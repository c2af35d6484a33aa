/**
 * Posts end to end: /smx schedule → approval card → buttons → publisher → X / Facebook, over HTTP against fake
 * Slack, X and Graph servers and the real test database.
 */
import { publishJob } from '../../jobs/publish';
import { Audit } from '../../models/audit';
import { Claim } from '../../models/claim';
import { Post } from '../../models/post';
import { Publication } from '../../models/publication';
import { newOwnerId } from '../../src/services/claims';
import { POST_MESSAGES } from '../../src/services/posts';
import { publishKey, STALE_CLAIM_MS } from '../../src/services/publisher';
import { outboxSettled } from '../../src/services/slack-outbox';
import { POST_ACTION_IDS, POST_BLOCK_IDS, POST_CALLBACK_IDS, POST_INPUT_IDS } from '../../src/slack/ids';
import { FakeGraph } from '../fakes/graph';
import { FakeSlack, type StoredMessage } from '../fakes/slack';
import { FakeX } from '../fakes/x';
import { publishTick, startTestApp, type TestApp, visibleText } from '../support/app';
import { useTestDatabase } from '../support/db';

const AUTHOR = 'U0STAFF';
const APPROVER = 'U0BOSS';
const GROUP_APPROVER = 'U0BOSS2';
const OUTSIDER = 'U0RANDOM';
const CHANNEL = 'C0APPROVALS';
/** Tue 24 Nov 2026, 10:00 in Asia/Kolkata. */
const NOW = new Date('2026-11-24T04:30:00.000Z');

describe('posts: schedule, approve, publish exactly once', () => {
  const db = useTestDatabase();
  let t: TestApp;
  let slack: FakeSlack;
  let x: FakeX;
  let graph: FakeGraph;
  let clock = NOW;

  beforeAll(async () => {
    slack = await new FakeSlack().start();
    slack.usergroups.set('S0COMMS', [GROUP_APPROVER]);
    x = await new FakeX().start();
    graph = await new FakeGraph().start();
    t = await startTestApp({
      db: db(),
      slack,
      now: () => clock,
      env: {
        ...x.env(),
        ...graph.env(),
        SMX_APPROVALS_CHANNEL: CHANNEL,
        SMX_APPROVERS: `${APPROVER},S0COMMS`,
      },
    });
  });
  afterAll(async () => {
    await t.stop();
    await slack.close();
    await x.close();
    await graph.close();
  });

  const tick = () =>
    publishJob.run({ ctx: t.ctx, client: t.smx.app.client }).then(() => outboxSettled(15_000));

  async function schedule(text: string, user = AUTHOR): Promise<{ id: string; reply: string }> {
    const { responses } = await t.command(`schedule ${text}`, { user });
    const reply = visibleText(responses[0]?.body);
    const id = /Post \*(P[A-Z0-9]{5})\*/.exec(reply)?.[1];
    if (!id) throw new Error(`no post id in: ${reply}`);
    return { id, reply };
  }

  function card(id: string): StoredMessage {
    const m = slack.channelMessages(CHANNEL).find((c) => !c.thread_ts && c.text.includes(`Post ${id} `));
    if (!m) throw new Error(`no card for ${id}`);
    return m;
  }

  function cardText(id: string): string {
    const c = card(id);
    return visibleText({ text: c.text, blocks: c.blocks });
  }

  function thread(id: string): StoredMessage[] {
    const c = card(id);
    return slack.channelMessages(CHANNEL).filter((m) => m.thread_ts === c.ts);
  }

  function buttons(msg: { blocks: unknown[] }): Array<{ action_id: string; value: string }> {
    return msg.blocks.flatMap((b) => {
      const block = b as { type: string; elements?: Array<{ action_id: string; value: string }> };
      return block.type === 'actions' ? (block.elements ?? []) : [];
    });
  }

  async function click(actionId: string, value: string, user: string, expect = 0) {
    const { responses } = await t.action({ actionId, value, user, channel: CHANNEL, expect });
    return responses.map((r) => visibleText(r.body)).join('\n');
  }

  const approve = (id: string, user = APPROVER, revision = 1, expect = 0) =>
    click(POST_ACTION_IDS.approve, `${id}:${revision}`, user, expect);

  async function stored(id: string) {
    const p = await Post.findOne({ shortId: id }).lean();
    if (!p) throw new Error(`post ${id} not stored`);
    return p;
  }

  test('the whole flow: schedule now → approve → one tick → exactly one tweet, link on the card, audit tells the story', async () => {
    const tweetsBefore = x.tweets.length;
    const { id, reply } = await schedule('to:x now | Flu shots are free this week #FluSeason');
    expect(reply).toContain('waiting for approval');
    expect(reply).toContain('as soon as it is approved');

    const c = card(id);
    expect(cardText(id)).toContain('Flu shots are free this week #FluSeason');
    expect(cardText(id)).toContain(`<@${AUTHOR}>`);
    expect(cardText(id)).toContain('X length');
    expect(buttons(c).map((b) => b.action_id)).toEqual([
      POST_ACTION_IDS.approve,
      POST_ACTION_IDS.reject,
      POST_ACTION_IDS.edit,
    ]);

    expect(await approve(id)).toBe('');
    expect((await stored(id)).status).toBe('approved');
    expect(cardText(id)).toMatch(new RegExp(`Approved by <@${APPROVER}> · Tue \\d\\d:\\d\\d`));
    // The author is told by DM.
    const dm = slack.callsOf('chat.postMessage').find((m) => m.args.channel === `D${AUTHOR}`);
    expect(String(dm?.args.text)).toContain(`<@${APPROVER}> approved your post *${id}*`);

    await tick();
    expect(x.tweets.length).toBe(tweetsBefore + 1);
    expect(x.tweets.at(-1)?.text).toBe('Flu shots are free this week #FluSeason');
    const tweetId = x.tweets.at(-1)?.id;
    const post = await stored(id);
    expect(post.status).toBe('published');
    expect(cardText(id)).toContain(`https://x.com/i/web/status/${tweetId}`);
    expect(
      thread(id)
        .map((m) => m.text)
        .join('\n'),
    ).toContain(`https://x.com/i/web/status/${tweetId}`);
    expect(await Publication.countDocuments({ postId: String(post._id), target: 'x' })).toBe(1);

    // A second tick (or an overrunning one) publishes nothing more.
    await tick();
    expect(x.tweets.length).toBe(tweetsBefore + 1);

    const { responses } = await t.command(`audit ${id}`);
    const story = visibleText(responses[0]?.body);
    expect(story).toContain(`<@${AUTHOR}> drafted it`);
    expect(story).toContain(`<@${APPROVER}> approved it`);
    expect(story).toContain('smx started publishing to x');
    expect(story).toContain(`smx published it on x — <https://x.com/i/web/status/${tweetId}|link>`);
  });

  test('to:x,facebook publishes one tweet and one Facebook Page post', async () => {
    const tweets = x.tweets.length;
    const fb = graph.posts.length;
    const { id } = await schedule('to:x,facebook now | Free health camp on Saturday #CityHospital');
    await approve(id, GROUP_APPROVER); // approver through the S0COMMS user group
    await tick();
    expect(x.tweets.length).toBe(tweets + 1);
    expect(graph.posts.length).toBe(fb + 1);
    expect(graph.posts.at(-1)?.message).toBe('Free health camp on Saturday #CityHospital');
    expect(cardText(id)).toContain(`https://www.facebook.com/${graph.posts.at(-1)?.id}`);
    expect((await stored(id)).status).toBe('published');
  });

  test('every parse error answers specifically and schedules nothing', async () => {
    const count = await Post.countDocuments();
    const answer = async (text: string) =>
      visibleText((await t.command(`schedule ${text}`)).responses[0]?.body);
    expect(await answer('tomorow 9am | hi')).toBe(
      "I couldn't read 'tomorow 9am' as a time — try 'tomorrow 9am' or '2026-11-25 09:00'. Nothing was scheduled.",
    );
    expect(await answer('banana | hi')).toContain("I couldn't read 'banana' as a time — try 'tomorrow 9am'");
    expect(await answer('yesterday 9am | hi')).toContain(
      "'yesterday 9am' is Mon 23 Nov, 09:00 IST, which is already past",
    );
    expect(await answer('2028-01-05 09:00 | hi')).toContain('more than a year ahead');
    expect(await answer('tomorrow | hi')).toContain(
      "'tomorrow' has no time of day — add one, e.g. 'tomorrow 9am'",
    );
    expect(await answer('tomorrow 9am hi there')).toBe(POST_MESSAGES.usage);
    expect(await answer('tomorrow 9am |   ')).toBe(POST_MESSAGES.emptyText);
    expect(await answer('| hi')).toContain('Say when to publish before the text');
    expect(await answer('to:insta now | hi')).toContain("I don't know the target 'insta'");
    expect(await Post.countDocuments()).toBe(count);
  });

  test('length checks: too long for X blocks approval (emoji weigh double)', async () => {
    const { id, reply } = await schedule(`to:x tomorrow 9am | ${'😀'.repeat(141)}`);
    expect(reply).toContain('Too long for X: 282/280');
    expect(cardText(id)).toContain('Too long for X: 282/280');
    expect(buttons(card(id)).map((b) => b.action_id)).not.toContain(POST_ACTION_IDS.approve);
    expect(await approve(id, APPROVER, 1, 1)).toContain(POST_MESSAGES.blocked);
    expect((await stored(id)).status).toBe('pending_approval');

    // A link counts 23 however long it is: this one is fine.
    const ok = await schedule(
      `to:x tomorrow 9am | ${'a'.repeat(250)} https://example.com/${'x'.repeat(100)}`,
    );
    expect(ok.reply).not.toContain('Too long');
  });

  test('the #tag guideline warns about missing tags; approvers still decide', async () => {
    let r = await t.command('tags require #CityHospital', { user: APPROVER });
    expect(visibleText(r.responses[0]?.body)).toContain('Every post should now carry #CityHospital');
    r = await t.command('tags add flu #FluSeason #GetVaccinated', { user: APPROVER });
    expect(visibleText(r.responses[0]?.body)).toContain(
      "Posts mentioning 'flu' should carry #FluSeason #GetVaccinated",
    );
    r = await t.command('tags');
    const listed = visibleText(r.responses[0]?.body);
    expect(listed).toContain('#CityHospital');
    expect(listed).toContain('flu → #FluSeason #GetVaccinated');

    const { id, reply } = await schedule('to:x tomorrow 9am | Get your flu shot today #FluSeason');
    expect(reply).toContain('Missing required tag: add #CityHospital');
    expect(reply).toContain("Mentions 'flu': add #GetVaccinated");
    expect(cardText(id)).toContain("Mentions 'flu': add #GetVaccinated");
    expect(buttons(card(id)).map((b) => b.action_id)).toContain(POST_ACTION_IDS.approve);

    await t.command('tags remove flu', { user: APPROVER });
    await t.command('tags unrequire #CityHospital', { user: APPROVER });
    r = await t.command('tags');
    expect(visibleText(r.responses[0]?.body)).toContain('nothing required yet');
  });

  test('a non-approver and the author approving their own post are told why; nothing changes', async () => {
    const { id } = await schedule('to:x tomorrow 9am | Visiting hours change from Monday #CityHospital');
    expect(await approve(id, OUTSIDER, 1, 1)).toBe(POST_MESSAGES.notApprover);
    expect((await stored(id)).status).toBe('pending_approval');

    const own = await schedule('to:x tomorrow 9am | Our new MRI wing opens #CityHospital', APPROVER);
    expect(await approve(own.id, APPROVER, 1, 1)).toBe(POST_MESSAGES.selfApproval);
    expect((await stored(own.id)).status).toBe('pending_approval');
    const c = card(own.id);
    expect(c.history.length).toBe(1); // the card was never updated
  });

  test('two approvers racing: one approval, the other is told who handled it', async () => {
    const { id } = await schedule('to:x tomorrow 9am | Blood donation drive on Friday #CityHospital');
    const answers = await Promise.all([
      click(POST_ACTION_IDS.approve, `${id}:1`, APPROVER),
      click(POST_ACTION_IDS.approve, `${id}:1`, GROUP_APPROVER),
    ]);
    // Give the loser's ephemeral answer a moment to arrive.
    await new Promise((r) => setTimeout(r, 300));
    const all = slack.responses.map((r) => visibleText(r.body)).join('\n');
    expect(await Audit.countDocuments({ entity: 'post', entityId: id, action: 'approve' })).toBe(1);
    const winner = (await stored(id)).approvedBy;
    expect([APPROVER, GROUP_APPROVER]).toContain(winner);
    expect(answers.length).toBe(2);
    expect(all).toContain(POST_MESSAGES.handled(`<@${winner}> approved this post a moment ago`));
    // A late click on the stale card gets the same answer.
    expect(await approve(id, APPROVER, 1, 1)).toBe(
      POST_MESSAGES.handled(`<@${winner}> approved this post a moment ago`),
    );
  });

  test('edit after approval clears the approval, re-runs the checks and outdates the old card buttons', async () => {
    const { id } = await schedule('to:x tomorrow 9am | Pharmacy open late all week #CityHospital');
    await approve(id);
    expect((await stored(id)).status).toBe('approved');

    await click(POST_ACTION_IDS.edit, `${id}:1`, AUTHOR);
    const opened = await slack.waitForCall('views.open', (c) =>
      JSON.stringify(c.args.view).includes(`${id}:1`),
    );
    expect(JSON.stringify(opened.args.view)).toContain('Saving an edit clears the approval');

    const tooLong = await t.viewSubmission({
      callbackId: POST_CALLBACK_IDS.edit,
      privateMetadata: `${id}:1`,
      user: AUTHOR,
      values: {
        [POST_BLOCK_IDS.text]: {
          [POST_INPUT_IDS.text]: { type: 'plain_text_input', value: 'y'.repeat(300) },
        },
      },
    });
    expect(tooLong.body).toMatchObject({ response_action: 'errors' });
    expect(JSON.stringify(tooLong.body)).toContain('Too long for X: 300/280');

    const saved = await t.viewSubmission({
      callbackId: POST_CALLBACK_IDS.edit,
      privateMetadata: `${id}:1`,
      user: AUTHOR,
      values: {
        [POST_BLOCK_IDS.text]: {
          [POST_INPUT_IDS.text]: {
            type: 'plain_text_input',
            value: 'Pharmacy open until 11pm all week #CityHospital',
          },
        },
      },
    });
    expect(saved.status).toBe(200);
    const p = await stored(id);
    expect(p.status).toBe('pending_approval');
    expect(p.revision).toBe(2);
    expect(p.approvedBy).toBeNull();
    expect(p.text).toBe('Pharmacy open until 11pm all week #CityHospital');
    expect(cardText(id)).toContain('Pharmacy open until 11pm');
    expect(buttons(card(id)).find((b) => b.action_id === POST_ACTION_IDS.approve)?.value).toBe(`${id}:2`);

    // The old card's Approve (revision 1) no longer works; the new one does.
    expect(await approve(id, APPROVER, 1, 1)).toBe(
      POST_MESSAGES.outdatedBy(`<@${AUTHOR}> edited this post a moment ago`),
    );
    await approve(id, APPROVER, 2);
    expect((await stored(id)).status).toBe('approved');
    const story = visibleText((await t.command(`audit ${id}`)).responses[0]?.body);
    expect(story).toContain(`<@${AUTHOR}> edited the text (revision 2; any approval cleared)`);
  });

  test('reject asks for a reason, updates the card and tells the author', async () => {
    const { id } = await schedule('to:x tomorrow 9am | We are the best hospital #CityHospital');
    expect(await click(POST_ACTION_IDS.reject, `${id}:1`, OUTSIDER, 1)).toBe(POST_MESSAGES.notApprover);
    await click(POST_ACTION_IDS.reject, `${id}:1`, APPROVER);
    await slack.waitForCall('views.open', (c) =>
      JSON.stringify(c.args.view).includes(POST_CALLBACK_IDS.reject),
    );
    const empty = await t.viewSubmission({
      callbackId: POST_CALLBACK_IDS.reject,
      privateMetadata: `${id}:1`,
      user: APPROVER,
      values: {
        [POST_BLOCK_IDS.reason]: { [POST_INPUT_IDS.reason]: { type: 'plain_text_input', value: ' ' } },
      },
    });
    expect(empty.body).toMatchObject({ response_action: 'errors' });
    await t.viewSubmission({
      callbackId: POST_CALLBACK_IDS.reject,
      privateMetadata: `${id}:1`,
      user: APPROVER,
      values: {
        [POST_BLOCK_IDS.reason]: {
          [POST_INPUT_IDS.reason]: {
            type: 'plain_text_input',
            value: 'Superlatives need evidence <@channel>',
          },
        },
      },
    });
    const p = await stored(id);
    expect(p.status).toBe('rejected');
    expect(p.rejectReason).toBe('Superlatives need evidence <@channel>');
    expect(cardText(id)).toContain(`Rejected by <@${APPROVER}>`);
    expect(cardText(id)).toContain('Superlatives need evidence &lt;@channel&gt;');
    expect(buttons(card(id))).toEqual([]);
    const dm = slack
      .callsOf('chat.postMessage')
      .filter((m) => m.args.channel === `D${AUTHOR}`)
      .at(-1);
    expect(String(dm?.args.text)).toContain(`rejected your post *${id}*`);
  });

  test('queue, reschedule and cancel (author or approver only)', async () => {
    const { id } = await schedule('to:x tomorrow 9am | Diabetes screening camp #CityHospital');
    let r = await t.command('queue');
    expect(visibleText(r.responses[0]?.body)).toMatch(
      new RegExp(`\\*${id}\\* · Wed 25 Nov, 09:00 IST · X · .*waiting for approval`),
    );

    await approve(id);
    r = await t.command(`reschedule ${id} next monday 10:30`);
    expect(visibleText(r.responses[0]?.body)).toContain(
      `Post *${id}* will now go out Mon 30 Nov, 10:30 IST (still approved)`,
    );
    const p = await stored(id);
    expect(p.scheduledAt.toISOString()).toBe('2026-11-30T05:00:00.000Z');
    expect(p.status).toBe('approved');

    r = await t.command(`reschedule ${id} tomorow 9am`);
    expect(visibleText(r.responses[0]?.body)).toContain("I couldn't read 'tomorow 9am'");

    r = await t.command(`cancel ${id}`, { user: OUTSIDER });
    expect(visibleText(r.responses[0]?.body)).toBe(POST_MESSAGES.notAuthorOrApprover('cancel'));
    r = await t.command(`cancel ${id}`);
    expect(visibleText(r.responses[0]?.body)).toContain(`Post *${id}* is cancelled`);
    expect((await stored(id)).status).toBe('cancelled');
    expect(cardText(id)).toContain(`Cancelled by <@${AUTHOR}>`);

    // Even when due, a cancelled post is never published.
    clock = new Date('2026-12-01T00:00:00.000Z');
    try {
      await tick();
    } finally {
      clock = NOW;
    }
    expect(x.tweets.some((tw) => tw.text.startsWith('Diabetes screening'))).toBe(false);
    r = await t.command(`cancel ${id}`);
    expect(visibleText(r.responses[0]?.body)).toBe(
      `Post ${id} is cancelled (<@${AUTHOR}> cancelled a moment ago), so it can't be cancelled any more. Nothing was changed.`,
    );
    r = await t.command('cancel PNOPE');
    expect(visibleText(r.responses[0]?.body)).toContain("There is no post 'PNOPE'");
  });

  test('two publishers at once → one tweet', async () => {
    const { id } = await schedule('to:x now | Two publishers, one tweet #CityHospital');
    await approve(id);
    // Slow X down so both publishers are inside the same tick at once.
    x.route('POST', '/2/tweets', async (req) => {
      await new Promise((r) => setTimeout(r, 300));
      const tid = String(7000 + x.tweets.length);
      x.tweets.push({ id: tid, text: String(req.fields.text ?? ''), body: req.fields });
      return { status: 201, body: { data: { id: tid, text: req.fields.text } } };
    });
    const before = x.tweets.filter((tw) => tw.text.startsWith('Two publishers')).length;
    const other = { ...t.ctx, instanceId: newOwnerId('second-instance') };
    await Promise.all([publishTick(t.ctx, t.smx.app.client), publishTick(other, t.smx.app.client)]);
    expect(x.tweets.filter((tw) => tw.text.startsWith('Two publishers')).length).toBe(before + 1);
    expect((await stored(id)).status).toBe('published');
    expect(thread(id).filter((m) => m.text.includes('Published')).length).toBe(1);
  });

  test('cancel racing the publisher: either cancelled and never tweeted, or tweeted and the cancel refused', async () => {
    const { id } = await schedule('to:x now | Cancel race #CityHospital');
    await approve(id);
    x.route('POST', '/2/tweets', async (req) => {
      await new Promise((r) => setTimeout(r, 300));
      const tid = String(7500 + x.tweets.length);
      x.tweets.push({ id: tid, text: String(req.fields.text ?? ''), body: req.fields });
      return { status: 201, body: { data: { id: tid, text: req.fields.text } } };
    });
    const [, cancelled] = await Promise.all([tick(), t.command(`cancel ${id}`)]);
    const reply = visibleText(cancelled.responses[0]?.body);
    await tick();
    const tweeted = x.tweets.filter((tw) => tw.text.startsWith('Cancel race')).length;
    const status = (await stored(id)).status;
    if (status === 'cancelled') {
      expect(tweeted).toBe(0);
      expect(reply).toContain('is cancelled');
    } else {
      expect(status).toBe('published');
      expect(tweeted).toBe(1);
      expect(reply).toMatch(
        /being published right now|is published, so it can't be cancelled|smx started publishing this post a moment ago; nothing was changed/,
      );
    }
  });

  test('a cancel that lands between a tick listing the post and settling it still cancels it', async () => {
    const { id } = await schedule('to:x now | Late cancel #CityHospital');
    await approve(id);
    const post = await stored(id);
    // The cancel's fence won the claim first: the tick finds it fenced off, publishes nothing and must not mark
    // the post 'publishing' — else the cancel's own status change would find nothing to cancel.
    await Claim.create({
      _id: publishKey(String(post._id), 'x'),
      owner: `cancel:${AUTHOR}`,
      claimedAt: clock,
      note: JSON.stringify({ status: 'cancelled' }),
    });
    await tick();
    expect((await stored(id)).status).toBe('approved');
    const { responses } = await t.command(`cancel ${id}`, { user: AUTHOR });
    expect(visibleText(responses[0]?.body)).toContain('is cancelled');
    expect((await stored(id)).status).toBe('cancelled');
    expect(x.tweets.some((tw) => tw.text.startsWith('Late cancel'))).toBe(false);
  });

  test('a cancel fences off a publisher that listed the post just before', async () => {
    const { id } = await schedule('to:x now | Fenced off #CityHospital');
    await approve(id);
    const listed = await stored(id);
    await t.command(`cancel ${id}`);
    // A publisher that read the post as approved before the cancel still cannot publish it: the claim is taken.
    await Post.updateOne({ _id: listed._id }, { $set: { status: 'approved' } });
    await tick();
    expect(x.tweets.some((tw) => tw.text.startsWith('Fenced off'))).toBe(false);
    await Post.updateOne({ _id: listed._id }, { $set: { status: 'cancelled' } });
  });

  test('a publisher killed between claim and call → needs_check, no second tweet; Retry publishes once', async () => {
    const { id } = await schedule('to:x now | Killed mid-publish #CityHospital');
    await approve(id);
    const post = await stored(id);
    // Simulate the dead publisher: its claim, no outcome, older than the stale threshold.
    await Claim.create({
      _id: publishKey(String(post._id), 'x'),
      owner: 'smx:4242:dead-instance',
      claimedAt: new Date(clock.getTime() - STALE_CLAIM_MS - 60_000),
    });
    const count = () => x.tweets.filter((tw) => tw.text.startsWith('Killed mid-publish')).length;
    await tick();
    await tick();
    expect(count()).toBe(0);
    expect((await stored(id)).status).toBe('needs_check');
    const replies = thread(id);
    expect(replies.length).toBe(1);
    expect(replies[0]?.text).toContain("I don't know whether");
    expect(buttons(replies[0] as StoredMessage).map((b) => b.action_id)).toEqual([
      POST_ACTION_IDS.markPublished,
      POST_ACTION_IDS.retryPublish,
    ]);

    expect(await click(POST_ACTION_IDS.retryPublish, `${id}:x`, OUTSIDER, 1)).toContain(
      "Only the post's author or an approver",
    );
    expect(await click(POST_ACTION_IDS.retryPublish, `${id}:x`, APPROVER, 1)).toContain(
      'will be published again',
    );
    expect(await Claim.countDocuments({ _id: publishKey(String(post._id), 'x') })).toBe(0);
    await tick();
    await tick();
    expect(count()).toBe(1);
    expect((await stored(id)).status).toBe('published');
  });

  test('a claim still being worked on (not stale) is left alone', async () => {
    const { id } = await schedule('to:x now | In progress elsewhere #CityHospital');
    await approve(id);
    const post = await stored(id);
    await Claim.create({ _id: publishKey(String(post._id), 'x'), owner: 'smx:1:busy', claimedAt: clock });
    await tick();
    expect(x.tweets.some((tw) => tw.text.startsWith('In progress elsewhere'))).toBe(false);
    // The status is the claim holder's to change (it marks the post 'publishing' itself); this tick leaves it be.
    expect((await stored(id)).status).toBe('approved');
  });

  test('Mark as published after an unknown outcome records it and never re-sends', async () => {
    const { id } = await schedule('to:x now | Marked by hand #CityHospital');
    await approve(id);
    const post = await stored(id);
    await Claim.create({
      _id: publishKey(String(post._id), 'x'),
      owner: 'smx:4243:dead',
      claimedAt: new Date(clock.getTime() - STALE_CLAIM_MS - 1000),
    });
    await tick();
    expect((await stored(id)).status).toBe('needs_check');
    expect(await click(POST_ACTION_IDS.markPublished, `${id}:x`, AUTHOR, 1)).toContain('Recorded');
    expect((await stored(id)).status).toBe('published');
    expect(cardText(id)).toContain(`marked as published by <@${AUTHOR}>`);
    await tick();
    expect(x.tweets.some((tw) => tw.text.startsWith('Marked by hand'))).toBe(false);
    expect(await Publication.countDocuments({ postId: String(post._id) })).toBe(1);
    // A second click is stale.
    expect(await click(POST_ACTION_IDS.markPublished, `${id}:x`, AUTHOR, 1)).toBe(
      POST_MESSAGES.handled(`<@${AUTHOR}> marked this post as published a moment ago`),
    );
  });

  test('429 then success: waits for the rate-limit reset and publishes once', async () => {
    const { id } = await schedule('to:x now | Rate limited once #CityHospital');
    await approve(id);
    const reset = String(Math.floor(Date.now() / 1000) + 1);
    x.failNext('POST', '^/2/tweets$', {
      status: 429,
      headers: { 'x-rate-limit-limit': '200', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': reset },
      body: { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 },
    });
    const calls = x.callsTo('POST', '^/2/tweets$').length;
    await tick();
    expect(x.callsTo('POST', '^/2/tweets$').length).toBe(calls + 2);
    expect(x.tweets.filter((tw) => tw.text.startsWith('Rate limited once')).length).toBe(1);
    expect((await stored(id)).status).toBe('published');
  });

  test('a permanent 4xx fails with the API message and a Retry button', async () => {
    const { id } = await schedule('to:facebook now | Graph says no #CityHospital');
    await approve(id);
    graph.failNext('POST', '/feed$', {
      status: 400,
      body: {
        error: {
          message: '(#200) The user hasn’t authorized the application',
          type: 'OAuthException',
          code: 200,
        },
      },
    });
    await tick();
    const p = await stored(id);
    expect(p.status).toBe('failed');
    const reply = thread(id).at(-1);
    expect(reply?.text).toContain('Facebook answered 400: (#200) The user hasn’t authorized the application');
    expect(buttons(reply as StoredMessage).map((b) => b.action_id)).toEqual([POST_ACTION_IDS.retryPublish]);
    await click(POST_ACTION_IDS.retryPublish, `${id}:facebook`, AUTHOR, 1);
    await tick();
    expect((await stored(id)).status).toBe('published');
    expect(graph.posts.filter((gp) => gp.message?.startsWith('Graph says no')).length).toBe(1);
  });

  test('a timeout after sending is an unknown outcome: needs_check, never retried by itself', async () => {
    const { id } = await schedule('to:x now | Slow X #CityHospital');
    await approve(id);
    x.route('POST', '/2/tweets', async (req) => {
      // X got it (and, say, posted it) but answers too late.
      x.tweets.push({ id: '8888', text: String(req.fields.text ?? ''), body: req.fields });
      await new Promise((r) => setTimeout(r, 800));
      return { status: 201, body: { data: { id: '8888', text: req.fields.text } } };
    });
    const calls = x.callsTo('POST', '^/2/tweets$').length;
    await publishTick(t.ctx, t.smx.app.client, { timeoutMs: 200 });
    expect(x.callsTo('POST', '^/2/tweets$').length).toBe(calls + 1);
    const p = await stored(id);
    expect(p.status).toBe('needs_check');
    expect(thread(id).at(-1)?.text).toContain("I don't know whether");
    await publishTick(t.ctx, t.smx.app.client, { timeoutMs: 200 });
    expect(x.callsTo('POST', '^/2/tweets$').length).toBe(calls + 1);
    // Restore the normal fake behaviour for later tests.
    x.route('POST', '/2/tweets', (req) => {
      const tid = String(9000 + x.tweets.length);
      x.tweets.push({ id: tid, text: String(req.fields.text ?? ''), body: req.fields });
      return { status: 201, body: { data: { id: tid, text: req.fields.text } } };
    });
  });

  test('Facebook 503 with Retry-After, then success: one Page post', async () => {
    const { id } = await schedule('to:facebook now | Graph hiccup #CityHospital');
    await approve(id);
    graph.failNext('POST', '/feed$', {
      status: 503,
      headers: { 'retry-after': '1' },
      body: { error: { message: 'Service temporarily unavailable', code: 2, is_transient: true } },
    });
    await tick();
    expect(graph.posts.filter((gp) => gp.message?.startsWith('Graph hiccup')).length).toBe(1);
    expect((await stored(id)).status).toBe('published');
  });

  test('the modal path: /smx schedule alone opens it; errors show on the fields; a valid submit drafts the post', async () => {
    await t.command('schedule', { expect: 0 });
    const opened = await slack.waitForCall('views.open', (c) =>
      JSON.stringify(c.args.view).includes(POST_CALLBACK_IDS.schedule),
    );
    const view = opened.args.view as { blocks: Array<{ block_id: string }> };
    expect(view.blocks.map((b) => b.block_id)).toEqual([
      POST_BLOCK_IDS.targets,
      POST_BLOCK_IDS.now,
      POST_BLOCK_IDS.date,
      POST_BLOCK_IDS.time,
      POST_BLOCK_IDS.text,
    ]);
    const values = (date: string, time: string, text: string, targets = ['x']) => ({
      [POST_BLOCK_IDS.targets]: {
        [POST_INPUT_IDS.targets]: {
          type: 'checkboxes',
          selected_options: targets.map((value) => ({ value })),
        },
      },
      [POST_BLOCK_IDS.now]: { [POST_INPUT_IDS.now]: { type: 'checkboxes', selected_options: [] } },
      [POST_BLOCK_IDS.date]: { [POST_INPUT_IDS.date]: { type: 'datepicker', selected_date: date } },
      [POST_BLOCK_IDS.time]: { [POST_INPUT_IDS.time]: { type: 'timepicker', selected_time: time } },
      [POST_BLOCK_IDS.text]: { [POST_INPUT_IDS.text]: { type: 'plain_text_input', value: text } },
    });
    const bad = await t.viewSubmission({
      callbackId: POST_CALLBACK_IDS.schedule,
      privateMetadata: 'C0GENERAL',
      values: values('2026-11-23', '09:00', '', []),
    });
    expect(bad.body).toMatchObject({ response_action: 'errors' });
    const errors = (bad.body as { errors: Record<string, string> }).errors;
    expect(errors[POST_BLOCK_IDS.targets]).toBe('Pick at least one place to publish.');
    expect(errors[POST_BLOCK_IDS.date]).toContain('which is already past');
    expect(errors[POST_BLOCK_IDS.text]).toContain('Write the text of the post');

    const count = await Post.countDocuments();
    const good = await t.viewSubmission({
      callbackId: POST_CALLBACK_IDS.schedule,
      privateMetadata: 'C0GENERAL',
      values: values('2026-11-26', '10:30', 'Modal drafted post #CityHospital', ['x', 'facebook']),
    });
    expect(good.status).toBe(200);
    expect(await Post.countDocuments()).toBe(count + 1);
    const p = await Post.findOne({ text: 'Modal drafted post #CityHospital' }).lean();
    expect(p?.targets).toEqual(['x', 'facebook']);
    expect(p?.scheduledAt.toISOString()).toBe('2026-11-26T05:00:00.000Z');
    const eph = await slack.waitForCall('chat.postEphemeral', (c) =>
      String(c.args.text).includes(String(p?.shortId)),
    );
    expect(eph.args.channel).toBe('C0GENERAL');
    expect(String(eph.args.text)).toContain('Thu 26 Nov, 10:30 IST');
  });

  test('canned posts: add, list, use (a normal draft needing approval), remove', async () => {
    let r = await t.command('canned add Wash your hands: it saves lives #CityHospital');
    const cid = /canned post \*(C[A-Z0-9]{4})\*/.exec(visibleText(r.responses[0]?.body))?.[1];
    expect(cid).toBeDefined();
    r = await t.command('canned list');
    expect(visibleText(r.responses[0]?.body)).toContain(`*${cid}* (used 0×) Wash your hands`);
    r = await t.command(`canned use ${cid} tomorrow 9am`);
    const reply = visibleText(r.responses[0]?.body);
    const id = /Post \*(P[A-Z0-9]{5})\*/.exec(reply)?.[1] as string;
    expect(reply).toContain('waiting for approval');
    const p = await stored(id);
    expect(p.status).toBe('pending_approval');
    expect(p.cannedId).toBe(cid);
    expect(p.targets).toEqual(['x', 'facebook']);
    r = await t.command(`canned use ${cid} to:x in 2 hours`);
    const xOnly = /Post \*(P[A-Z0-9]{5})\*/.exec(visibleText(r.responses[0]?.body))?.[1] as string;
    expect((await stored(xOnly)).targets).toEqual(['x']);
    r = await t.command(`canned list`);
    expect(visibleText(r.responses[0]?.body)).toContain(`*${cid}* (used 2×)`);
    r = await t.command(`canned remove ${cid}`);
    expect(visibleText(r.responses[0]?.body)).toContain(`Removed canned post *${cid}*`);
    r = await t.command(`canned use ${cid} tomorrow 9am`);
    expect(visibleText(r.responses[0]?.body)).toContain(`There is no canned post '${cid}'`);
  });

  test('no Block Kit violations anywhere', () => {
    expect(slack.violations).toEqual([]);
  });
});
