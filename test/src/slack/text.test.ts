import { helpMessage } from '../../../src/slack/blocks/help';
import { codeOutside, escapeMrkdwn, quoteOutside, truncate, unescapeSlack } from '../../../src/slack/text';
import { formatLocal, localDay, localWeek, slackDate } from '../../../src/slack/time';
import { blockProblems } from '../../fakes/block-kit';

describe('outside text', () => {
  test('escaping neutralises mentions and links', () => {
    expect(escapeMrkdwn('<!channel> & <@U1|boss> <http://x|y>')).toBe(
      '&lt;!channel&gt; &amp; &lt;@U1|boss&gt; &lt;http://x|y&gt;',
    );
    expect(unescapeSlack('&lt;!here&gt; &amp;amp;')).toBe('<!here> &amp;');
  });
  test('truncation counts characters, not UTF-16 units, and marks the cut', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('😀😀😀', 3)).toBe('😀😀😀');
    expect(truncate('😀😀😀😀', 3)).toBe('😀😀…');
  });
  test('control characters are flattened and backticks cannot end a code span', () => {
    expect(quoteOutside('a\u0000\nb')).toBe('a b');
    expect(codeOutside('x`y')).toBe("`x'y`");
  });
});

describe('time in the hospital zone', () => {
  const d = new Date('2026-12-02T03:30:00Z');
  test('formats with the zone named', () => {
    expect(formatLocal(d, 'Asia/Kolkata')).toBe('Wed 2 Dec, 09:00 IST');
    expect(formatLocal(d, 'UTC')).toBe('Wed 2 Dec, 03:30 UTC');
  });
  test('day and week keys are local', () => {
    expect(localDay(new Date('2026-11-30T20:00:00Z'), 'Asia/Kolkata')).toBe('2026-12-01');
    expect(localWeek(new Date('2026-11-30T20:00:00Z'), 'Asia/Kolkata')).toBe('2026-W49');
  });
  test('slack date token carries a readable fallback', () => {
    expect(slackDate(d, 'Asia/Kolkata')).toBe(
      `<!date^${d.getTime() / 1000}^{date_short_pretty} {time}|Wed 2 Dec, 09:00 IST>`,
    );
  });
});

describe('help builder', () => {
  test('stays within Block Kit limits however many entries, with a text fallback', () => {
    const entries = Array.from({ length: 120 }, (_, i) => ({
      name: `cmd${i}`,
      summary: 'Does a thing with <b> & more '.repeat(3),
      example: `/smx cmd${i} arg`,
    }));
    const msg = helpMessage(entries);
    expect(blockProblems(msg.blocks, 50)).toEqual([]);
    expect(msg.text).toContain('/smx cmd119');
    expect(JSON.stringify(msg.blocks)).not.toContain('<b>');
  });
});
