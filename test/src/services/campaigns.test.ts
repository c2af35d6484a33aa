import { formPage, messagePage, thanksPage } from '../../../src/http/feedback-page-html';
import { campaignPostText } from '../../../src/services/campaign-post';
import type { CampaignResults } from '../../../src/services/campaign-results';
import {
  CAMPAIGN_MESSAGES,
  type CampaignView,
  campaignState,
  parseNewCampaign,
  slugPart,
} from '../../../src/services/campaigns';
import { campaignResultLines } from '../../../src/slack/blocks/campaigns';

// Thu 10 Dec 2026, 11:30 in Asia/Kolkata.
const NOW = new Date('2026-12-10T06:00:00Z');
const CFG = { timezone: 'Asia/Kolkata', dateOrder: 'dmy' as const };
const FACILITIES = ['North Clinic', 'City Hospital', 'North Clinic Annex'];

const campaign = (over: Partial<CampaignView> = {}): CampaignView => ({
  shortId: 'F7K2Q',
  slug: 'december-discharge-feedback-f7k2q',
  name: 'December discharge feedback',
  facility: 'North Clinic',
  fromDay: '2026-12-01',
  toDay: '2026-12-31',
  goalPercent: 10,
  language: null,
  createdBy: 'U0BOSS',
  createdAt: NOW,
  endedBy: null,
  endedAt: null,
  ...over,
});

describe('parseNewCampaign', () => {
  test('name, a known facility at the end, the window, goal and language', () => {
    expect(
      parseNewCampaign(
        'December discharge feedback North Clinic from 1 Dec to 31 Dec goal 10% lang hindi',
        NOW,
        CFG,
        FACILITIES,
      ),
    ).toEqual({
      name: 'December discharge feedback',
      facility: 'North Clinic',
      fromDay: '2026-12-01',
      toDay: '2026-12-31',
      goalPercent: 10,
      language: 'hi',
    });
  });

  test('the longest known facility wins; "at"/"for" before it is dropped; case follows the known name', () => {
    const p = parseNewCampaign(
      'Wound care survey at north clinic annex from today to 20 Dec',
      NOW,
      CFG,
      FACILITIES,
    );
    expect(p).toMatchObject({
      name: 'Wound care survey',
      facility: 'North Clinic Annex',
      fromDay: '2026-12-10',
    });
  });

  test('quotes for an unknown facility; without one the whole hospital', () => {
    expect(
      parseNewCampaign('"Ward 3 survey" "Ward 3" from today to 31 Dec', NOW, CFG, FACILITIES),
    ).toMatchObject({
      name: 'Ward 3 survey',
      facility: 'Ward 3',
      goalPercent: undefined,
    });
    expect(parseNewCampaign('Flu week from today to 20 Dec', NOW, CFG, FACILITIES).facility).toBeNull();
  });

  test('a window across the new year ends in January of the next year; numeric dates follow the date order', () => {
    expect(parseNewCampaign('Holiday survey from 20 Dec to 5 Jan', NOW, CFG, [])).toMatchObject({
      fromDay: '2026-12-20',
      toDay: '2027-01-05',
    });
    expect(parseNewCampaign('Survey from 05/12 to 20/12', NOW, CFG, [])).toMatchObject({
      fromDay: '2026-12-05',
      toDay: '2026-12-20',
    });
    expect(
      parseNewCampaign('Survey from 12/05 to 12/20', NOW, { ...CFG, dateOrder: 'mdy' }, []),
    ).toMatchObject({ fromDay: '2026-12-05', toDay: '2026-12-20' });
  });

  test.each([
    ['Flu week', CAMPAIGN_MESSAGES.newUsage('dmy')],
    ['Flu week from someday to 20 Dec', CAMPAIGN_MESSAGES.badDate('start', 'someday', 'dmy')],
    ['Flu week from 2026-12-20 to 2026-12-12', CAMPAIGN_MESSAGES.endBeforeStart],
    ['Flu week from 2026-11-01 to 2026-11-30', CAMPAIGN_MESSAGES.alreadyOver('2026-11-30')],
    ['Flu week from 2026-12-01 to 2028-12-31', CAMPAIGN_MESSAGES.tooLong],
    ['Fl from today to 20 Dec', CAMPAIGN_MESSAGES.badName],
    ['Flu week from today to 20 Dec goal 150%', CAMPAIGN_MESSAGES.badGoal],
    ['Flu week from today to 20 Dec lang klingon', CAMPAIGN_MESSAGES.badLanguage('klingon')],
    ['"Flu week" "a.b" from today to 20 Dec', CAMPAIGN_MESSAGES.badFacility],
  ])('%s → refused with what to write', (input, message) => {
    expect(() => parseNewCampaign(input, NOW, CFG, FACILITIES)).toThrow(message);
  });
});

