import { SmxError } from '../../../src/errors';
import { exampleAbsolute, fromPickers, parseWhen } from '../../../src/services/when';
import { formatLocal } from '../../../src/slack/time';

const TZ = 'Asia/Kolkata';
/** Tue 24 Nov 2026, 10:00 IST. */
const NOW = new Date('2026-11-24T04:30:00.000Z');

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof SmxError) return err.userMessage;
    throw err;
  }
  throw new Error('expected an error');
}

describe('parseWhen', () => {
  test.each([
    ['now', '2026-11-24T04:30:00.000Z'],
    ['in 2 hours', '2026-11-24T06:30:00.000Z'],
    ['tomorrow 9am', '2026-11-25T03:30:00.000Z'],
    ['9am tomorrow', '2026-11-25T03:30:00.000Z'],
    ['next monday 10:30', '2026-11-30T05:00:00.000Z'],
    ['2026-12-01 09:00', '2026-12-01T03:30:00.000Z'],
    ['tomorrow at 9am', '2026-11-25T03:30:00.000Z'],
  ])('%s', (input, iso) => {
    expect(parseWhen(input, NOW, TZ).at.toISOString()).toBe(iso);
  });

  test('now is flagged as publish-on-approval', () => {
    expect(parseWhen('now', NOW, TZ).now).toBe(true);
    expect(parseWhen('in 2 hours', NOW, TZ).now).toBe(false);
  });

  test('a misspelling is suggested back with a ready-made absolute example', () => {
    expect(message(() => parseWhen('tomorow 9am', NOW, TZ))).toBe(
      "I couldn't read 'tomorow 9am' as a time — try 'tomorrow 9am' or '2026-11-25 09:00'. Nothing was scheduled.",
    );
    expect(message(() => parseWhen('nxt monday 10:30', NOW, TZ))).toContain("try 'next monday 10:30'");
    expect(exampleAbsolute(NOW, TZ)).toBe('2026-11-25 09:00');
  });

  test('past, too far, and no time of day', () => {
    expect(message(() => parseWhen('yesterday 9am', NOW, TZ))).toContain('which is already past');
    expect(message(() => parseWhen('2027-12-01 09:00', NOW, TZ))).toContain('more than a year ahead');
    expect(message(() => parseWhen('friday', NOW, TZ))).toContain("'friday' has no time of day");
  });

  test('wall-clock time is kept across a daylight-saving change', () => {
    // London moves from GMT to BST on 29 Mar 2026; 09:00 on 30 Mar is 08:00Z, not 09:00Z.
    const now = new Date('2026-03-20T12:00:00.000Z');
    expect(parseWhen('2026-03-30 09:00', now, 'Europe/London').at.toISOString()).toBe(
      '2026-03-30T08:00:00.000Z',
    );
  });

  test('numeric dates follow the hospital date order; the year is named when it is not this one', () => {
    expect(parseWhen('05/12 9am', NOW, TZ, 'dmy').at.toISOString()).toBe('2026-12-05T03:30:00.000Z');
    expect(parseWhen('05/12 9am', NOW, 'America/New_York', 'mdy').at.toISOString()).toBe(
      '2027-05-12T13:00:00.000Z',
    );
    // Ambiguous 05/06 is read day/month: 5 June, next year (already past this year).
    expect(parseWhen('05/06 9am', NOW, TZ, 'dmy').at.toISOString()).toBe('2027-06-05T03:30:00.000Z');
    expect(formatLocal(new Date('2027-06-05T03:30:00.000Z'), TZ, NOW)).toBe('Sat 5 Jun 2027, 09:00 IST');
    expect(formatLocal(new Date('2026-12-05T03:30:00.000Z'), TZ, NOW)).toBe('Sat 5 Dec, 09:00 IST');
  });

  test('day after tomorrow', () => {
    expect(parseWhen('day after tomorrow 9am', NOW, TZ).at.toISOString()).toBe('2026-11-26T03:30:00.000Z');
    expect(parseWhen('the day after tomorrow at 10:30', NOW, TZ).at.toISOString()).toBe(
      '2026-11-26T05:00:00.000Z',
    );
  });

  test('the one-year limit is named with its year', () => {
    expect(message(() => parseWhen('2027-12-01 09:00', NOW, TZ))).toBe(
      "'2027-12-01 09:00' is Wed 1 Dec 2027, 09:00 IST, more than a year ahead — smx schedules up to Wed 24 Nov 2027, 10:00 IST. Nothing was scheduled.",
    );
  });

  test('the modal pickers go through the same checks', () => {
    expect(fromPickers('2026-11-26', '10:30', NOW, TZ).at.toISOString()).toBe('2026-11-26T05:00:00.000Z');
    expect(message(() => fromPickers('2026-11-23', '10:30', NOW, TZ))).toContain('already past');
  });
});
