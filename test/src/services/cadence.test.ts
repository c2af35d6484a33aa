import { judgeCadence } from '../../../src/services/cadence';

const goal = { min: 2, max: 3 };

test('a complete period is judged by posts per week, as shown to 0.1', () => {
  expect(judgeCadence(2, goal, 7, false).verdict).toBe('on');
  expect(judgeCadence(1, goal, 7, false).verdict).toBe('below');
  expect(judgeCadence(4, goal, 7, false).verdict).toBe('above');
  // 30 days, 4 posts against 3 a week: 0.9 a week
  expect(judgeCadence(4, { min: 3, max: 3 }, 30, false)).toMatchObject({ verdict: 'below' });
  expect(judgeCadence(4, { min: 3, max: 3 }, 30, false).perWeek).toBeCloseTo(0.93, 2);
});

test('a partial period is judged against what was due so far, in whole posts', () => {
  // 1 Dec: 1 of 31 days, 2/7–3/7 due: 0 or 1 post is on plan; one post is not "7 a week, above plan".
  expect(judgeCadence(1, goal, 1, true)).toMatchObject({ verdict: 'on' });
  expect(judgeCadence(0, goal, 1, true)).toMatchObject({ verdict: 'on' });
  expect(judgeCadence(2, goal, 1, true)).toMatchObject({ verdict: 'above' });
  // 15 Dec: 15 days, 4.3–6.4 due: 4 to 7 posts on plan
  const j = judgeCadence(4, goal, 15, true);
  expect(j.verdict).toBe('on');
  expect(j.dueMin).toBeCloseTo(30 / 7, 10);
  expect(j.dueMax).toBeCloseTo(45 / 7, 10);
  expect(judgeCadence(3, goal, 15, true).verdict).toBe('below');
  expect(judgeCadence(8, goal, 15, true).verdict).toBe('above');
  // 14 days: exactly 4–6 due, no rounding slack lost to floating point
  expect(judgeCadence(4, goal, 14, true).verdict).toBe('on');
  expect(judgeCadence(3, goal, 14, true).verdict).toBe('below');
  expect(judgeCadence(7, goal, 14, true).verdict).toBe('above');
});
