/**
 * Replies to reviews end to end: Draft reply on a digest card → modal → approval card with the PHI guard → edit →
 * approval → exactly one reply on the fake Google / Facebook / X, or Copy reply + Mark as replied; the review turns
 * `replied` and its digest card says so. Over HTTP against fake Slack, Google, Graph and X and the real database.
 */
import { digestJob } from '../../jobs/digest';
import { publishJob } from '../../jobs/publish';
import { Audit } from '../../models/audit';
import { Claim } from '../../models/claim';
import { Post } from '../../models/post';
import { Publication } from '../../models/publication';
import { Review } from '../../models/review';
import { publishKey, STALE_CLAIM_MS } from '../../src/services/publisher';
import { TEMPLATE_MESSAGES } from '../../src/services/reply-templates';
import { outboxSettled } from '../../src/services/slack-outbox';
import {
  POST_ACTION_IDS,
  POST_BLOCK_IDS,
  POST_CALLBACK_IDS,
  POST_INPUT_IDS,
  REPLY_ACTION_IDS,
  REPLY_BLOCK_IDS,
  REPLY_CALLBACK_IDS,
  REPLY_INPUT_IDS,
} from '../../src/slack/ids';
import { FakeGoogle } from '../fakes/google';
import { FakeGraph } from '../fakes/graph';
import { FakeSlack, type StoredMessage } from '../fakes/slack';
import { FakeX } from '../fakes/x';
import { startTestApp, type TestApp, visibleText, waitUntil } from '../support/app';
import { useTestDatabase } from '../support/db';
import { seedReviews } from '../support/reviews';

const MARKETING = 'U0MARKETING';
const COMPLIANCE = 'U0COMPLIANCE';
const OUTSIDER = 'U0RANDOM';
const APPROVALS = 'C0APPROVALS';
const DIGEST = 'C0DIGEST';
const CONTACT = '+91 80 4000 1234, care@cityhospital.example';
const NOW = new Date('2026-11-24T04:30:00.000Z');

