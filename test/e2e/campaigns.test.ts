/**
 * Feedback campaigns end to end: the commands over signed Slack requests, the public page over plain HTTP (as a
 * phone without JavaScript would use it), the digest, results, QR upload and the social-media draft.
 */
import { digestJob } from '../../jobs/digest';
import { Audit } from '../../models/audit';
import { Campaign } from '../../models/campaign';
import { CampaignResponse } from '../../models/campaign-response';
import { Claim } from '../../models/claim';
import { DigestInbox } from '../../models/digest-inbox';
import { Post } from '../../models/post';
import { Review } from '../../models/review';
import { Visit } from '../../models/visit';
import { CONTENT_SECURITY_POLICY } from '../../src/http/feedback-page-html';
import { POSTER_PNG_WIDTH } from '../../src/services/campaign-qr';
import { CAMPAIGN_MESSAGES } from '../../src/services/campaigns';
import { pngSize } from '../../src/services/charts';
import { tryClaim } from '../../src/services/claims';
import { postWeeklyReport } from '../../src/services/report';
import { FakeSlack } from '../fakes/slack';
import { startTestApp, type TestApp, visibleText } from '../support/app';
import { useTestDatabase } from '../support/db';

const APPROVER = 'U0BOSS';
const STAFF = 'U0STAFF';
const DIGEST = 'C0DIGEST';
const NORTH = 'C0NORTH';
const APPROVALS = 'C0APPROVALS';
const PUBLIC_URL = 'https://feedback.city-hospital.example';
const GOOGLE = 'https://g.page/r/city-hospital/review';
const FACEBOOK = 'https://www.facebook.com/CityHospital/reviews';
// Thu 10 Dec 2026, 11:30 in Asia/Kolkata (the test app's SMX_TIMEZONE).
const NOW = new Date('2026-12-10T06:00:00Z');

