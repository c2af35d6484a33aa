import { auditVideo, correctedSnippet, YOUTUBE_TAGS_MAX } from '../../../src/services/videos';

const guideline = {
  required: ['CityHospital'],
  topics: [{ topic: 'flu', tags: ['FluSeason', 'GetVaccinated'] }],
};
const video = (description: string, tags?: string[], title = 'Flu shots this week') => ({
  id: 'v1',
  etag: 'e',
  snippet: { title, description, tags, categoryId: '27' },
});

describe('YouTube metadata audit', () => {
  test('tags count from the title, the description and the video’s own tags', () => {
    expect(
      auditVideo(video('Come in #CityHospital #FluSeason', ['GetVaccinated']), guideline).missing,
    ).toEqual([]);
    const a = auditVideo(video('Come in'), guideline);
    expect(a.missing).toEqual(['CityHospital', 'FluSeason', 'GetVaccinated']);
    expect(a.findings).toEqual([
      'missing required #CityHospital',
      "mentions 'flu' without #FluSeason #GetVaccinated",
    ]);
    expect(auditVideo(video('A tour', [], 'Our new wing'), guideline).missing).toEqual(['CityHospital']);
  });

  test('the fix appends hashtags to the description, adds tags, keeps everything else', () => {
    const s = correctedSnippet(video('Come in.', ['flu']).snippet, ['CityHospital', 'FluSeason']);
    expect(s.description).toBe('Come in.\n\n#CityHospital #FluSeason');
    expect(s.tags).toEqual(['flu', 'CityHospital', 'FluSeason']);
    expect(s.title).toBe('Flu shots this week');
    expect(s.categoryId).toBe('27');
    expect(correctedSnippet(video('').snippet, ['CityHospital']).description).toBe('#CityHospital');
  });

  test('never breaks YouTube’s 500-character tag limit', () => {
    const many = Array.from({ length: 49 }, (_, i) => `tag${String(i).padStart(6, '0')}`); // 49 × 9 + 48 commas
    const s = correctedSnippet(video('x', many).snippet, ['CityHospital']);
    expect(s.tags).toEqual(many);
    expect(s.description).toContain('#CityHospital');
    expect(many.join(',').length).toBeLessThanOrEqual(YOUTUBE_TAGS_MAX);
  });
});
