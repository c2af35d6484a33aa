import { parseGoalChange } from '../../../src/services/goals';
import {
  median,
  monthShares,
  parseMetricsArgs,
  resolvePeriods,
  sparkline,
  sparklineBuckets,
} from '../../../src/services/metrics';
import { parseVisitsArgs } from '../../../src/services/visits';
import { progressBar, trend } from '../../../src/slack/blocks/metrics';

const TZ = 'Asia/Kolkata';
// 23:00 UTC on 30 Nov is already 1 Dec in Kolkata: periods follow the local calendar.
const LATE = new Date('2026-11-30T23:00:00Z');

describe('periods in the hospital time zone', () => {
  test('7d ends today (local) and the previous 7 days precede it', () => {
    const p = resolvePeriods('7d', LATE, TZ);
    expect(p.current).toMatchObject({ fromDay: '2026-11-25', toDay: '2026-12-01', days: 7 });
    expect(p.previous).toMatchObject({ fromDay: '2026-11-18', toDay: '2026-11-24', days: 7 });
    expect(p.current.end).toEqual(LATE);
    expect(p.current.start.toISOString()).toBe('2026-11-24T18:30:00.000Z');
  });
  test('this-month compares with the same days of last month, capped at its end', () => {
    const p = resolvePeriods('this-month', new Date('2026-03-31T06:00:00Z'), TZ);
    expect(p.current).toMatchObject({ fromDay: '2026-03-01', toDay: '2026-03-31', days: 31 });
    expect(p.previous).toMatchObject({ fromDay: '2026-02-01', toDay: '2026-02-28', days: 28 });
  });
  test('last-month and last-week are whole', () => {
    const m = resolvePeriods('last-month', LATE, TZ);
    expect(m.current).toMatchObject({ fromDay: '2026-11-01', toDay: '2026-11-30', days: 30 });
    expect(m.previous).toMatchObject({ fromDay: '2026-10-01', toDay: '2026-10-31', days: 31 });
    const w = resolvePeriods('last-week', new Date('2026-11-30T04:00:00Z'), TZ); // Mon 30 Nov
    expect(w.current).toMatchObject({ fromDay: '2026-11-23', toDay: '2026-11-29', days: 7 });
    expect(w.previous).toMatchObject({ fromDay: '2026-11-16', toDay: '2026-11-22', days: 7 });
  });
});

test('monthShares prorates by days', () => {
  expect(monthShares('2026-10-26', '2026-11-24')).toEqual([
    { month: '2026-10', share: 6 / 31 },
    { month: '2026-11', share: 24 / 30 },
  ]);
  expect(monthShares('2026-02-01', '2026-02-28')).toEqual([{ month: '2026-02', share: 1 }]);
});

test('median of odd, even and empty lists', () => {
  expect(median([5, 1, 3])).toBe(3);
  expect(median([4, 1, 3, 10])).toBe(3.5);
  expect(median([])).toBeNull();
});

test('sparkline: 7 buckets over the period, scaled to the busiest', () => {
  const perDay = new Map([
    ['2026-11-01', 2],
    ['2026-11-14', 4],
  ]);
  const b = sparklineBuckets('2026-11-01', 14, perDay);
  expect(b).toEqual([2, 0, 0, 0, 0, 0, 4]);
  expect(sparkline(b)).toBe('▅▁▁▁▁▁█');
  expect(sparklineBuckets('2026-11-01', 3, new Map())).toEqual([0, 0, 0]);
});

test('metrics arguments: period, facility and share in any order', () => {
  expect(parseMetricsArgs('')).toEqual({ period: '30d', facility: undefined, share: false });
  expect(parseMetricsArgs('share 90D North Clinic')).toEqual({
    period: '90d',
    facility: 'North Clinic',
    share: true,
  });
});

test('goal changes parse the documented forms', () => {
  expect(parseGoalChange('feedback-rate 10%')).toEqual({ key: 'feedback-rate', value: 10 });
  expect(parseGoalChange('cadence facebook 1-2/week')).toEqual({ key: 'cadence:facebook', value: 1, max: 2 });
  expect(parseGoalChange('cadence x 3/week')).toEqual({ key: 'cadence:x', value: 3, max: 3 });
  expect(parseGoalChange('response-time 24h')).toEqual({ key: 'response-time', value: 24 });
  for (const bad of ['feedback-rate 0%', 'cadence x 3-1/week', 'response-time soon', 'colour blue']) {
    expect(() => parseGoalChange(bad)).toThrow();
  }
});

test('visits arguments default to the local month', () => {
  expect(parseVisitsArgs('1200', LATE, TZ)).toEqual({ month: '2026-12', count: 1200 });
  expect(parseVisitsArgs('1,200 2026-3 City Hospital', LATE, TZ)).toEqual({
    month: '2026-03',
    count: 1200,
    facility: 'City Hospital',
  });
  expect(() => parseVisitsArgs('-5', LATE, TZ)).toThrow();
});

test('trend arrows and the progress bar', () => {
  expect(trend(5, 3, String)).toBe(' ▲ from 3');
  expect(trend(2, 3, String)).toBe(' ▼ from 3');
  expect(trend(3.01, 3, (n) => n.toFixed(1))).toBe(' = same as before');
  expect(trend(3, null, String)).toBe('');
  expect(progressBar(0.5)).toBe('▓▓▓▓▓░░░░░');
  expect(progressBar(3)).toBe('▓▓▓▓▓▓▓▓▓▓');
});
