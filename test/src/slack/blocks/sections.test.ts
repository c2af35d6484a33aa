import fc from 'fast-check';
import { mrkdwnSections, SECTION_TEXT_LIMIT } from '../../../../src/slack/blocks/sections';

const texts = (lines: string[]) =>
  mrkdwnSections(lines).map((b) => (b.text?.type === 'mrkdwn' ? b.text.text : ''));

describe('mrkdwnSections', () => {
  it('gives no sections for no lines and one section for a short list', () => {
    expect(mrkdwnSections([])).toEqual([]);
    expect(texts(['a', 'b'])).toEqual(['a\nb']);
  });

  it('splits exactly where the joined text would pass the limit', () => {
    const a = 'a'.repeat(SECTION_TEXT_LIMIT - 10);
    expect(texts([a, 'b'.repeat(9)])).toEqual([`${a}\n${'b'.repeat(9)}`]);
    expect(texts([a, 'b'.repeat(10)])).toEqual([a, 'b'.repeat(10)]);
  });

  it('keeps every line, in order, and no section over the limit unless one line alone is longer', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.string({ maxLength: 1200 }).filter((s) => s !== ''),
          { maxLength: 30 },
        ),
        (lines) => {
          const out = texts(lines);
          expect(out.join('\n')).toBe(lines.join('\n'));
          for (const t of out) {
            if (t.length > SECTION_TEXT_LIMIT) expect(lines).toContain(t);
          }
        },
      ),
    );
  });
});