describe('replies to reviews', () => {
  const db = useTestDatabase();
  let t: TestApp;
  let slack: FakeSlack;
  let google: FakeGoogle;
  let graph: FakeGraph;
  let x: FakeX;

  beforeAll(async () => {
    slack = await new FakeSlack().start();
    google = await new FakeGoogle().start();
    graph = await new FakeGraph().start();
    x = await new FakeX().start();
    t = await startTestApp({
      db: db(),
      slack,
      now: () => NOW,
      env: {
        ...google.env(),
        ...graph.env(),
        ...x.env(),
        SMX_APPROVALS_CHANNEL: APPROVALS,
        SMX_APPROVERS: COMPLIANCE,
        SMX_DIGEST_CHANNEL: DIGEST,
        SMX_PATIENT_RELATIONS_CONTACT: CONTACT,
      },
    });
  });
  afterAll(async () => {
    await t.stop();
    await Promise.all([slack.close(), google.close(), graph.close(), x.close()]);
  });

  const tick = () =>
    publishJob.run({ ctx: t.ctx, client: t.smx.app.client }).then(() => outboxSettled(15_000));

  async function click(
    actionId: string,
    value: string,
    user: string,
    more: Partial<Parameters<TestApp['action']>[0]> = {},
  ) {
    const { responses } = await t.action({ actionId, value, user, channel: APPROVALS, ...more });
    return responses.map((r) => visibleText(r.body)).join('\n');
  }

  function cardOf(id: string): StoredMessage {
    const m = slack.channelMessages(APPROVALS).find((c) => !c.thread_ts && c.text.includes(`Reply ${id} `));
    if (!m) throw new Error(`no card for ${id}`);
    return m;
  }
  const cardText = (id: string) => {
    const c = cardOf(id);
    return visibleText({ text: c.text, blocks: c.blocks });
  };
  function buttons(msg: { blocks: unknown[] }): Array<{ action_id: string; value: string }> {
    return msg.blocks.flatMap((b) => {
      const block = b as { type: string; elements?: Array<{ action_id: string; value: string }> };
      return block.type === 'actions' ? (block.elements ?? []) : [];
    });
  }
  const dmsTo = (user: string) =>
    slack
      .callsOf('chat.postMessage')
      .filter((c) => c.args.channel === `D${user}`)
      .map((c) => String(c.args.text ?? ''));

  function lastView(): unknown {
    const v = slack.callsOf('views.open').at(-1)?.args.view;
    return typeof v === 'string' ? JSON.parse(v) : v;
  }

  /** Submits the reply modal the way Slack does, from the view smx opened last. */
  async function submitReply(text: string, user = MARKETING, template?: string) {
    const view = lastView() as { private_metadata: string; callback_id: string };
    expect(view.callback_id).toBe(REPLY_CALLBACK_IDS.draft);
    const meta = JSON.parse(view.private_metadata) as { n: number };
    const before = slack.channelMessages(APPROVALS).length;
    await t.viewSubmission({
      callbackId: REPLY_CALLBACK_IDS.draft,
      privateMetadata: view.private_metadata,
      user,
      values: {
        [`reply_text_${meta.n}`]: { [REPLY_INPUT_IDS.text]: { type: 'plain_text_input', value: text } },
        ...(template
          ? {
              [REPLY_BLOCK_IDS.template]: {
                [REPLY_ACTION_IDS.pickTemplate]: {
                  type: 'static_select',
                  selected_option: { text: { type: 'plain_text', text: template }, value: template },
                },
              },
            }
          : {}),
      },
    });
    await waitUntil(() => slack.channelMessages(APPROVALS).length > before);
    const post = await Post.findOne({ kind: 'reply' }).sort({ _id: -1 }).lean();
    if (!post) throw new Error('no reply stored');
    return post;
  }

  async function openReplyFor(reviewId: string, user = MARKETING) {
    const { responses } = await t.command(`reply ${reviewId}`, { user, expect: 0 });
    expect(responses.map((r) => visibleText(r.body)).join('')).toBe('');
  }

  async function seedGoogle(reviewId: string, text: string, authorName: string, rating = 1) {
    google.add('locations/1', {
      reviewId,
      reviewer: { displayName: authorName },
      starRating: (['ONE', 'TWO', 'THREE', 'FOUR', 'FIVE'] as const)[rating - 1],
      comment: text,
      createTime: '2026-11-23T08:00:00Z',
    });
    const [id] = await seedReviews([
      { source: 'google', externalId: reviewId, rating, text, authorName, url: null },
    ]);
    return id as string;
  }

  test('Done when: Draft reply on a 1-star Google review, the guard blocks "knee surgery" and "Priya", an edit, approval, exactly one reply, "Replied by" on the digest card', async () => {
    const reviewId = await seedGoogle(
      'g-priya-1',
      'Waited four hours after my appointment and nobody told me anything. Priya S.',
      'Priya Sharma',
    );
    await digestJob.run({ ctx: t.ctx, client: t.smx.app.client });
    const digest = slack.channelMessages(DIGEST).find((m) => !m.thread_ts);
    if (!digest) throw new Error('no digest');
    // The patient's name inside the review text is masked in the channel.
    const digestText = visibleText({ text: digest.text, blocks: digest.blocks });
    expect(digestText).toContain('[name]');
    expect(digestText).not.toContain('Priya');
    const draftButton = buttons(digest).find(
      (b) => b.action_id === REPLY_ACTION_IDS.draft && b.value === reviewId,
    );
    expect(draftButton).toBeDefined();

    // The marketing officer clicks Draft reply on the digest card: a modal with the templates, the full review text.
    await click(REPLY_ACTION_IDS.draft, reviewId, MARKETING, {
      channel: DIGEST,
      messageTs: digest.ts,
      message: { ts: digest.ts, text: digest.text, blocks: digest.blocks },
    });
    const modal = lastView() as { blocks: unknown[] };
    const modalText = JSON.stringify(modal.blocks);
    expect(modalText).toContain('take-it-offline');
    expect(modalText).toContain('Waited four hours after my appointment');
    expect(modalText).not.toContain('Priya Sharma'); // the reviewer's name stays hidden (SMX_DIGEST_SHOW_NAMES=false)

    // She picks "take it offline" (its text lands in the field) and adds a sentence.
    const offline = `We are sorry to read this, and we would like to understand what happened. To protect everyone’s privacy we cannot discuss details here; please contact our Patient Relations team at ${CONTACT} so we can look into it with you.`;
    const draft = await submitReply(
      `${offline} Sorry about your knee surgery, Priya`,
      MARKETING,
      'take-it-offline',
    );
    expect(draft.targets).toEqual(['google-reply']);
    const id = draft.shortId;

    // The card blocks it and names both.
    const blocked = cardText(id);
    expect(blocked).toContain('“knee surgery”');
    expect(blocked).toContain('“Priya”');
    expect(blocked).toContain('Replying to a Google review');
    expect(blocked).not.toContain('“+91'); // the configured contact is never flagged
    expect(buttons(cardOf(id)).map((b) => b.action_id)).not.toContain(POST_ACTION_IDS.approve);
    expect(dmsTo(MARKETING).at(-1)).toContain('PHI guard blocks it');
    const denied = await click(POST_ACTION_IDS.approve, `${id}:1`, COMPLIANCE, { expect: 1 });
    expect(denied).toContain('knee surgery');
    expect((await Post.findOne({ shortId: id }).lean())?.status).toBe('pending_approval');

    // She edits it out; the card re-checks and offers Approve.
    const edited = `${offline} We hope to hear from you.`;
    await t.viewSubmission({
      callbackId: POST_CALLBACK_IDS.edit,
      privateMetadata: `${id}:1`,
      user: MARKETING,
      values: {
        [POST_BLOCK_IDS.text]: { [POST_INPUT_IDS.text]: { type: 'plain_text_input', value: edited } },
      },
    });
    await waitUntil(async () => (await Post.findOne({ shortId: id }).lean())?.revision === 2);
    expect(cardText(id)).toContain('No patient details found');
    expect(buttons(cardOf(id)).map((b) => b.action_id)).toContain(POST_ACTION_IDS.approve);

    // The compliance officer approves; the publisher posts exactly one reply on Google.
    await click(POST_ACTION_IDS.approve, `${id}:2`, COMPLIANCE);
    await tick();
    await tick();
    expect(google.replies).toEqual([{ location: 'locations/1', reviewId: 'g-priya-1', comment: edited }]);
    expect(google.callsTo('PUT', /\/reply$/)).toHaveLength(1);
    const review = await Review.findById(reviewId).lean();
    expect(review?.status).toBe('replied');
    expect(review?.repliedBy).toBe(MARKETING);
    expect(review?.firstActionAt).toEqual(review?.repliedAt);
    expect(await Publication.countDocuments({})).toBe(0); // a reply is not a post for the cadence
    // The digest card she clicked on now says who replied, in place.
    const updated = slack.channelMessages(DIGEST).find((m) => m.ts === digest.ts) as StoredMessage;
    const updatedText = visibleText({ text: updated.text, blocks: updated.blocks });
    expect(updatedText).toContain(`Replied by <@${MARKETING}>`);
    expect(buttons(updated).some((b) => b.value === reviewId && b.action_id === REPLY_ACTION_IDS.draft)).toBe(
      false,
    );
    expect(cardText(id)).toContain('Replied');

    // /smx audit <review id> tells the whole story.
    const { responses } = await t.command(`audit ${reviewId}`, { user: MARKETING });
    const story = visibleText(responses[0]?.body);
    expect(story).toContain(`drafted reply ${id}`);
    expect(story).toContain(`reply ${id}: <@${COMPLIANCE}> approved it`);
    expect(story).toContain(`reply ${id}: smx published it on google-reply`);
    expect(story).toContain(`the reply went out (by <@${MARKETING}>)`);

    // A second Draft reply on an answered review is refused honestly.
    const again = await click(REPLY_ACTION_IDS.draft, reviewId, MARKETING, { expect: 1 });
    expect(again).toContain(`already answered by <@${MARKETING}>`);
  });

  async function approvedReply(reviewId: string, text: string) {
    await openReplyFor(reviewId);
    const draft = await submitReply(text);
    expect(draft.phi?.findings ?? []).toEqual([]);
    await click(POST_ACTION_IDS.approve, `${draft.shortId}:1`, COMPLIANCE);
    return draft.shortId;
  }

  test('Google answers 429, then accepts: one reply; Google rejects a reply: failed with its message, review still open', async () => {
    const a = await seedGoogle('g-rate', 'Rude reception staff', 'Ravi Kumar');
    const idA = await approvedReply(
      a,
      'Thank you for telling us. Please contact our Patient Relations desk.',
    );
    google.failNext('PUT', /\/reply$/, {
      status: 429,
      headers: { 'retry-after': '0' },
      body: { error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'Quota exceeded' } },
    });
    await tick();
    expect(google.replies.filter((r) => r.reviewId === 'g-rate')).toHaveLength(1);
    expect(google.callsTo('PUT', /g-rate\/reply$/)).toHaveLength(2);
    expect((await Post.findOne({ shortId: idA }).lean())?.status).toBe('published');

    const b = await seedGoogle('g-reject', 'Billing was confusing', 'Emily Carter');
    const idB = await approvedReply(b, 'We are sorry for the confusion; our billing office can help.');
    google.failNext('PUT', /g-reject\/reply$/, {
      status: 400,
      body: {
        error: { code: 400, status: 'FAILED_PRECONDITION', message: 'The review was removed by its author.' },
      },
    });
    await tick();
    const p = await Post.findOne({ shortId: idB }).lean();
    expect(p?.status).toBe('failed');
    const thread = slack.channelMessages(APPROVALS).filter((m) => m.thread_ts === cardOf(idB).ts);
    expect(thread.at(-1)?.text).toContain('Google answered 400: The review was removed by its author.');
    expect(buttons(thread.at(-1) as StoredMessage).map((x) => x.action_id)).toEqual([
      POST_ACTION_IDS.retryPublish,
    ]);
    expect((await Review.findById(b).lean())?.status).toBe('new');
    expect(google.replies.filter((r) => r.reviewId === 'g-reject')).toHaveLength(0);
  });

  test('a publisher that died between claim and call: needs_check, nothing sent, never resent by itself', async () => {
    const r = await seedGoogle('g-crash', 'Parking is impossible', 'John Miller');
    const id = await approvedReply(r, 'Thank you for the feedback about parking; we are adding spaces.');
    const post = await Post.findOne({ shortId: id }).lean();
    // Another instance claimed it 20 minutes ago and was killed before it called Google.
    await Claim.create({
      _id: publishKey(String(post?._id), 'google-reply'),
      owner: 'dead-instance:1',
      claimedAt: new Date(NOW.getTime() - STALE_CLAIM_MS - 5 * 60_000),
    });
    await tick();
    await tick();
    expect(google.callsTo('PUT', /g-crash\/reply$/)).toHaveLength(0);
    expect((await Post.findOne({ shortId: id }).lean())?.status).toBe('needs_check');
    const thread = slack.channelMessages(APPROVALS).filter((m) => m.thread_ts === cardOf(id).ts);
    expect(thread.at(-1)?.text).toContain("I don't know whether");
    expect((await Review.findById(r).lean())?.status).toBe('new');
  });

  test('an X mention is answered with reply.in_reply_to_tweet_id, a Facebook comment under the comment', async () => {
    const [mention] = await seedReviews([
      {
        source: 'x',
        externalId: '1790000000000000001',
        rating: null,
        text: '@CityHospital the queue at the lab was long',
        authorName: '@ravi_k',
        sentiment: 'negative',
      },
    ]);
    const idX = await approvedReply(
      mention as string,
      'Thank you for the feedback; please DM us so we can help.',
    );
    await tick();
    const sent = x.tweets.filter((tw) => tw.text.startsWith('Thank you for the feedback; please DM us'));
    expect(sent).toHaveLength(1);
    expect(sent[0]?.body.reply).toEqual({ in_reply_to_tweet_id: '1790000000000000001' });
    expect((await Post.findOne({ shortId: idX }).lean())?.status).toBe('published');

    const [comment] = await seedReviews([
      {
        source: 'facebook',
        externalId: 'comment_1000001_55_77',
        rating: null,
        text: 'Great nurses on the night shift!',
        sentiment: 'positive',
      },
    ]);
    await approvedReply(comment as string, 'Thank you for your kind words! We will pass them on.');
    await tick();
    expect(graph.commentReplies).toEqual([
      {
        parentId: '1000001_55_77',
        id: expect.any(String),
        message: 'Thank you for your kind words! We will pass them on.',
      },
    ]);
    expect((await Review.findById(comment).lean())?.status).toBe('replied');
  });

  test('an imported review gets Copy reply: nothing is called, Mark as replied once marks it replied', async () => {
    const [imported] = await seedReviews([
      {
        source: 'mouthshut',
        externalId: 'MS-1',
        rating: 2,
        text: 'The canteen food was cold',
        url: 'https://www.mouthshut.com/review/MS-1',
      },
    ]);
    const id = await approvedReply(
      imported as string,
      'Thank you for the feedback about the canteen; we are looking into it.',
    );
    const calls = google.calls.length + graph.calls.length + x.calls.length;
    await tick();
    expect(google.calls.length + graph.calls.length + x.calls.length).toBe(calls);
    const card = cardOf(id);
    expect(cardText(id)).toContain('Copy reply');
    expect(cardText(id)).toContain('Thank you for the feedback about the canteen');
    expect(buttons(card).map((b) => b.action_id)).toContain(REPLY_ACTION_IDS.markReplied);
    expect(dmsTo(MARKETING).at(-1)).toContain('Mark as replied');

    const outsider = await click(REPLY_ACTION_IDS.markReplied, id, OUTSIDER, { expect: 1 });
    expect(outsider).toContain('Nothing was changed');
    await click(REPLY_ACTION_IDS.markReplied, id, MARKETING);
    expect((await Post.findOne({ shortId: id }).lean())?.status).toBe('published');
    const review = await Review.findById(imported).lean();
    expect(review?.status).toBe('replied');
    expect(review?.repliedBy).toBe(MARKETING);
    const twice = await click(REPLY_ACTION_IDS.markReplied, id, COMPLIANCE, { expect: 1 });
    expect(twice).toBe(`<@${MARKETING}> already marked it as replied; nothing was changed.`);
    expect(await Audit.countDocuments({ entity: 'post', entityId: id, action: 'mark_replied' })).toBe(1);
  });

  test('an approver can override the PHI guard with a written reason (audited); others cannot', async () => {
    const r = await seedGoogle('g-override', 'Dr. Mehta was wonderful', 'Asha Rao', 5);
    await openReplyFor(r);
    const draft = await submitReply('Thank you! We will pass your words on to Dr. Mehta.');
    expect(draft.phi?.findings.map((f) => f.match)).toEqual(['Mehta']);
    const value = `${draft.shortId}:1`;
    expect(buttons(cardOf(draft.shortId)).map((b) => b.action_id)).toContain(REPLY_ACTION_IDS.overridePhi);
    const no = await click(REPLY_ACTION_IDS.overridePhi, value, OUTSIDER, { expect: 1 });
    expect(no).toContain('Only approvers');
    await click(REPLY_ACTION_IDS.overridePhi, value, COMPLIANCE);
    const reason = 'Dr. Mehta is our staff physician and agreed to be named publicly.';
    await t.viewSubmission({
      callbackId: REPLY_CALLBACK_IDS.override,
      privateMetadata: value,
      user: COMPLIANCE,
      values: {
        [REPLY_BLOCK_IDS.reason]: { [REPLY_INPUT_IDS.reason]: { type: 'plain_text_input', value: reason } },
      },
    });
    await waitUntil(async () =>
      Boolean((await Post.findOne({ shortId: draft.shortId }).lean())?.phi?.overriddenBy),
    );
    expect(cardText(draft.shortId)).toContain(`Overridden by <@${COMPLIANCE}>`);
    const row = await Audit.findOne({
      entity: 'post',
      entityId: draft.shortId,
      action: 'phi_override',
    }).lean();
    expect(row?.after).toEqual({ reason });
    await click(POST_ACTION_IDS.approve, value, COMPLIANCE);
    await tick();
    expect(google.replies.filter((x) => x.reviewId === 'g-override')).toHaveLength(1);
  });

  test('templates: listed with the contact filled in; approvers alone add and remove them (audited); unsafe ones refused', async () => {
    const list = visibleText((await t.command('templates', { user: OUTSIDER })).responses[0]?.body);
    expect(list).toContain('thank-you');
    expect(list).toContain('take-it-offline');
    expect(list).toContain(CONTACT);

    const refused = visibleText(
      (await t.command('templates add parking | Thanks; parking is being expanded.', { user: OUTSIDER }))
        .responses[0]?.body,
    );
    expect(refused).toBe(TEMPLATE_MESSAGES.notApprover);
    const unsafe = visibleText(
      (await t.command('templates add surgery | We hope your surgery went well.', { user: COMPLIANCE }))
        .responses[0]?.body,
    );
    expect(unsafe).toContain('“your surgery”');
    expect(unsafe).toContain('Nothing was changed');
    const added = visibleText(
      (
        await t.command(
          'templates add parking | Thank you for the feedback about parking. Questions: {contact}',
          { user: COMPLIANCE },
        )
      ).responses[0]?.body,
    );
    expect(added).toContain('saved');
    expect(visibleText((await t.command('templates', { user: OUTSIDER })).responses[0]?.body)).toContain(
      `Thank you for the feedback about parking. Questions: ${CONTACT}`,
    );
    const builtIn = visibleText(
      (await t.command('templates remove thank-you', { user: COMPLIANCE })).responses[0]?.body,
    );
    expect(builtIn).toContain('built in');
    await t.command('templates remove parking', { user: COMPLIANCE });
    expect(visibleText((await t.command('templates', { user: OUTSIDER })).responses[0]?.body)).not.toContain(
      'parking',
    );
    const rows = await Audit.find({ entity: 'reply-template', entityId: 'parking' })
      .sort({ at: 1, _id: 1 })
      .lean();
    expect(rows.map((r) => [r.action, r.actor])).toEqual([
      ['add', COMPLIANCE],
      ['remove', COMPLIANCE],
    ]);
  });

  test('/smx reply with a wrong id says so; a post draft is checked by the PHI guard too', async () => {
    const bad = visibleText(
      (await t.command('reply 0123456789abcdef01234567', { user: MARKETING })).responses[0]?.body,
    );
    expect(bad).toContain("can't find that review");
    const usage = visibleText((await t.command('reply', { user: MARKETING })).responses[0]?.body);
    expect(usage).toContain('/smx reply');

    const { responses } = await t.command(
      'schedule to:x now | Congratulations to Ramesh Gupta, walking again after his knee replacement! #CityHospital',
      { user: MARKETING },
    );
    const postId = /Post \*(P[A-Z0-9]{5})\*/.exec(visibleText(responses[0]?.body))?.[1];
    const post = await Post.findOne({ shortId: postId }).lean();
    expect(post?.phi?.findings.map((f) => f.kind)).toEqual(expect.arrayContaining(['name', 'health']));
    const card = slack
      .channelMessages(APPROVALS)
      .find((m) => !m.thread_ts && m.text.includes(`Post ${postId} `));
    expect(buttons(card as StoredMessage).map((b) => b.action_id)).not.toContain(POST_ACTION_IDS.approve);
  });
});
