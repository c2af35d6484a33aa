import { Post } from '../../models/post';
import { findLinks } from '../../src/services/link-previews';
import { FakeFlickr, FLICKR_USER } from '../fakes/flickr';
import { FakeGraph } from '../fakes/graph';
import { FakeSlack } from '../fakes/slack';
import { FakeYouTube } from '../fakes/youtube';
import { startTestApp, type TestApp, visibleText } from '../support/app';
import { useTestDatabase } from '../support/db';

const APPROVALS = 'CAPPROVALS';
const NOW = new Date('2026-11-24T04:30:00Z');

describe('the approval card previews linked YouTube videos and Flickr photos', () => {
  const db = useTestDatabase();
  let slack: FakeSlack;
  let yt: FakeYouTube;
  let fl: FakeFlickr;
  let graph: FakeGraph;
  let t: TestApp;

  beforeAll(async () => {
    slack = await new FakeSlack().start();
    yt = await new FakeYouTube().start();
    fl = await new FakeFlickr().start();
    graph = await new FakeGraph().start();
    yt.video({
      id: 'vidFlu00001',
      title: 'Flu shots | City Hospital',
      description: '',
      publishedAt: '2026-11-20T10:00:00Z',
    });
    fl.photo({ id: '5301', title: 'Blood donation camp', dateupload: 1_700_000_000 });
    t = await startTestApp({
      db: db(),
      slack,
      now: () => NOW,
      env: {
        ...yt.env(),
        ...fl.env(),
        ...graph.env(),
        SMX_APPROVALS_CHANNEL: APPROVALS,
        SMX_APPROVERS: 'U0BOSS',
      },
    });
  });
  afterAll(async () => {
    await t.stop();
    for (const s of [slack, yt, fl, graph]) await s.close();
  });

  test('titles come from YouTube and Flickr; a link that cannot be found says so; the tag check is on the text', async () => {
    const text =
      'Watch https://www.youtube.com/watch?v=vidFlu00001 and https://youtu.be/gone0000000 — photos: ' +
      `https://www.flickr.com/photos/${FLICKR_USER}/5301/ #CityHospital`;
    const { responses } = await t.command(`schedule to:facebook tomorrow 9am | ${text}`);
    const id = /Post \*(P[A-Z0-9]{5})\*/.exec(visibleText(responses[0]?.body))?.[1] as string;
    const card = slack.channelMessages(APPROVALS).find((m) => m.text.includes(`Post ${id} `));
    const shown = visibleText({ text: card?.text ?? '', blocks: card?.blocks ?? [] });
    expect(shown).toContain(
      ':link: YouTube video: <https://www.youtube.com/watch?v=vidFlu00001|Flu shots   City Hospital>',
    );
    expect(shown).toContain('YouTube video https://youtu.be/gone0000000: no such video on YouTube');
    expect(shown).toContain(
      `:link: Flickr photo: <https://www.flickr.com/photos/${FLICKR_USER}/5301/|Blood donation camp>`,
    );
    const stored = await Post.findOne({ shortId: id }).lean();
    expect(stored?.previews).toHaveLength(3);
    // One videos.list for both video links.
    expect(yt.callsTo('GET', /\/videos$/)).toHaveLength(1);
  });

  test('links are found in the forms people paste', () => {
    expect(
      findLinks(
        'https://youtu.be/abcdefghijk?t=3 https://www.youtube.com/shorts/ABCDEFGHIJK https://m.youtube.com/watch?feature=x&v=a1b2c3d4e5f https://flickr.com/photos/cityhospital/123456/in/album-1',
      ).map((l) => [l.service, l.id]),
    ).toEqual([
      ['youtube', 'abcdefghijk'],
      ['youtube', 'ABCDEFGHIJK'],
      ['youtube', 'a1b2c3d4e5f'],
      ['flickr', '123456'],
    ]);
  });
});