describe('feedback campaigns', () => {
  const db = useTestDatabase();
  let slack: FakeSlack;
  let t: TestApp;
  let now = NOW;
  let ip = 0;
  /** A distinct client address per call site (the app trusts X-Forwarded-For here), so limits don't leak. */
  const nextIp = () => `203.0.113.${++ip}`;

  beforeAll(async () => {
    slack = await new FakeSlack().start();
    t = await startTestApp({
      db: db(),
      slack,
      now: () => now,
      env: {
        SMX_APPROVERS: APPROVER,
        SMX_DIGEST_CHANNEL: DIGEST,
        SMX_FACILITY_CHANNELS: `North Clinic=${NORTH}`,
        SMX_APPROVALS_CHANNEL: APPROVALS,
        SMX_PUBLIC_URL: PUBLIC_URL,
        SMX_HOSPITAL_NAME: 'City Hospital',
        SMX_GOOGLE_REVIEW_URL: GOOGLE,
        SMX_FACEBOOK_REVIEW_URL: FACEBOOK,
        SMX_FEEDBACK_RATE_LIMIT: '3/10m',
        SMX_TRUST_PROXY: 'true',
        FACEBOOK_PAGE_ID: '1234',
        FACEBOOK_PAGE_TOKEN: 'page-token',
        FACEBOOK_GRAPH_URL: 'http://127.0.0.1:9/v21.0',
      },
    });
  });
  afterAll(async () => {
    await t.stop();
    await slack.close();
  });
  beforeEach(async () => {
    now = NOW;
    await Promise.all([
      Campaign.deleteMany({}),
      CampaignResponse.deleteMany({}),
      Review.deleteMany({}),
      DigestInbox.deleteMany({}),
      Audit.deleteMany({}),
      Post.deleteMany({}),
      Claim.deleteMany({}),
      Visit.deleteMany({}),
    ]);
    slack.messages.clear();
    slack.uploads.clear();
    slack.violations.length = 0;
  });

  async function say(text: string, user = APPROVER): Promise<string> {
    const { responses } = await t.command(text, { user, channel: 'C0DESK' });
    return visibleText(responses[0]?.body);
  }

  async function newCampaign(text: string): Promise<{ id: string; slug: string; reply: string }> {
    const reply = await say(`campaign new ${text}`);
    const id = /Campaign \*(F[A-Z0-9]{4})\*/.exec(reply)?.[1];
    if (!id) throw new Error(`no campaign id in: ${reply}`);
    const c = await Campaign.findOne({ shortId: id }).lean();
    if (!c) throw new Error('campaign not stored');
    return { id, slug: c.slug, reply };
  }

  const page = (slug: string, query = '', addr = nextIp()) =>
    fetch(`${t.url}/f/${slug}${query}`, { headers: { 'x-forwarded-for': addr } });

  async function submit(slug: string, fields: Record<string, string>, addr = nextIp()) {
    const res = await fetch(`${t.url}/f/${slug}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': addr },
      body: new URLSearchParams(fields).toString(),
    });
    return { status: res.status, html: await res.text(), headers: res.headers };
  }

  const sidOf = (html: string) => /name="sid" value="([0-9a-f-]{36})"/.exec(html)?.[1] ?? '';

  test('the "done when" story: create for North Clinic, a phone answers 2 stars, the digest and the results show it', async () => {
    expect(await say('visits 310 2026-12 North Clinic')).toContain('Recorded 310');
    const { id, slug, reply } = await newCampaign(
      'December discharge feedback North Clinic from 1 Dec to 31 Dec goal 10%',
    );
    expect(reply).toContain('*December discharge feedback*');
    expect(reply).toContain('North Clinic');
    expect(reply).toContain(`${PUBLIC_URL}/f/${slug}`);
    expect(slug).toBe(`december-discharge-feedback-${id.toLowerCase()}`);
    const stored = await Campaign.findOne({ shortId: id }).lean();
    expect(stored).toMatchObject({
      name: 'December discharge feedback',
      facility: 'North Clinic',
      fromDay: '2026-12-01',
      toDay: '2026-12-31',
      goalPercent: 10,
      createdBy: APPROVER,
    });
    expect(await Audit.countDocuments({ entity: 'campaign', entityId: id, action: 'create' })).toBe(1);

    const form = await page(slug);
    expect(form.status).toBe(200);
    const html = await form.text();
    expect(html).toContain('How was your visit to North Clinic?');
    expect(html).toMatch(/<input type="radio" name="rating" value="2" required>/);
    expect(html).not.toMatch(/name="(name|phone|email|mobile)"/i);

    const answer = await submit(slug, {
      sid: sidOf(html),
      lang: 'en',
      rating: '2',
      text: 'long wait at billing',
      website: '',
    });
    expect(answer.status).toBe(200);
    expect(answer.html).toContain('Thank you!');
    expect(answer.html).toContain(`href="${GOOGLE}"`);
    expect(answer.html).toContain(`href="${FACEBOOK}"`);

    const review = await Review.findOne({ campaignId: id }).lean();
    expect(review).toMatchObject({
      source: 'feedback',
      facility: 'North Clinic',
      rating: 2,
      text: 'long wait at billing',
      sentiment: 'negative',
      status: 'new',
      campaignName: 'December discharge feedback',
    });
    // No name is stored for a feedback form (an empty optional field is not written at all).
    expect(review?.authorName ?? null).toBeNull();
    expect(await DigestInbox.countDocuments({ _id: review?._id })).toBe(1);

    await digestJob.run({ ctx: t.ctx, client: t.smx.app.client });
    // North Clinic has a digest channel of its own.
    const digest = visibleText(slack.channelMessages(NORTH)[0] as unknown as Record<string, unknown>);
    expect(digest).toContain(
      ':red_circle: *Feedback* ★★☆☆☆ · North Clinic · campaign “December discharge feedback”',
    );
    expect(digest).toContain('long wait at billing');

    const results = await say(`campaign ${id}`, STAFF);
    expect(results).toContain('*1* response');
    expect(results).toContain('average ★★☆☆☆ *2* of 5');
    expect(results).toContain('negative *100 %* (1)');
    // 310 December visits, 10 of 31 days counted so far: 100 visits; 1 ÷ 100 = 1 % of a 10 % goal.
    expect(results).toContain(
      'Response rate: *1 %* (1 of 100 visits at North Clinic, 1 Dec 2026 – 10 Dec 2026',
    );
    expect(results).toContain('▓░░░░░░░░░ 10 % of the 10 % goal');

    const list = await say('campaigns', STAFF);
    expect(list).toContain(`(${id})`);
    expect(list).toContain('open');
  });

  test('/smx metrics and the weekly report list the campaigns that ran in the period, with their figures', async () => {
    const { id, slug } = await newCampaign('December discharge feedback from 1 Dec to 31 Dec goal 5%');
    await submit(slug, { rating: '5', text: 'Very kind staff' });
    const metrics = await say('metrics this-month', STAFF);
    expect(metrics).toContain('*Feedback campaigns* in this period');
    expect(metrics).toContain(`*December discharge feedback* (${id}) · whole hospital`);
    expect(metrics).toContain('*1* response · average ★★★★★ *5* of 5 · :red_circle: negative *0 %* (0)');
    expect(metrics).toContain('Response rate: not available — no visits recorded for 2026-12');
    // A campaign of another facility is not in that facility's metrics.
    expect(await say('metrics this-month North Clinic', STAFF)).not.toContain('Feedback campaigns');

    now = new Date('2026-12-14T05:00:00Z'); // Monday: the report covers 7–13 Dec
    expect(await postWeeklyReport(t.ctx, t.smx.app.client)).toBe('posted');
    const report = slack.channelMessages(DIGEST).find((m) => m.text.startsWith('Weekly report'));
    const text = visibleText(report as unknown as Record<string, unknown>);
    expect(text).toContain(`*December discharge feedback* (${id})`);
    expect(text).toContain('1 feedback campaign.');
  });

  test('only approvers create and end campaigns; nothing is stored when refused', async () => {
    const refused = await say('campaign new Flu week survey from today to 20 Dec', STAFF);
    expect(refused).toBe(CAMPAIGN_MESSAGES.notApprover('create'));
    expect(await Campaign.countDocuments({})).toBe(0);

    const { id } = await newCampaign('Flu week survey from today to 20 Dec');
    expect(await say(`campaign end ${id}`, STAFF)).toBe(CAMPAIGN_MESSAGES.notApprover('end'));
    expect((await Campaign.findOne({ shortId: id }).lean())?.endedAt).toBeNull();
  });

  test('bad input says what to write and creates nothing', async () => {
    expect(await say('campaign new Flu week')).toBe(CAMPAIGN_MESSAGES.newUsage('dmy'));
    expect(await say('campaign new Flu week from tomorow to 20 Dec')).toBe(
      CAMPAIGN_MESSAGES.badDate('start', 'tomorow', 'dmy'),
    );
    expect(await say('campaign new Flu week from 2026-12-20 to 2026-12-12')).toBe(
      CAMPAIGN_MESSAGES.endBeforeStart,
    );
    expect(await say('campaign new Flu week from 1 Dec to 31 Dec goal 0%')).toBe(CAMPAIGN_MESSAGES.badGoal);
    expect(await say('campaign new Flu week from 1 Dec to 31 Dec lang xx')).toBe(
      CAMPAIGN_MESSAGES.badLanguage('xx'),
    );
    expect(await say('campaign F9999', STAFF)).toBe(CAMPAIGN_MESSAGES.notFound('f9999'));
    expect(await Campaign.countDocuments({})).toBe(0);
  });

  test('a quoted facility, a second language: the page in Hindi, answers in Hindi stored as they are', async () => {
    // Ward 3 is a facility smx knows: its visits are recorded.
    await Visit.collection.insertOne({
      _id: '2026-12|Ward 3' as never,
      month: '2026-12',
      facility: 'Ward 3',
      count: 40,
      updatedBy: APPROVER,
      updatedAt: now,
    });
    const { slug } = await newCampaign('"Ward 3 survey" "Ward 3" from today to 31 Dec lang hi');
    expect((await Campaign.findOne({ slug }).lean())?.facility).toBe('Ward 3');
    const en = await (await page(slug)).text();
    expect(en).toContain('<html lang="en">');
    expect(en).toContain(`href="/f/${slug}?lang=hi" lang="hi" hreflang="hi">हिन्दी</a>`);
    const hi = await (await page(slug, '?lang=hi')).text();
    expect(hi).toContain('<html lang="hi">');
    expect(hi).toContain('Ward 3 में आपका अनुभव कैसा रहा?');
    const text = 'बिलिंग पर बहुत लंबा इंतज़ार';
    const r = await submit(slug, { sid: sidOf(hi), lang: 'hi', rating: '3', text });
    expect(r.status).toBe(200);
    expect(r.html).toContain('धन्यवाद!');
    expect((await Review.findOne({ facility: 'Ward 3' }).lean())?.text).toBe(text);
  });

  test('headers: strict CSP, no cookies, no caching; the same form resent is stored once', async () => {
    const { slug, id } = await newCampaign('Outpatient feedback from today to 31 Dec');
    const res = await page(slug);
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    const sid = sidOf(await res.text());
    const fields = { sid, rating: '5', text: 'Kind nurses' };
    expect((await submit(slug, fields)).status).toBe(200);
    const again = await submit(slug, fields);
    expect(again.status).toBe(200);
    expect(again.headers.get('set-cookie')).toBeNull();
    expect(await Review.countDocuments({ campaignId: id })).toBe(1);
    expect(await CampaignResponse.countDocuments({ campaignId: id })).toBe(1);
  });

  test('no rating or too much text: the form comes back with the error and everything typed kept', async () => {
    const { slug } = await newCampaign('Outpatient feedback from today to 31 Dec');
    const sid = sidOf(await (await page(slug)).text());
    const noRating = await submit(slug, { sid, text: 'The <b>pharmacy</b> was slow' });
    expect(noRating.status).toBe(400);
    expect(noRating.html).toContain('Please choose a rating from 1 to 5.');
    expect(noRating.html).toContain('The &lt;b&gt;pharmacy&lt;/b&gt; was slow</textarea>');
    expect(noRating.html).toContain(`value="${sid}"`);

    const long = 'a'.repeat(2001);
    const tooLong = await submit(slug, { sid, rating: '4', text: long });
    expect(tooLong.status).toBe(400);
    expect(tooLong.html).toContain('Please shorten your text to 2000 characters (it has 2001)');
    expect(tooLong.html).toContain(`${long}</textarea>`);
    expect(tooLong.html).toMatch(/value="4" required checked/);
    expect(await Review.countDocuments({})).toBe(0);
  });

  test('honeypot, oversize body and a wrong content type are refused and store nothing', async () => {
    const { slug } = await newCampaign('Outpatient feedback from today to 31 Dec');
    const bot = await submit(slug, { rating: '5', text: 'Buy cheap pills', website: 'http://spam.example' });
    expect(bot.status).toBe(400);
    expect(bot.html).toContain('This form could not be accepted. Nothing was saved.');

    const huge = await submit(slug, { rating: '5', text: 'x'.repeat(40 * 1024) });
    expect(huge.status).toBe(413);
    expect(huge.html).toContain('too much text');

    const json = await fetch(`${t.url}/f/${slug}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': nextIp() },
      body: JSON.stringify({ rating: 5 }),
    });
    expect(json.status).toBe(415);
    expect(await Review.countDocuments({})).toBe(0);
  });

  test('spam from one address is throttled (429 with Retry-After); another address still gets through', async () => {
    const { slug, id } = await newCampaign('Outpatient feedback from today to 31 Dec');
    const spammer = nextIp();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await submit(slug, { rating: '1', text: `spam ${i}` }, spammer)).status);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const throttled = await submit(slug, { rating: '1', text: 'spam again' }, spammer);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(throttled.html).toContain('Please wait a little');
    expect(await Review.countDocuments({ campaignId: id })).toBe(3);
    expect((await submit(slug, { rating: '4', text: 'fine' })).status).toBe(200);
    expect(await Review.countDocuments({ campaignId: id })).toBe(4);
  });

  test('ended, past, not yet open and unknown campaigns get friendly pages (410/404), never an error', async () => {
    const { slug, id } = await newCampaign('Outpatient feedback from today to 31 Dec');
    const ended = await say(`campaign end ${id}`);
    expect(ended).toContain('has ended');
    expect(await Audit.countDocuments({ entity: 'campaign', entityId: id, action: 'end' })).toBe(1);
    expect(await say(`campaign end ${id}`)).toBe(CAMPAIGN_MESSAGES.alreadyEnded(`<@${APPROVER}>`));

    const closed = await page(slug);
    expect(closed.status).toBe(410);
    expect(await closed.text()).toContain('This feedback page is closed');
    expect((await submit(slug, { rating: '5', text: 'late' })).status).toBe(410);

    const upcoming = await newCampaign('January survey from 1 Jan to 31 Jan');
    const soon = await page(upcoming.slug);
    expect(soon.status).toBe(404);
    expect(await soon.text()).toContain('This feedback page opens on 1 Jan 2027');

    const past = await newCampaign('Short survey from today to today');
    now = new Date('2026-12-12T06:00:00Z');
    expect((await page(past.slug)).status).toBe(410);

    const unknown = await page('no-such-campaign');
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('We could not find this feedback page');
    expect((await page('..%2F..%2Fetc')).status).toBe(404);
    expect(await Review.countDocuments({})).toBe(0);
  });

  test('two approvers ending at once: one wins, the other is told who did', async () => {
    const { id } = await newCampaign('Outpatient feedback from today to 31 Dec');
    // The other approver's decision already claimed (as two instances racing would): this one loses and says so.
    await tryClaim(`campaign-end:${id}`, `other-instance:U0OTHER`);
    expect(await say(`campaign end ${id}`)).toBe(CAMPAIGN_MESSAGES.alreadyEnded('<@U0OTHER>'));
    expect(await Audit.countDocuments({ entity: 'campaign', action: 'end' })).toBe(0);
  });

  test('markup in a campaign name and in answers is escaped in Slack', async () => {
    const { id, slug, reply } = await newCampaign(
      '"<!channel> survey <https://evil.example|click>" from today to 31 Dec',
    );
    expect(reply).toContain('&lt;!channel&gt; survey &lt;https://evil.example|click&gt;');
    expect(reply).not.toContain('<!channel>');
    await submit(slug, { rating: '1', text: '<!here> <@U0BOSS> call me <https://evil.example|now>' });
    await digestJob.run({ ctx: t.ctx, client: t.smx.app.client });
    const digest = visibleText(slack.channelMessages(DIGEST)[0] as unknown as Record<string, unknown>);
    expect(digest).toContain('&lt;!here&gt; &lt;@U0BOSS&gt; call me &lt;https://evil.example|now&gt;');
    expect(digest).not.toContain('<!here>');
    const results = await say(`campaign ${id}`);
    expect(results).not.toContain('<!channel>');
    // The page escapes it as HTML.
    const html = await submit(slug, { text: '<script>alert(1)</script>' });
    expect(html.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html.html).not.toContain('<script>');
  });

  test('qr uploads a print-ready PNG and an SVG of the page URL with the hospital name', async () => {
    const { id, slug } = await newCampaign('December discharge feedback from today to 31 Dec lang hi');
    const reply = await say(`campaign qr ${id}`, STAFF);
    expect(reply).toContain(`Uploaded the QR poster of *${id}*`);
    const uploads = [...slack.uploads.values()];
    const png = uploads.find((u) => u.filename.endsWith('.png'));
    const svg = uploads.find((u) => u.filename.endsWith('.svg'));
    expect(png && pngSize(png.bytes)).toEqual({ width: POSTER_PNG_WIDTH, height: 1748 });
    const svgText = svg?.bytes.toString('utf8') ?? '';
    expect(svgText).toContain(`${PUBLIC_URL}/f/${slug}`);
    expect(svgText).toContain('City Hospital');
    expect(svgText).toContain('Tell us how we did');
    expect(svgText).toContain('हमें बताएँ हमने कैसा किया');
    const complete = slack.callsOf('files.completeUploadExternal').pop();
    expect(complete?.args.channel_id).toBe('C0DESK');
  });

  test('post drafts a "tell us how we did" post with the link and required tags, through approval', async () => {
    expect(await say('tags require #CityHospital')).toContain('CityHospital');
    const { id, slug } = await newCampaign('December discharge feedback from today to 31 Dec');
    const reply = await say(`campaign post ${id} tomorrow 10am`, STAFF);
    expect(reply).toMatch(/Post \*P[A-Z0-9]{5}\* to Facebook is waiting for approval/);
    const post = await Post.findOne({}).lean();
    expect(post?.text).toBe(
      `Were you with us at City Hospital recently? Tell us how we did — it takes a minute, no sign-up and no names: ${PUBLIC_URL}/f/${slug} #CityHospital`,
    );
    expect(post).toMatchObject({ status: 'pending_approval', authorId: STAFF, targets: ['facebook'] });
    expect(slack.channelMessages(APPROVALS)).toHaveLength(1);

    await say(`campaign end ${id}`);
    expect(await say(`campaign post ${id}`, STAFF)).toContain('no longer takes answers');
  });
});
