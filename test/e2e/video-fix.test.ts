import { Post } from '../../models/post';
import { Publication } from '../../models/publication';
import { QuotaSpend } from '../../models/quota-spend';
import { CONFLICT_MESSAGE } from '../../src/adapters/targets/youtube';
import { quotaToday } from '../../src/adapters/youtube-quota';
import { VIDEO_FIX_MESSAGES } from '../../src/services/video-fix';
import { VIDEO_ACTION_IDS } from '../../src/slack/ids';
import { FakeSlack } from '../fakes/slack';
import { FakeYouTube } from '../fakes/youtube';
import { publishTick, startTestApp, type TestApp, visibleText, waitUntil } from '../support/app';
import {
  approveCard,
  cardText,
  overridePhiAndApprove,
  overridePhiIfFlagged,
  threadText,
} from '../support/cards';
import { useTestDatabase } from '../support/db';

const APPROVALS = 'CAPPROVALS';
const AUTHOR = 'U0AUTHOR';
const APPROVER = 'U0BOSS';
const NOW = new Date('2026-11-24T04:30:00Z');

describe('/smx videos → Fix → approve → videos.update, exactly once', () => {
  const db = useTestDatabase();
  let slack: FakeSlack;
  let yt: FakeYouTube;
  let t: TestApp;
  const tick = () => publishTick(t.ctx, t.smx.app.client);

  beforeAll(async () => {
    slack = await new FakeSlack().start();
    yt = await new FakeYouTube().start();
    yt.video({
      id: 'vidFlu00001',
      title: 'Flu shots at City Hospital',
      description: 'Get your flu shot this week.',
      tags: ['flu'],
      publishedAt: '2026-11-20T10:00:00Z',
    });
    yt.video({
      id: 'vidWing0001',
      title: 'Our new wing',
      description: 'A tour of the new wing.',
      publishedAt: '2026-11-18T10:00:00Z',
    });
    t = await startTestApp({
      db: db(),
      slack,
      now: () => NOW,
      env: { ...yt.env(), SMX_APPROVALS_CHANNEL: APPROVALS, SMX_APPROVERS: APPROVER },
    });
    await t.command('tags require #CityHospital', { user: APPROVER });
  });
  afterAll(async () => {
    await t.stop();
    await slack.close();
    await yt.close();
  });

  const fix = async (videoId: string, user = AUTHOR) =>
    visibleText(
      (
        await t.action({
          actionId: VIDEO_ACTION_IDS.fix,
          value: videoId,
          user,
          channel: 'C0GENERAL',
          expect: 1,
        })
      ).responses[0]?.body,
    );

  test('the description lacking #CityHospital gets it on YouTube once, and nothing else of the video changes', async () => {
    const { responses } = await t.command('videos', { user: AUTHOR });
    const blocks = (responses[0]?.body?.blocks ?? []) as Array<{
      accessory?: { action_id: string; value: string };
    }>;
    const fixButtons = blocks.flatMap((b) => (b.accessory ? [b.accessory] : []));
    expect(fixButtons.map((b) => [b.action_id, b.value])).toEqual([
      [VIDEO_ACTION_IDS.fix, 'vidFlu00001'],
      [VIDEO_ACTION_IDS.fix, 'vidWing0001'],
    ]);

    const reply = await fix('vidFlu00001');
    expect(reply).toContain('Drafted fix');
    expect(reply).toContain('adds #CityHospital');
    const id = /fix \*(P[A-Z0-9]{5})\*/.exec(reply)?.[1] as string;
    const shown = cardText(slack, APPROVALS, id);
    expect(shown).toContain('Video metadata fix');
    expect(shown).toContain('Flu shots at City Hospital');
    expect(shown).toContain('Get your flu shot this week.');
    expect(shown).toContain('#CityHospital');
    expect(shown).not.toContain('Missing required tag');
    // The same video again while the fix waits: no second draft.
    expect(await fix('vidFlu00001')).toBe(VIDEO_FIX_MESSAGES.pending(id));
    expect(yt.updates).toHaveLength(0);

    await overridePhiAndApprove(t, APPROVALS, id, APPROVER);
    await tick();
    await tick();
    expect(yt.updates).toHaveLength(1);
    const video = yt.videos.find((v) => v.id === 'vidFlu00001');
    expect(video?.description).toBe('Get your flu shot this week.\n\n#CityHospital');
    expect(video?.tags).toEqual(['flu', 'CityHospital']);
    expect(video?.title).toBe('Flu shots at City Hospital');
    expect(video?.categoryId).toBe('27');
    expect((await Post.findOne({ shortId: id }).lean())?.status).toBe('published');
    // 50 units for the update, counted; a metadata fix is not a post toward any cadence.
    expect(await QuotaSpend.countDocuments({ call: 'videos.update', units: 50 })).toBe(1);
    expect(await Publication.countDocuments({})).toBe(0);
    expect(await fix('vidFlu00001')).toBe(VIDEO_FIX_MESSAGES.alreadyFine('Flu shots at City Hospital'));
  });

  test('an edit on YouTube after the draft is a conflict: nothing is overwritten and the card says why', async () => {
    const reply = await fix('vidWing0001');
    const id = /fix \*(P[A-Z0-9]{5})\*/.exec(reply)?.[1] as string;
    const wing = yt.videos.find((v) => v.id === 'vidWing0001');
    if (wing) wing.description = 'A tour of the new wing, now with opening hours.';
    await overridePhiAndApprove(t, APPROVALS, id, APPROVER);
    await tick();
    expect(yt.updates).toHaveLength(1); // only the first test's
    expect(wing?.description).toBe('A tour of the new wing, now with opening hours.');
    const stored = await Post.findOne({ shortId: id }).lean();
    expect(stored?.status).toBe('failed');
    expect(threadText(slack, APPROVALS, id)).toContain('changed on YouTube after this fix was drafted');
    expect(CONFLICT_MESSAGE).toContain('Nothing was changed on YouTube');
  });

  /** A new flagged video, its Fix drafted and approved; returns the fix's short id. */
  const draftAndApprove = async (id: string, description: string) => {
    yt.video({ id, title: `Video ${id}`, description, tags: [], publishedAt: '2026-11-21T10:00:00Z' });
    const shortId = /fix \*(P[A-Z0-9]{5})\*/.exec(await fix(id))?.[1] as string;
    await overridePhiAndApprove(t, APPROVALS, shortId, APPROVER);
    return shortId;
  };
  const dms = () => slack.channelMessages(`D${AUTHOR}`).map((m) => m.text);

  test('two Approve clicks and two publisher ticks at the same moment: one videos.update', async () => {
    yt.video({
      id: 'vidTwice001',
      title: 'Visiting hours',
      description: 'When to visit.',
      tags: [],
      publishedAt: '2026-11-22T10:00:00Z',
    });
    const id = /fix \*(P[A-Z0-9]{5})\*/.exec(await fix('vidTwice001'))?.[1] as string;
    const before = yt.updates.length;
    await overridePhiIfFlagged(t, APPROVALS, id, APPROVER);
    await Promise.all([approveCard(t, APPROVALS, id, APPROVER), approveCard(t, APPROVALS, id, APPROVER)]);
    await Promise.all([tick(), tick()]);
    await tick();
    expect(yt.updates.filter((u) => u.id === 'vidTwice001')).toHaveLength(1);
    expect(yt.updates).toHaveLength(before + 1);
    const video = yt.videos.find((v) => v.id === 'vidTwice001');
    expect(video?.description).toBe('When to visit.\n\n#CityHospital');
    expect(video?.description.match(/#CityHospital/g)).toHaveLength(1);
    expect((await Post.findOne({ shortId: id }).lean())?.status).toBe('published');
  });

  test('a video deleted since the draft: nothing is sent, the card and a DM to the author say why', async () => {
    const id = await draftAndApprove('vidGone0001', 'Soon gone.');
    yt.videos.splice(
      yt.videos.findIndex((v) => v.id === 'vidGone0001'),
      1,
    );
    const before = yt.updates.length;
    await tick();
    expect(yt.updates).toHaveLength(before);
    expect((await Post.findOne({ shortId: id }).lean())?.status).toBe('failed');
    expect(threadText(slack, APPROVALS, id)).toContain('no video vidGone0001 any more');
    await waitUntil(() => dms().some((d) => d.includes(id) && d.includes('could not be published')));
    expect(dms().find((d) => d.includes(id) && d.includes('could not be published'))).toContain(
      'no video vidGone0001 any more',
    );
  });

  test('quota: a budget that cannot fit the update refuses it before sending; YouTube saying quotaExceeded stops the day', async () => {
    const yc = t.ctx.config.youtube;
    if (!yc) throw new Error('YouTube not configured');
    // smx's own ledger: fill today's units so the read before the write fits but not the 50-unit update.
    const id = await draftAndApprove('vidQuota001', 'Almost out of units.');
    const q = await quotaToday(yc, NOW);
    await QuotaSpend.create({
      service: 'youtube',
      day: q.day,
      units: q.limit - q.used - 30,
      call: 'test.filler',
      at: NOW,
    });
    const before = yt.updates.length;
    await tick();
    expect(yt.updates).toHaveLength(before);
    expect((await Post.findOne({ shortId: id }).lean())?.status).toBe('failed');
    expect(threadText(slack, APPROVALS, id)).toContain('videos.update (50 units) not sent');
    await QuotaSpend.deleteMany({ call: 'test.filler' });

    // YouTube's own count says the day is over (another app on the project spent it): failed, and smx stops.
    const id2 = await draftAndApprove('vidQuota002', 'YouTube is out of units.');
    yt.dailyQuota = yt.unitsUsed + 1; // the read fits, the update does not
    await tick();
    expect(yt.updates).toHaveLength(before);
    expect((await Post.findOne({ shortId: id2 }).lean())?.status).toBe('failed');
    expect(threadText(slack, APPROVALS, id2)).toContain("today's quota is used up");
    expect((await quotaToday(yc, NOW)).exhausted).toBe(true);
  });
});
