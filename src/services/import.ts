/**
 * Import of reviews from sites with no API (mouthshut.com, Practo, Justdial…) from CSV or JSON files with columns
 * `external_id, rating, text, author, url, posted_at, facility`. Rows are read as a stream and stored in bulk
 * batches; a bad row is rejected with its line number and reason and never stops the good ones. Importing the same
 * file again inserts nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { z } from 'zod';
import { isApiSourceName } from '../adapters/sources';
import { CsvRecordReader } from './csv-records';
import { checkItem, externalItemSchema, MAX_TEXT } from './external-items';
import { DeskBulk } from './review-desk';
import { BATCH_SIZE, type IncomingReview, SOURCE_NAME, type StoreContext, storeItems } from './review-store';
import { compactRollups } from './rollup-compact';
import { ContributionBuffer } from './rollups';
import { recordSuccess } from './source-state';

export const COLUMNS = ['external_id', 'rating', 'text', 'author', 'url', 'posted_at', 'facility'] as const;

/** Field names in reasons are the file's column names, not ours. */
const COLUMN_OF: Record<string, string> = {
  externalId: 'external_id',
  postedAt: 'posted_at',
};

/** Imports may carry only stars (rating without text); the webhook may not. */
const importItemSchema = externalItemSchema
  .omit({ source: true })
  .extend({
    text: z.preprocess(
      (v) => (v === undefined || v === null ? '' : v),
      z.string().max(MAX_TEXT, `must be at most ${MAX_TEXT} characters`),
    ),
  })
  .refine((r) => r.text.trim() !== '' || (r.rating !== null && r.rating !== undefined), {
    message: 'needs a text or a rating',
    path: ['text'],
  });

export class ImportInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportInputError';
  }
}

/** The command line itself is wrong (a missing or malformed argument), as opposed to the file's content. */
export class ImportUsageError extends ImportInputError {
  constructor(message: string) {
    super(message);
    this.name = 'ImportUsageError';
  }
}

export interface ImportOptions {
  source: string;
  facility?: string | undefined;
  /** Called as the file is read: bytes read so far of `total`, and data rows read so far. */
  onProgress?: (done: number, total: number, rows: number) => void;
}

export interface Rejected {
  /** "line 4" for CSV, "item 3" for JSON. */
  where: string;
  reason: string;
}

export interface ImportResult {
  rows: number;
  inserted: number;
  duplicate: number;
  updated: number;
  rejected: Rejected[];
}

/** Checks the import's arguments; throws ImportInputError with a message for the person typing. */
export function checkImportArgs(
  file: string | undefined,
  source: string | undefined,
): { file: string; source: string } {
  if (!file) throw new ImportUsageError('name the file to import (CSV or JSON)');
  if (!source)
    throw new ImportUsageError(
      '--source is required: the site the reviews come from, e.g. --source mouthshut',
    );
  const s = source.trim().toLowerCase();
  if (!SOURCE_NAME.test(s)) {
    throw new ImportUsageError(
      `--source must be 1–40 lowercase letters, digits, - or _ (e.g. mouthshut); got '${source}'`,
    );
  }
  if (isApiSourceName(s)) {
    throw new ImportUsageError(
      `--source ${s} is a source smx reads itself; name the site instead (e.g. mouthshut)`,
    );
  }
  if (!fs.existsSync(file)) throw new ImportInputError(`cannot find the file ${file}`);
  if (!fs.statSync(file).isFile()) throw new ImportInputError(`${file} is not a file`);
  const ext = path.extname(file).toLowerCase();
  if (ext !== '.csv' && ext !== '.json')
    throw new ImportInputError(`${file}: only .csv and .json files can be imported`);
  return { file, source: s };
}

/** A CSV/JSON row in the shape the shared item check takes. Numbers in CSV come as text. */
function fromRow(row: Record<string, unknown>): Record<string, unknown> {
  const pick = (snake: string, camel: string) => row[snake] ?? row[camel];
  const rating = pick('rating', 'rating');
  let r: unknown = rating;
  if (typeof rating === 'string') {
    const t = rating.trim();
    r = t === '' ? undefined : /^\d+(\.0+)?$/.test(t) ? Number(t) : t;
  }
  return {
    externalId: pick('external_id', 'externalId'),
    rating: r,
    text: pick('text', 'text'),
    author: pick('author', 'author'),
    url: pick('url', 'url'),
    postedAt: pick('posted_at', 'postedAt'),
    facility: pick('facility', 'facility'),
  };
}

function reasonOf(problems: Array<{ field: string; message: string }>): string {
  return problems.map((p) => `${COLUMN_OF[p.field] ?? p.field} ${p.message}`).join('; ');
}

