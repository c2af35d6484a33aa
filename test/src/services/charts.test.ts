import { pngSize, postsCadenceChart, ratingVolumeChart } from '../../../src/services/charts';
import type { WeeklySeries } from '../../../src/services/metrics';

const weeks = ['2026-W45', '2026-W46', '2026-W47', '2026-W48'];

test('charts render real PNGs of sane size even with no data, and the alt text says so', async () => {
  const empty: WeeklySeries = {
    weeks,
    reviews: weeks.map((week) => ({ week, count: 0, avgRating: null })),
    posts: [],
    cadence: {},
  };
  for (const chart of [await ratingVolumeChart(empty), await postsCadenceChart(empty)]) {
    const size = pngSize(chart.png);
    expect(size).not.toBeNull();
    expect(size?.width).toBeGreaterThan(400);
    expect(size?.height).toBeGreaterThan(200);
    expect(chart.png.length).toBeLessThan(2_000_000);
  }
  expect((await ratingVolumeChart(empty)).altText).toBe('No reviews or feedback in these 4 weeks (W45–W48).');
  expect((await postsCadenceChart(empty)).altText).toBe('No posts published in these 4 weeks (W45–W48).');
});

test('the alt text states the finding', async () => {
  const series: WeeklySeries = {
    weeks,
    reviews: weeks.map((week, i) => ({ week, count: 10 - i, avgRating: 4 + i / 10 })),
    posts: weeks.flatMap((week) => [
      { week, target: 'facebook', count: 1 },
      { week, target: 'x', count: 4 },
    ]),
    cadence: { facebook: { min: 1, max: 2 }, x: { min: 3, max: 3 } },
  };
  expect((await ratingVolumeChart(series)).altText).toBe(
    'Reviews and feedback per week over 4 weeks; in week W48: 7, down from 8; average rating 4.3, up from 4.2.',
  );
  expect((await postsCadenceChart(series)).altText).toBe(
    'Posts per week over 4 weeks; in week W48: Facebook 1 (goal 1–2, on plan); X 4 (goal 3, above plan).',
  );
});

test('pngSize rejects bytes that are not a PNG', () => {
  expect(pngSize(Buffer.from('<svg></svg>'))).toBeNull();
  expect(pngSize(Buffer.alloc(0))).toBeNull();
});
