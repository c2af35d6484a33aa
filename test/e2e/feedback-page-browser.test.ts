/**
 * The feedback page in a real headless browser: Debian's Chromium driven by playwright-core (the system binary; no browser download),
 * at phone size, filled in and sent with taps, the thank-you page, the item in the digest inbox, axe-core's
 * accessibility check with no violations, and screenshots kept in test-artifacts/ (gitignored).
 * Skipped, saying so, only where no Chromium is installed (`.ci/run` installs it).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { Campaign } from '../../models/campaign';
import { DigestInbox } from '../../models/digest-inbox';
import { startTestApp, type TestApp, visibleText } from '../support/app';
import { useTestDatabase } from '../support/db';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) =>
  existsSync(p),
);
const ARTIFACTS = path.resolve(__dirname, '../../test-artifacts');
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const PHONE = { width: 360, height: 740 };

if (!CHROMIUM) {
  console.warn(
    'feedback page browser test SKIPPED: no Chromium found (/usr/bin/chromium). Install it with `apt-get install -y chromium`; .ci/run does.',
  );
}
const describeWithBrowser = CHROMIUM ? describe : describe.skip;

interface AxeResult {
  violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown }> }>;
  passes: number;
}

/** axe-core in the page (evaluated over the DevTools protocol, so the page's CSP stays as it is). */
async function axe(page: Page): Promise<AxeResult> {
  await page.evaluate(AXE_SOURCE);
  // A string, run in the page: the test's TypeScript has no DOM types.
  return page.evaluate(`(async () => {
    const r = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    });
    return {
      violations: r.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })),
      })),
      passes: r.passes.length,
    };
  })()`) as Promise<AxeResult>;
}

describeWithBrowser('the feedback page in a real browser (Chromium, phone size)', () => {
  const db = useTestDatabase();
  let t: TestApp;
  let browser: Browser;
  let slug = '';

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    t = await startTestApp({
      db: db(),
      env: {
        SMX_APPROVERS: 'U0BOSS',
        SMX_HOSPITAL_NAME: 'City Hospital',
        SMX_PUBLIC_URL: 'https://feedback.city-hospital.example',
        SMX_GOOGLE_REVIEW_URL: 'https://g.page/r/city-hospital/review',
        SMX_FACEBOOK_REVIEW_URL: 'https://www.facebook.com/CityHospital/reviews',
        SMX_FACILITY_CHANNELS: 'North Clinic=C0NORTH',
      },
    });
    const { responses } = await t.command(
      'campaign new December discharge feedback North Clinic from today to 31 Dec goal 10% lang hi',
      { user: 'U0BOSS' },
    );
    const id = /Campaign \*(F[A-Z0-9]{4})\*/.exec(visibleText(responses[0]?.body))?.[1];
    slug = (await Campaign.findOne({ shortId: id }).lean())?.slug ?? '';
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  async function phonePage(width = PHONE.width): Promise<{ page: Page; problems: string[] }> {
    const context = await browser.newContext({
      viewport: { width, height: PHONE.height },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    const problems: string[] = [];
    // CSP violations and script errors show up here; the page must load cleanly under its own policy.
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(String(e)));
    return { page, problems };
  }

  test('a phone opens the page, taps 2 stars, writes, sends: thank-you page, item in the digest inbox, 0 axe violations', async () => {
    expect(slug).not.toBe('');
    const { page, problems } = await phonePage();
    const res = await page.goto(`${t.url}/f/${slug}`, { waitUntil: 'load' });
    expect(res?.status()).toBe(200);
    expect(await page.textContent('h1')).toBe('How was your visit to North Clinic?');
    // Readable at phone width: nothing wider than the screen, rating choices are large tap targets.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    const box = await page.locator('label.rating').first().boundingBox();
    expect(box?.height).toBeGreaterThanOrEqual(44);
    const formCheck = await axe(page);
    expect(formCheck.violations).toEqual([]);
    // axe really looked: labels, contrast, landmarks, lang … were checked and passed.
    expect(formCheck.passes).toBeGreaterThan(15);

    await page.tap('input[name="rating"][value="2"]');
    await page.locator('#text').pressSequentially('long wait at billing');
    await page.screenshot({ path: path.join(ARTIFACTS, 'feedback-page-filled.png'), fullPage: true });
    await Promise.all([
      // The form posts to its own URL, so waiting for the URL would not wait at all: wait for the POST's answer.
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`/f/${slug}`)),
      page.tap('button[type="submit"]'),
    ]);
    await page.waitForLoadState('load');

    expect(await page.textContent('h1')).toBe('Thank you!');
    const links = await page.$$eval('a.button', (as) => as.map((a) => a.getAttribute('href')));
    expect(links).toEqual([
      'https://g.page/r/city-hospital/review',
      'https://www.facebook.com/CityHospital/reviews',
    ]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'feedback-page-thanks.png'), fullPage: true });
    expect((await axe(page)).violations).toEqual([]);
    expect(problems).toEqual([]);
    expect(await page.context().cookies()).toEqual([]);

    const item = await DigestInbox.findOne({ campaignName: 'December discharge feedback' }).lean();
    expect(item).toMatchObject({
      source: 'feedback',
      facility: 'North Clinic',
      rating: 2,
      text: 'long wait at billing',
      sentiment: 'negative',
    });
    await page.context().close();
  });

  test('the Hindi page at 320 px: no horizontal scrolling, 0 axe violations; sending without a rating keeps the text', async () => {
    const { page, problems } = await phonePage(320);
    await page.goto(`${t.url}/f/${slug}`, { waitUntil: 'load' });
    await Promise.all([
      page.waitForURL('**?lang=hi', { waitUntil: 'load' }),
      page.tap('nav a[hreflang="hi"]'),
    ]);
    expect(await page.$eval('html', (h) => h.getAttribute('lang'))).toBe('hi');
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(320);
    expect((await axe(page)).violations).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'feedback-page-hindi-320.png'), fullPage: true });

    // The browser itself insists on a rating (required radio): the form is not sent and the text stays.
    await page.locator('#text').fill('बहुत अच्छा');
    await page.tap('button[type="submit"]');
    expect(page.url()).toMatch(/\?lang=hi$/);
    expect(await page.locator('#text').inputValue()).toBe('बहुत अच्छा');
    expect(
      await page.evaluate('document.querySelector(\'input[name="rating"]\').validity.valueMissing'),
    ).toBe(true);
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
