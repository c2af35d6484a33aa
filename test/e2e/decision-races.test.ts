/**
 * Conflicting decisions on one post, clicked at the same moment at two smx instances on one database: 100 trials
 * each of Approve‖Cancel, Approve‖Edit, Approve‖Reject and Edit‖Cancel. Every trial must end with a state, a card,
 * an audit trail and DMs that tell the same story, every click that did not take effect must say who did what and
 * that nothing was changed — and when the approved posts are then published, no tweet carries text that a second
 * person did not approve.
 */
import { Audit } from '../../models/audit';
import { Claim } from '../../models/claim';
import { Decision } from '../../models/decision';
import { Post } from '../../models/post';
import { type DecisionWinner, describeDecision } from '../../src/services/decisions';
import { POST_MESSAGES } from '../../src/services/post-messages';
import { createPost } from '../../src/services/posts';
import { POST_ACTION_IDS, POST_BLOCK_IDS, POST_CALLBACK_IDS, POST_INPUT_IDS } from '../../src/slack/ids';
import { FakeSlack } from '../fakes/slack';
import { FakeX } from '../fakes/x';
import { publishTick, startTestApp, type TestApp, visibleText } from '../support/app';
import { useTestDatabase } from '../support/db';

const AUTHOR = 'U0STAFF';
const BOSS = 'U0BOSS';
const BOSS2 = 'U0BOSS2';
const CHANNEL = 'C0APPROVALS';
/** Tue 24 Nov 2026, 10:00 in Asia/Kolkata; the posts are due tomorrow 09:00. */
const NOW = new Date('2026-11-24T04:30:00.000Z');
const DUE = new Date('2026-11-25T03:30:00.000Z');
const TRIALS = Number(process.env.SMX_RACE_TRIALS ?? 100);
/** Trials run this many at a time (each trial is two concurrent requests). */
const BATCH = 20;

type Kind = 'approve' | 'cancel' | 'edit' | 'reject';
interface Click {
  kind: Kind;
  actor: string;
}
interface Answered extends Click {
  answer: string;
}

const PAIRS: Array<[Click, Click]> = [
  [
    { kind: 'approve', actor: BOSS },
    { kind: 'cancel', actor: BOSS2 },
  ],
  [
    { kind: 'approve', actor: BOSS },
    { kind: 'edit', actor: BOSS2 },
  ],
  [
    { kind: 'approve', actor: BOSS },
    { kind: 'reject', actor: BOSS2 },
  ],
  [
    { kind: 'edit', actor: BOSS2 },
    { kind: 'cancel', actor: AUTHOR },
  ],
];

const STATUS_AFTER: Record<Kind, string> = {
  approve: 'approved',
  cancel: 'cancelled',
  edit: 'pending_approval',
  reject: 'rejected',
};
const CARD_LINE: Record<Kind, (actor: string) => string> = {
  approve: (a) => `Approved by <@${a}>`,
  cancel: (a) => `Cancelled by <@${a}>`,
  edit: () => 'needs approval',
  reject: (a) => `Rejected by <@${a}>`,
};
const DM_WORD: Record<Kind, string> = {
  approve: 'approved your post',
  cancel: 'cancelled your post',
  edit: 'edited your post',
  reject: 'rejected your post',
};