async function* csvRows(file: string, total: number, onProgress?: ImportOptions['onProgress']) {
  const stream = fs.createReadStream(file, { encoding: 'utf8' });
  const lines = readline.createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  const reader = new CsvRecordReader();
  let header: string[] | undefined;
  let rows = 0;
  const events = async function* () {
    for await (const line of lines) yield* reader.push(line);
    yield* reader.end();
  };
  for await (const ev of events()) {
    if (header === undefined) {
      if (ev.kind === 'rejected') throw new ImportInputError(`line ${ev.line}: the header ${ev.reason}`);
      header = ev.fields.map((h) => h.trim().toLowerCase().replace(/\s+/g, '_'));
      if (!header.includes('external_id')) {
        throw new ImportInputError(
          `the first line must name the columns and include external_id; expected ${COLUMNS.join(', ')}`,
        );
      }
      reader.columns = header.length;
      continue;
    }
    rows++;
    onProgress?.(stream.bytesRead, total, rows);
    const where = `line ${ev.line}`;
    if (ev.kind === 'rejected') {
      yield { rejected: { where, reason: ev.reason } };
    } else if (ev.fields.length !== header.length) {
      yield {
        rejected: {
          where,
          reason: `not a valid CSV row: ${ev.fields.length} fields, the header has ${header.length}`,
        },
      };
    } else {
      const cols = header;
      yield { where, row: Object.fromEntries(ev.fields.map((v, i) => [cols[i] as string, v])) };
    }
  }
  if (header === undefined)
    throw new ImportInputError('the file is empty: the first line must name the columns');
}

async function* jsonRows(file: string) {
  let body: unknown;
  try {
    body = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ImportInputError(`${file} is not valid JSON (${(err as Error).message})`);
  }
  const list = Array.isArray(body) ? body : (body as { items?: unknown })?.items;
  if (!Array.isArray(list))
    throw new ImportInputError('a JSON import must be an array of items (or {"items": [...]})');
  for (const [i, row] of list.entries()) {
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      yield { rejected: { where: `item ${i + 1}`, reason: 'must be an object' } };
    } else yield { where: `item ${i + 1}`, row: row as Record<string, unknown> };
  }
}

/** Reads, checks and stores a whole file. Throws ImportInputError when the file cannot be used at all. */
export async function importFile(
  file: string,
  opts: ImportOptions,
  ctx: StoreContext,
): Promise<ImportResult> {
  const result: ImportResult = { rows: 0, inserted: 0, duplicate: 0, updated: 0, rejected: [] };
  const total = fs.statSync(file).size;
  const now = ctx.now();
  const rows =
    path.extname(file).toLowerCase() === '.json' ? jsonRows(file) : csvRows(file, total, opts.onProgress);
  let batch: IncomingReview[] = [];
  const desk = new DeskBulk();
  // The file's roll-up contributions, one delta per key for up to a minute of batches (services/rollups.ts).
  const rollups = new ContributionBuffer(ctx.config.timezone);
  // Where each external_id was first seen in this file: a repeat is reported with both places, not stored twice.
  const firstSeen = new Map<string, string>();
  const flush = async () => {
    if (batch.length === 0) return;
    const c = await storeItems(batch, ctx, { desk, rollups });
    result.inserted += c.created;
    result.duplicate += c.duplicate;
    result.updated += c.updated;
    batch = [];
  };
  try {
    for await (const r of rows) {
      result.rows++;
      if ('rejected' in r && r.rejected) {
        result.rejected.push(r.rejected);
        continue;
      }
      if (!('row' in r) || !r.row) continue;
      const checked = checkItem(
        fromRow(r.row),
        { source: opts.source, facility: opts.facility, now },
        importItemSchema,
      );
      if (!checked.ok) {
        result.rejected.push({ where: r.where, reason: reasonOf(checked.problems) });
        continue;
      }
      const id = checked.item.externalId;
      const earlier = firstSeen.get(id);
      if (earlier !== undefined) {
        result.rejected.push({
          where: r.where,
          reason: `external_id '${id.slice(0, 80)}' is already used on ${earlier} of this file; only ${earlier} was imported`,
        });
        continue;
      }
      firstSeen.set(id, r.where);
      batch.push(checked.item);
      if (batch.length >= BATCH_SIZE) await flush();
    }
    await flush();
  } catch (err) {
    // What the stored batches added still counts; a flush that fails too loses it until the repair, like a crash.
    await rollups.flush(ctx.now()).catch(() => undefined);
    throw err;
  }
  await rollups.flush(ctx.now());
  await desk.finish();
  // Years of history make a delta per day × facility: fold them into their month documents now, so metrics read
  // them by `_id`.
  await compactRollups(ctx, 'import');
  opts.onProgress?.(total, total, result.rows);
  await recordSuccess(opts.source, now);
  return result;
}
