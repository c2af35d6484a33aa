import fc from 'fast-check';
import { type CsvEvent, CsvRecordReader, UNBALANCED_QUOTE } from '../../../src/services/csv-records';

const HEADER = ['external_id', 'rating', 'text', 'author', 'url', 'posted_at', 'facility'];

function readAll(text: string): CsvEvent[] {
  const reader = new CsvRecordReader();
  const out: CsvEvent[] = [];
  let first = true;
  for (const line of text.split('\n')) {
    for (const ev of reader.push(line)) {
      if (first && ev.kind === 'record') {
        reader.columns = ev.fields.length;
        first = false;
        continue;
      }
      out.push(ev);
    }
  }
  out.push(...reader.end());
  return out;
}

/** RFC 4180 quoting: a field with a comma, quote or line break is quoted, quotes doubled. */
const csvField = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

describe('CsvRecordReader', () => {
  test('an unbalanced quote is rejected with its line; the rows after it are read normally', () => {
    const events = readAll(
      [
        HEADER.join(','),
        'M1,5,"fine, really",Asha,,,',
        'M2,1,"unterminated review, with a comma,Ravi,,,',
        'M3,4,good,,,,',
        'M4,2,"Waited',
        'four hours",,,,',
        'M5,3,"quoted ""word""",,,,',
      ].join('\n'),
    );
    expect(events).toEqual([
      { kind: 'record', line: 2, fields: ['M1', '5', 'fine, really', 'Asha', '', '', ''] },
      { kind: 'rejected', line: 3, reason: UNBALANCED_QUOTE },
      { kind: 'record', line: 4, fields: ['M3', '4', 'good', '', '', '', ''] },
      { kind: 'record', line: 5, fields: ['M4', '2', 'Waited\nfour hours', '', '', '', ''] },
      { kind: 'record', line: 7, fields: ['M5', '3', 'quoted "word"', '', '', '', ''] },
    ]);
  });

  test('a quote open at the end of the file rejects only its line', () => {
    const events = readAll(`${HEADER.join(',')}\nM1,5,ok,,,,\nM2,4,"never closed\n`);
    expect(events).toEqual([
      { kind: 'record', line: 2, fields: ['M1', '5', 'ok', '', '', '', ''] },
      { kind: 'rejected', line: 3, reason: UNBALANCED_QUOTE },
    ]);
  });

  // Texts with at most one comma, so that no line inside a quoted text can pass for a whole row by itself (the
  // last line of a text carries the row's four remaining delimiters: 1 + 4 + 1 = 6 fields, never the header's 7).
  const text = fc
    .array(fc.constantFrom('a', 'b', ' ', '"', '\n', 'é', '😀', '.', 'x', ','), {
      minLength: 0,
      maxLength: 40,
    })
    .map((chars) => {
      const t = chars.join('');
      const i = t.indexOf(',');
      return i < 0 ? t : t.slice(0, i + 1) + t.slice(i + 1).replace(/,/g, ';');
    });
  const row = fc.record({ text, broken: fc.boolean(), brokenText: fc.stringMatching(/^[a-z ,]{0,30}$/) });

  test('property: random CSVs with broken quotes never lose a good row silently nor invent one', () => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 25 }), (rows) => {
        const lines = [HEADER.join(',')];
        const expected: Array<{ line: number; good: boolean; fields: string[] }> = [];
        rows.forEach((r, i) => {
          const id = `R${i}`;
          const line = lines.length + 1;
          if (r.broken) {
            lines.push(`${id},3,"${r.brokenText},author,,,`);
            expected.push({ line, good: false, fields: [] });
          } else {
            const fields = [id, '4', r.text, 'author', '', '', ''];
            const serialised = fields.map(csvField).join(',');
            lines.push(...serialised.split('\n'));
            expected.push({ line, good: true, fields });
          }
        });
        const events = readAll(lines.join('\n'));
        // Counts add up: one answer per row of the file.
        expect(events).toHaveLength(rows.length);
        events.forEach((ev, i) => {
          const want = expected[i];
          expect(ev.line).toBe(want?.line);
          if (want?.good) expect(ev).toEqual({ kind: 'record', line: want.line, fields: want.fields });
          else expect(ev.kind).toBe('rejected');
        });
      }),
      { numRuns: 300 },
    );
  });
});
