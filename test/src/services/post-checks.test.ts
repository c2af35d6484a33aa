import { checkPost, tagsIn } from '../../../src/services/post-checks';

const none = { topics: [], required: [] };

describe('checkPost', () => {
  test('X weighted length: links count 23, emoji double', () => {
    expect(checkPost('a'.repeat(280), ['x'], none).errors).toEqual([]);
    expect(checkPost('a'.repeat(281), ['x'], none).errors[0]).toContain('Too long for X: 281/280');
    expect(checkPost('😀'.repeat(140), ['x'], none).errors).toEqual([]);
    expect(checkPost('😀'.repeat(141), ['x'], none).errors[0]).toContain('282/280');
    expect(
      checkPost(`${'a'.repeat(256)} https://example.com/${'p'.repeat(500)}`, ['x'], none).errors,
    ).toEqual([]);
  });

  test('Facebook allows 63,206 characters; X limits do not apply to Facebook-only posts', () => {
    expect(checkPost('a'.repeat(63_206), ['facebook'], none).errors).toEqual([]);
    expect(checkPost('a'.repeat(63_207), ['facebook'], none).errors[0]).toContain('Too long for Facebook');
  });

  test('the tag guideline warns, naming the tags to add', () => {
    const g = {
      topics: [{ topic: 'flu', tags: ['FluSeason', 'GetVaccinated'] }],
      required: ['CityHospital'],
    };
    const r = checkPost('Flu shots today #fluseason', ['x'], g);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([
      'Missing required tag: add #CityHospital',
      "Mentions 'flu': add #GetVaccinated",
    ]);
    expect(checkPost('Influencers welcome #CityHospital', ['x'], g).warnings).toEqual([]);
    expect(checkPost('#Flu shots #CityHospital #FluSeason #GetVaccinated', ['x'], g).passed).toContain(
      'Tags follow the guideline',
    );
  });

  test('tagsIn ignores HTML entities and mid-word hashes', () => {
    expect([...tagsIn('a #One b&#39;c x#Two #três')]).toEqual(['one', 'três']);
  });
});
