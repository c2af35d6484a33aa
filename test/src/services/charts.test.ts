import { pngSize, postsCadenceChart, ratingVolumeChart } from '../../../src/services/charts';
import type { WeeklySeries } from '../../../src/services/metrics';

const weeks = ['2026-W45', '2026-W46', '2026-W47', '2026-W48'];

test('charts render real PNGs of sane size even with no data, and the alt text says so', async () => {
  const empty: WeeklySeries = {
    weeks,
    reviews: weeks.map((week) => ({ week, count: 0, avgRating: null })),
    posts: [],
    cadence: {},
    lastWeek: { days: 7, partial: false },
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
    lastWeek: { days: 7, partial: false },
  };
  expect((await ratingVolumeChart(series)).altText).toBe(
    'Reviews and feedback per week over 4 weeks; in week W48: 7, down from 8; average rating 4.3, up from 4.2.',
  );
  expect((await postsCadenceChart(series)).altText).toBe(
    'Posts per week over 4 weeks; in week W48: Facebook 1 (goal 1–2, on plan); X 4 (goal 3, above plan).',
  );
});

test('a week still running is judged against what was due so far, as the metrics text judges it', async () => {
  // Tue 1 Dec: week W49 has run 2 days; 1 post against 2–3 a week (0.6–0.9 due) is on plan, not "below plan".
  const series: WeeklySeries = {
    weeks: ['2026-W48', '2026-W49'],
    reviews: [],
    posts: [
      { week: '2026-W48', target: 'x', count: 2 },
      { week: '2026-W49', target: 'x', count: 1 },
      { week: '2026-W48', target: 'facebook', count: 0 },
      { week: '2026-W49', target: 'facebook', count: 3 },
    ],
    cadence: { x: { min: 2, max: 3 }, facebook: { min: 1, max: 1 } },
    lastWeek: { days: 2, partial: true },
  };
  expect((await postsCadenceChart(series)).altText).toBe(
    'Posts per week over 2 weeks; in week W49 so far (2 of 7 days): X 1 (goal 2–3, on plan); Facebook 3 (goal 1, above plan).',
  );
});

test('pngSize rejects bytes that are not a PNG', () => {
  expect(pngSize(Buffer.from('<svg></svg>'))).toBeNull();
  expect(pngSize(Buffer.alloc(0))).toBeNull();
});