describe('decision races: two instances, one database, conflicting clicks at once', () => {
  const db = useTestDatabase();
  let slack: FakeSlack;
  let x: FakeX;
  let a: TestApp;
  let b: TestApp;
  let clock = NOW;
  const tally: Record<string, { raced: number; sequential: number }> = {};

  beforeAll(async () => {
    slack = await new FakeSlack().start();
    x = await new FakeX().start();
    const env = { ...x.env(), SMX_APPROVALS_CHANNEL: CHANNEL, SMX_APPROVERS: `${BOSS},${BOSS2}` };
    a = await startTestApp({ db: db(), slack, now: () => clock, env });
    b = await startTestApp({ db: db(), slack, now: () => clock, env });
  });
  afterAll(async () => {
    await a.stop();
    await b.stop();
    await slack.close();
    await x.close();
    // The figures behind the report: how many trials were true races (one click lost) vs one after the other.
    process.stdout.write(`decision races: ${JSON.stringify(tally)}\n`);
  });

  const editedText = (n: string) => `${n} — edited by a second person #CityHospital`;

  async function fire(app: TestApp, c: Click, id: string, text: string): Promise<Answered> {
    let answer: string;
    if (c.kind === 'approve') {
      const r = await app.action({
        actionId: POST_ACTION_IDS.approve,
        value: `${id}:1`,
        user: c.actor,
        channel: CHANNEL,
      });
      answer = r.responses.map((x) => visibleText(x.body)).join('\n');
    } else if (c.kind === 'cancel') {
      const r = await app.command(`cancel ${id}`, { user: c.actor });
      answer = visibleText(r.responses[0]?.body);
    } else {
      const edit = c.kind === 'edit';
      const r = await app.viewSubmission({
        callbackId: edit ? POST_CALLBACK_IDS.edit : POST_CALLBACK_IDS.reject,
        privateMetadata: `${id}:1`,
        user: c.actor,
        values: edit
          ? {
              [POST_BLOCK_IDS.text]: {
                [POST_INPUT_IDS.text]: { type: 'plain_text_input', value: editedText(text) },
              },
            }
          : {
              [POST_BLOCK_IDS.reason]: {
                [POST_INPUT_IDS.reason]: { type: 'plain_text_input', value: 'Not this week' },
              },
            },
      });
      answer = r.body === undefined ? '' : JSON.stringify(r.body);
      if (r.status !== 200) answer = `HTTP ${r.status} ${answer}`;
      // A modal that closed before its decision was known answers by DM (the HTTP answer waits for it in tests).
      const dms = slack
        .callsOf('chat.postMessage')
        .filter((m) => m.args.channel === `D${c.actor}` && String(m.args.text).startsWith(`Post *${id}*: `));
      answer = [answer, ...dms.map((m) => String(m.args.text))].filter((t) => t !== '').join('\n');
    }
    return { ...c, answer };
  }

  const describeFor = (d: DecisionWinner) => describeDecision(d, { now: clock, timezone: 'Asia/Kolkata' });

  /** Checks one trial's story end to end; returns true when one click lost (a true race). */
  /** What was stored, read once per batch: each query scans a whole collection on FerretDB. */
  async function snapshot() {
    const [posts, decisions, audits] = await Promise.all([
      Post.find({}).lean(),
      Decision.find({}).lean(),
      Audit.find({ entity: 'post', action: { $in: Object.keys(STATUS_AFTER) } }).lean(),
    ]);
    return { posts, decisions, audits };
  }
  type Snapshot = Awaited<ReturnType<typeof snapshot>>;

  /** Checks one trial's story end to end; returns true when one click lost (a true race). */
  function checkTrial(snap: Snapshot, id: string, text: string, clicks: Answered[]): boolean {
    const post = snap.posts.find((p) => p.shortId === id);
    if (!post) throw new Error(`post ${id} missing`);
    const decisions = snap.decisions
      .filter((d) => d.docId === String(post._id))
      .sort((p, q) => p.version - q.version);
    const story = decisions.map((d) => ({ kind: d.action as Kind, actor: d.actor, version: d.version }));
    // At most one decision per version, versions contiguous, each decision one of the clicks.
    expect(story.map((s) => s.version)).toEqual(story.map((_, i) => i + 1));
    expect(story.length).toBeGreaterThanOrEqual(1);
    for (const s of story) expect(clicks.some((c) => c.kind === s.kind && c.actor === s.actor)).toBe(true);
    expect(post.version).toBe(story.length + 1);

    // The state is what the last decision made it.
    const last = story.at(-1) as { kind: Kind; actor: string };
    expect(post.status).toBe(STATUS_AFTER[last.kind]);
    const edited = story.some((s) => s.kind === 'edit');
    expect(post.text).toBe(edited ? editedText(text) : text);
    expect(post.revision).toBe(edited ? 2 : 1);
    if (post.status === 'approved') {
      expect(post.approvedBy).toBe(last.actor);
      expect(post.approvedBy).not.toBe(post.textBy ?? post.authorId);
    }
    // An edit clears any approval; nothing else gives one.
    if (last.kind === 'edit' || !story.some((s) => s.kind === 'approve'))
      expect(post.approvedBy ?? null).toBeNull();

    // The audit holds exactly the decisions that took effect.
    const audited = snap.audits.filter((r) => r.entityId === id);
    const key = (k: string, actor: string) => `${k}:${actor}`;
    expect(audited.map((r) => key(r.action, r.actor)).sort()).toEqual(
      story.map((s) => key(s.kind, s.actor)).sort(),
    );

    // The card shows the final state.
    const card = post.cardTs ? slack.messages.get(`${CHANNEL}:${post.cardTs}`) : undefined;
    const cardNow = visibleText({ text: card?.text ?? '', blocks: card?.blocks ?? [] });
    expect(cardNow).toContain(CARD_LINE[last.kind](last.actor));
    if (edited) expect(cardNow).toContain('edited by a second person');
    // One update per decision, plus a redraw where an announcement stopped waiting for the one before (overlapped).
    const overlapped = decisions.filter((d) => d.overlapped).length;
    expect(card?.history.length).toBeGreaterThanOrEqual(story.length + 1);
    expect(card?.history.length).toBeLessThanOrEqual(story.length + 1 + 2 * overlapped);

    // The author's DMs are exactly the decisions by someone else, in order.
    const dms = slack
      .callsOf('chat.postMessage')
      .filter((c) => c.args.channel === `D${AUTHOR}` && String(c.args.text).includes(`*${id}*`))
      .map((c) => String(c.args.text));
    const expected = story.filter((s) => s.actor !== AUTHOR);
    expect(dms.length).toBe(expected.length);
    expected.forEach((s, i) => {
      expect(dms[i]).toContain(`<@${s.actor}> ${DM_WORD[s.kind]}`);
    });

    // Every click either took effect or says who did what instead and that nothing was changed.
    let lost = false;
    for (const c of clicks) {
      const tookEffect = story.some((s) => s.kind === c.kind && s.actor === c.actor);
      if (tookEffect) {
        expect(c.answer).not.toMatch(/nothing was changed/i);
        if (c.kind === 'cancel') expect(c.answer).toContain(`Post *${id}* is cancelled`);
        continue;
      }
      lost = true;
      const others = decisions.filter((d) => !(d.action === c.kind && d.actor === c.actor));
      const honest = others.flatMap((d) => {
        const w = describeFor({ action: d.action, actor: d.actor, at: new Date(d.at), version: d.version });
        return [
          POST_MESSAGES.handled(w),
          POST_MESSAGES.outdatedBy(w),
          // A command on a post in a final state names the decision too.
          POST_MESSAGES.cannotChange(id, post.status, 'cancelled').replace(
            ', so',
            ` (${w.replace(' this post', '')}), so`,
          ),
        ];
      });
      const said = honest.find((h) => c.answer === h || c.answer.includes(JSON.stringify(h).slice(1, -1)));
      if (said === undefined)
        throw new Error(`dishonest answer to ${c.kind}: ${c.answer} — story ${JSON.stringify(story)}`);
    }
    return lost;
  }

  /** Publishes every approved post at once from both instances; checks no tweet carries unapproved text. */
  async function publishAndCheck(): Promise<number> {
    const tweetsBefore = x.tweets.length;
    clock = new Date(DUE.getTime() + 30 * 60_000);
    try {
      await Promise.all([
        publishTick(a.ctx, a.smx.app.client, { limit: 1000 }),
        publishTick(b.ctx, b.smx.app.client, { limit: 1000 }),
      ]);
    } finally {
      clock = NOW;
    }
    const tweets = x.tweets.slice(tweetsBefore);
    const all = await Post.find({}).lean();
    const published = all.filter((p) => p.status === 'published');
    // Every approved post went out, once; nothing cancelled, rejected or waiting did.
    expect(all.filter((p) => ['approved', 'publishing'].includes(p.status)).map((p) => p.shortId)).toEqual(
      [],
    );
    expect(tweets.length).toBe(published.length);
    for (const p of all) {
      const out = tweets.filter((t) => t.text === p.text).length;
      expect(out).toBe(p.status === 'published' ? 1 : 0);
    }
    for (const p of published) {
      expect(p.approvedBy).toBeTruthy();
      expect(p.approvedBy).not.toBe(p.textBy ?? p.authorId);
      // The approval was given on the revision that went out: no edit after it.
      const actions = (await Decision.find({ docId: String(p._id) }).lean())
        .sort((m, n) => m.version - n.version)
        .map((d) => d.action);
      expect(actions.lastIndexOf('approve')).toBeGreaterThan(actions.lastIndexOf('edit'));
    }
    return published.length;
  }

  test.each(PAIRS.map((p) => [`${p[0].kind}‖${p[1].kind}`, p] as const))(
    '%s: 100 trials at two instances, every story consistent; publishing afterwards sends only approved text',
    async (name, [first, second]) => {
      const counts = { raced: 0, sequential: 0, published: 0 };
      tally[name] = counts;
      for (let start = 0; start < TRIALS; start += BATCH) {
        const n = Math.min(BATCH, TRIALS - start);
        const posts = await Promise.all(
          Array.from({ length: n }, async (_, i) => {
            const text = `${name} trial ${start + i} #CityHospital`;
            const p = await createPost(a.ctx, a.smx.app.client, {
              authorId: AUTHOR,
              targets: ['x'],
              when: { at: DUE, now: false },
              text,
            });
            return { id: p.shortId, text };
          }),
        );
        const results = await Promise.all(
          posts.map(async ({ id, text }, i) => {
            // Alternate which instance gets which click.
            const [one, two] = i % 2 === 0 ? [a, b] : [b, a];
            const clicks = await Promise.all([fire(one, first, id, text), fire(two, second, id, text)]);
            return { id, text, clicks };
          }),
        );
        const snap = await snapshot();
        for (const r of results) {
          if (checkTrial(snap, r.id, r.text, r.clicks)) counts.raced++;
          else counts.sequential++;
        }
      }
      expect(counts.raced + counts.sequential).toBe(TRIALS);
      counts.published = await publishAndCheck();
      // Each pair starts from empty collections, so FerretDB's full scans stay small.
      await Promise.all([
        Post.deleteMany({}),
        Decision.deleteMany({}),
        Audit.deleteMany({}),
        Claim.deleteMany({}),
      ]);
    },
    240_000,
  );

  test('no Block Kit violations anywhere', () => {
    expect(slack.violations).toEqual([]);
  });
});