describe('campaign state and slug', () => {
  test('upcoming, open, over, ended', () => {
    expect(campaignState(campaign(), '2026-11-30')).toBe('upcoming');
    expect(campaignState(campaign(), '2026-12-01')).toBe('open');
    expect(campaignState(campaign(), '2026-12-31')).toBe('open');
    expect(campaignState(campaign(), '2027-01-01')).toBe('over');
    expect(campaignState(campaign({ endedAt: NOW, endedBy: 'U0BOSS' }), '2026-12-10')).toBe('ended');
  });

  test('slugs are short ASCII: accents folded, everything else a dash', () => {
    expect(slugPart('Décembre — sortie <b>!</b>')).toBe('decembre-sortie-b-b');
    expect(slugPart('बिलिंग')).toBe('');
    expect(slugPart('x'.repeat(60))).toHaveLength(40);
  });
});

describe('builders', () => {
  const results = (over: Partial<CampaignResults> = {}): CampaignResults => ({
    campaign: campaign(),
    state: 'open',
    responses: 12,
    rated: 12,
    avgRating: 3.5,
    negatives: 3,
    shareNegative: 0.25,
    counted: { fromDay: '2026-12-01', toDay: '2026-12-10' },
    rate: { available: true, visits: 300, rate: 4, prorated: true },
    ...over,
  });

  test('result lines: responses, average, negative share, rate against visits, progress toward the goal', () => {
    expect(campaignResultLines(results())).toEqual([
      '*December discharge feedback* (F7K2Q) · North Clinic · 1 Dec 2026 – 31 Dec 2026 · :large_green_circle: open',
      '*12* responses · average ★★★★☆ *3.5* of 5 · :red_circle: negative *25 %* (3)',
      'Response rate: *4 %* (12 of 300 visits at North Clinic, 1 Dec 2026 – 10 Dec 2026, monthly visits prorated by day)',
      '▓▓▓▓░░░░░░ 40 % of the 10 % goal',
    ]);
  });

  test('no visits: says why and how to fix it, never a fake 0', () => {
    const lines = campaignResultLines(
      results({
        responses: 0,
        rate: { available: false, reason: 'no visits recorded for 2026-12 at <North>' },
      }),
    );
    expect(lines[1]).toBe('No responses yet.');
    expect(lines[2]).toBe(
      'Response rate: not available — no visits recorded for 2026-12 at &lt;North&gt; · goal 10 %',
    );
  });

  test('the post asks, links and carries the required tags', () => {
    expect(
      campaignPostText(campaign(), 'https://x.example/f/a', 'City Hospital', ['CityHospital', 'Care']),
    ).toBe(
      'Were you with us at North Clinic recently? Tell us how we did — it takes a minute, no sign-up and no names: https://x.example/f/a #CityHospital #Care',
    );
    expect(campaignPostText(campaign({ facility: null }), 'https://x.example/f/a', undefined, [])).toBe(
      'Were you with us recently? Tell us how we did — it takes a minute, no sign-up and no names: https://x.example/f/a',
    );
  });

  const page = {
    lang: 'en',
    languages: ['en', 'hi'],
    where: 'North <Clinic>',
    hospitalName: 'City & Co',
    action: '/f/a',
  };

  test('the form escapes everything, has no field for names or phone numbers, and a labelled control for each input', () => {
    const html = formPage(page, {
      submissionId: 'sid"><script>',
      text: '</textarea><script>x</script>',
      rating: 3,
    });
    expect(html).not.toContain('<script>');
    expect(html).toContain('How was your visit to North &lt;Clinic&gt;?');
    expect(html).toContain('<p class="org">City &amp; Co</p>');
    expect(html).toContain('&lt;/textarea&gt;&lt;script&gt;x&lt;/script&gt;</textarea>');
    expect(html).toMatch(/value="3" required checked/);
    const names = [...html.matchAll(/name="([^"]+)"/g)].map((m) => m[1]);
    expect([...new Set(names)].sort()).toEqual(
      ['referrer', 'rating', 'robots', 'sid', 'lang', 'text', 'viewport', 'website'].sort(),
    );
    expect(html).toContain('<label class="field" for="text">');
  });

  test('the thank-you page is the same whatever the rating and shows only configured links', () => {
    expect(thanksPage(page, {})).not.toContain('class="button');
    const both = thanksPage(page, { google: 'https://g.example/r?a=1&b=2', facebook: 'https://f.example' });
    expect(both).toContain('href="https://g.example/r?a=1&amp;b=2"');
    expect(both).toContain('href="https://f.example"');
    expect(messagePage({ ...page, lang: 'hi' }, 't', 'x')).toContain('<html lang="hi">');
  });
});
