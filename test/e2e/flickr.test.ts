import { digestJob } from '../../jobs/digest';
import { Review } from '../../models/review';
import { flickr } from '../../src/adapters/flickr';
import { runIngest } from '../../src/services/ingest';
import { PHOTO_MESSAGES } from '../../src/services/photos';
import { FakeFlickr, FLICKR_USER } from '../fakes/flickr';
import { FakeSlack } from '../fakes/slack';
import { startTestApp, type TestApp, visibleText } from '../support/app';
import { useTestDatabase } from '../support/db';
import { recordedSleep } from '../support/ingest';

const DIGEST = 'CDIGEST';
const NOW = new Date('2026-11-24T04:30:00Z');
const unix = (minutesAgo: number) => Math.floor(NOW.getTime() / 1000) - minutesAgo * 60;

describe('Flickr: photo comments as feedback, /smx photos', () => {
  const db = useTestDatabase();
  let slack: FakeSlack;
  let fl: FakeFlickr;
  let t: TestApp;
  const sleep = recordedSleep();
  const ingest = () => runIngest(t.ctx, { sources: [flickr], retry: sleep.retry });

  beforeAll(async () => {
    slack = await new FakeSlack().start();
    fl = await new FakeFlickr().start();
    fl.photo({
      id: '5301',
      title: 'Blood donation camp | Nov',
      dateupload: unix(600),
      comments: [
        {
          id: 'c1',
          author: '999@N02',
          authorname: 'donor_anil',
          datecreate: unix(300),
          text: 'Proud to donate <!channel>',
        },
        {
          id: 'c2',
          author: FLICKR_USER,
          authorname: 'City Hospital',
          datecreate: unix(200),
          text: 'Thank you all!',
        },
      ],
    });
    fl.photo({ id: '5302', title: 'New MRI suite', dateupload: unix(900) });
    fl.albums.push({ id: '72157', title: 'Health camps 2026', photos: 42 });
    t = await startTestApp({
      db: db(),
      slack,
      now: () => NOW,
      env: { ...fl.env(), SMX_DIGEST_CHANNEL: DIGEST },
    });
  });
  afterAll(async () => {
    await t.stop();
    await slack.close();
    await fl.close();
  });

  test('comments on recent photos come in once; the account’s own comments are skipped', async () => {
    const [first] = await ingest();
    expect(first).toMatchObject({ source: 'flickr', ok: true, created: 1 });
    const stored = await Review.find({ source: 'flickr' }).lean();
    expect(stored.map((r) => r.text)).toEqual(['Proud to donate <!channel>']);
    expect(stored[0]?.url).toBe('https://www.flickr.com/photos/cityhospital/5301/#commentc1');
    const getPhotos = fl.calls.find((c) => c.query.method === 'flickr.people.getPhotos');
    expect(getPhotos?.query).toMatchObject({ user_id: FLICKR_USER, format: 'json', nojsoncallback: '1' });

    // The next run asks only for comments since the newest one seen and stores nothing twice.
    fl.photos[1]?.comments.push({
      id: 'c3',
      author: '777@N03',
      authorname: 'priya',
      datecreate: unix(10),
      text: 'Quick scan, kind staff',
    });
    const [second] = await ingest();
    expect(second).toMatchObject({ ok: true, created: 1 });
    const lists = fl.calls.filter((c) => c.query.method === 'flickr.photos.comments.getList');
    expect(lists.at(-1)?.query.min_comment_date).toBe(String(unix(200)));
    expect(await Review.countDocuments({ source: 'flickr' })).toBe(2);
  });

  test('a Flickr photo comment appears in the digest, escaped', async () => {
    await digestJob.run({ ctx: t.ctx, client: t.smx.app.client });
    const text = slack
      .channelMessages(DIGEST)
      .map((m) => visibleText({ text: m.text, blocks: m.blocks }))
      .join('\n');
    expect(text).toContain('Proud to donate &lt;!channel&gt;');
    expect(text).not.toContain('<!channel>');
  });

  test('/smx photos lists recent photos and albums with links', async () => {
    const { responses } = await t.command('photos');
    const text = visibleText(responses[0]?.body);
    expect(text).toContain(
      `<https://www.flickr.com/photos/${encodeURIComponent(FLICKR_USER)}/5301|Blood donation camp ¦ Nov>`,
    );
    expect(text).toContain('New MRI suite');
    expect(text).toContain(
      `<https://www.flickr.com/photos/${encodeURIComponent(FLICKR_USER)}/albums/72157|Health camps 2026>`,
    );
    expect(text).toContain('42 photos');
  });

  test('a refused API key is reported in the user’s terms, and by /smx sources', async () => {
    fl.apiKey = 'rotated';
    try {
      const { responses } = await t.command('photos');
      const text = visibleText(responses[0]?.body);
      expect(text).toContain('Flickr did not answer as expected');
      expect(text).toContain('check FLICKR_API_KEY');
      expect(text).toContain('Nothing was changed');
      const [run] = await ingest();
      expect(run).toMatchObject({ ok: false });
      const sources = visibleText((await t.command('sources')).responses[0]?.body);
      expect(sources).toContain('Flickr refused the API key (code 100)');
    } finally {
      fl.apiKey = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
    }
  });

  test('without Flickr credentials /smx photos says how to connect it', async () => {
    const off = await startTestApp({ db: db(), slack, now: () => NOW });
    try {
      const { responses } = await off.command('photos');
      expect(visibleText(responses[0]?.body)).toBe(PHOTO_MESSAGES.notConnected);
    } finally {
      await off.stop();
    }
  });
});
