import { loadConfig } from '../../src/config';

const base = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' };
const YT = {
  YOUTUBE_CLIENT_ID: 'id',
  YOUTUBE_CLIENT_SECRET: 'secret',
  YOUTUBE_REFRESH_TOKEN: 'refresh',
  YOUTUBE_CHANNEL_ID: 'UCabcdefghijklmnopqrstuv',
};

function problems(env: Record<string, string>): string {
  const r = loadConfig({ ...base, ...env });
  return r.ok ? '' : r.problems.join('\n');
}

describe('config: YouTube, Flickr and the plan nudge', () => {
  test('off when unset; the nudge goes with the weekly report by default', () => {
    const r = loadConfig(base);
    if (!r.ok) throw new Error(r.problems.join('\n'));
    expect(r.config.youtube).toBeUndefined();
    expect(r.config.flickr).toBeUndefined();
    expect(r.config.plan.nudgeCron).toBe(r.config.metrics.reportCron);
  });

  test('complete groups turn them on with the documented defaults', () => {
    const r = loadConfig({
      ...base,
      ...YT,
      FLICKR_API_KEY: 'k',
      FLICKR_USER_ID: '1@N01',
      SMX_PLAN_CRON: '0 10 * * 5',
    });
    if (!r.ok) throw new Error(r.problems.join('\n'));
    expect(r.config.youtube).toMatchObject({
      apiUrl: 'https://www.googleapis.com/youtube/v3',
      tokenUrl: 'https://oauth2.googleapis.com/token',
      dailyQuota: 10_000,
      quotaReserve: 1_000,
    });
    expect(r.config.flickr).toMatchObject({
      apiUrl: 'https://api.flickr.com/services/rest',
      userId: '1@N01',
    });
    expect(r.config.plan.nudgeCron).toBe('0 10 * * 5');
  });

  test('partial, malformed or inconsistent settings are each reported with how to fix them', () => {
    expect(problems({ YOUTUBE_CLIENT_ID: 'id' })).toMatch(
      /YouTube is partly configured: YOUTUBE_CLIENT_SECRET, YOUTUBE_REFRESH_TOKEN, YOUTUBE_CHANNEL_ID are missing/,
    );
    expect(problems({ ...YT, YOUTUBE_CHANNEL_ID: 'cityhospital' })).toMatch(
      /YOUTUBE_CHANNEL_ID must be a channel id starting with UC/,
    );
    expect(problems({ ...YT, YOUTUBE_DAILY_QUOTA: '500', YOUTUBE_QUOTA_RESERVE: '500' })).toMatch(
      /must be smaller than YOUTUBE_DAILY_QUOTA/,
    );
    expect(problems({ YOUTUBE_DAILY_QUOTA: 'lots' })).toMatch(/YOUTUBE_DAILY_QUOTA must be a whole number/);
    expect(problems({ FLICKR_USER_ID: '1@N01' })).toMatch(
      /Flickr is partly configured: FLICKR_API_KEY is missing/,
    );
    expect(problems({ SMX_PLAN_CRON: 'mondays' })).toMatch(/SMX_PLAN_CRON is not a valid cron expression/);
    expect(problems({ FLICKR_API_URL: 'ftp://x' })).toMatch(/FLICKR_API_URL must be an http\(s\) URL/);
  });
});
