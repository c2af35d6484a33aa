/**
 * Splits CSV lines into records and refuses what it cannot read for certain. csv-parse alone, given one unbalanced
 * quote (`"unterminated…`), reads every following line into that field until some later quote happens to close it:
 * good rows vanish into one row's text. Here each record is parsed on its own (csv-parse, one record at a time), and
 * a quoted field may span lines only when the result is unambiguous:
 * - the joined lines parse strictly (no stray quotes) into exactly one record of the header's width, and
 * - none of the lines it swallowed is, on its own, a complete row with the header's number of fields, or opens a
 *   quote in the same column as the first (the same broken row shape again).
 * Otherwise the line where the quote opened is rejected ("its quotes don't balance") and reading starts again at the
 * next line, so the rows after it are read normally. Pure and synchronous: feed lines, collect events.
 */
import { CsvError, parse } from 'csv-parse/sync';

export type CsvEvent =
  | { kind: 'record'; line: number; fields: string[] }
  | { kind: 'rejected'; line: number; reason: string };

/** A quoted field longer than this (in characters, across lines) is taken as a quote that never closes. */
export const MAX_RECORD_CHARS = 20_000;

export const UNBALANCED_QUOTE =
  'its quotes don\'t balance: a field opens with " that is not closed on this line, and joining the next lines does not give one clear row (rows after it are read on their own)';

interface Line {
  no: number;
  text: string;
}

type Parsed = { ok: true; fields: string[][] } | { ok: false; open: boolean; message: string };

function tryParse(text: string, strict: boolean): Parsed {
  try {
    return {
      ok: true,
      fields: parse(text, { relax_quotes: !strict, relax_column_count: true }) as string[][],
    };
  } catch (err) {
    if (err instanceof CsvError) {
      return { ok: false, open: err.code === 'CSV_QUOTE_NOT_CLOSED', message: err.message };
    }
    throw err;
  }
}

export class CsvRecordReader {
  private pending: Line[] = [];
  private chars = 0;
  private lineNo = 0;
  /** The header's number of fields, once known; lines that alone make a full row end an open quote. */
  columns: number | undefined;

  /** One physical line, without its line ending. Returns what it completed. */
  push(text: string): CsvEvent[] {
    this.lineNo++;
    const t = this.lineNo === 1 ? text.replace(/^\uFEFF/, '') : text;
    if (this.pending.length === 0 && t.trim() === '') return [];
    this.pending.push({ no: this.lineNo, text: t });
    this.chars += t.length + 1;
    return this.drain(false);
  }

  /** The file ended: a quote still open is rejected, and the lines after it are read again on their own. */
  end(): CsvEvent[] {
    return this.drain(true);
  }

  private drain(atEnd: boolean): CsvEvent[] {
    const out: CsvEvent[] = [];
    while (this.pending.length > 0) {
      const verdict = this.judge(atEnd);
      if (verdict === 'wait') break;
      out.push(verdict.event);
      if (verdict.consumed === 'all') this.reset([]);
      else this.reset(this.pending.slice(1));
    }
    return out;
  }

  private reset(lines: Line[]): void {
    this.pending = [];
    this.chars = 0;
    // Lines after a rejected start are read again; empty ones between rows are skipped as usual.
    while (lines.length > 0 && (lines[0] as Line).text.trim() === '') lines.shift();
    this.pending = lines;
    this.chars = lines.reduce((n, l) => n + l.text.length + 1, 0);
  }

  private judge(atEnd: boolean): 'wait' | { event: CsvEvent; consumed: 'all' | 'first' } {
    const first = this.pending[0] as Line;
    const reject = (reason: string) => ({
      event: { kind: 'rejected' as const, line: first.no, reason },
      consumed: 'first' as const,
    });
    if (this.pending.length === 1) {
      const p = tryParse(first.text, false);
      if (p.ok) {
        const fields = p.fields[0] ?? [];
        return { event: { kind: 'record', line: first.no, fields }, consumed: 'all' };
      }
      if (p.open && !atEnd) return 'wait';
      if (p.open) return reject(UNBALANCED_QUOTE);
      return reject(`not a valid CSV row (${p.message})`);
    }
    // A quoted field spans lines: accept only an unambiguous reading.
    if (this.swallowsARow()) return reject(UNBALANCED_QUOTE);
    const p = tryParse(this.pending.map((l) => l.text).join('\n'), true);
    const width = p.ok ? p.fields[0]?.length : undefined;
    if (p.ok && p.fields.length === 1 && (this.columns === undefined || width === this.columns)) {
      return { event: { kind: 'record', line: first.no, fields: p.fields[0] ?? [] }, consumed: 'all' };
    }
    if (!p.ok && p.open && !atEnd && this.chars <= MAX_RECORD_CHARS) return 'wait';
    return reject(UNBALANCED_QUOTE);
  }

  /**
   * True when a line after the first is, by itself, a complete row of the header's width — or opens a quote in the
   * same column as the first line did (the same broken shape again: a new row, not the rest of a text).
   */
  private swallowsARow(): boolean {
    const openColumn = (text: string) => {
      const closed = tryParse(`${text}"`, false);
      return closed.ok && closed.fields.length === 1 ? closed.fields[0]?.length : undefined;
    };
    const firstOpen = openColumn((this.pending[0] as Line).text);
    for (let i = 1; i < this.pending.length; i++) {
      const text = (this.pending[i] as Line).text;
      const p = tryParse(text, false);
      if (p.ok && p.fields.length === 1 && this.columns !== undefined && p.fields[0]?.length === this.columns)
        return true;
      if (!p.ok && p.open && firstOpen !== undefined && openColumn(text) === firstOpen) return true;
    }
    return false;
  }
}
