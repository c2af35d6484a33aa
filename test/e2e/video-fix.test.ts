import { publishJob } from '../../jobs/publish';
import { Post } from '../../models/post';
import { Publication } from '../../models/publication';
import { QuotaSpend } from '../../models/quota-spend';
import { CONFLICT_MESSAGE } from '../../src/adapters/targets/youtube';
import { VIDEO_FIX_MESSAGES } from '../../src/services/video-fix';
import { VIDEO_ACTION_IDS } from '../../src/slack/ids';
import { FakeSlack } from '../fakes/slack';
import { FakeYouTube } from '../fakes/youtube';
import { startTestApp, type TestApp, visibleText } from '../support/app';
import { approveCard, cardText, threadText } from '../support/cards';
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
  const tick = () => publishJob.run({ ctx: t.ctx, client: t.smx.app.client });

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

    await approveCard(t, APPROVALS, id, APPROVER);
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
    await approveCard(t, APPROVALS, id, APPROVER);
    await tick();
    expect(yt.updates).toHaveLength(1); // only the first test's
    expect(wing?.description).toBe('A tour of the new wing, now with opening hours.');
    const stored = await Post.findOne({ shortId: id }).lean();
    expect(stored?.status).toBe('failed');
    expect(threadText(slack, APPROVALS, id)).toContain('changed on YouTube after this fix was drafted');
    expect(CONFLICT_MESSAGE).toContain('Nothing was changed on YouTube');
  });
});
