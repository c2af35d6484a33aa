/**
 * `npm run bench:import` (issue 15, deliverable 5): a 50,000-row CSV imported into an empty database, then the same
 * file again (every row a duplicate, found by the deterministic `_id` through insert-and-catch), then 10,000 new
 * items stored the way ingest stores them. Prints rows/s, the counts and the goals. SMX_BENCH_IMPORT_ROWS changes
 * the file size.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import pino from 'pino';
import { CONNECT_OPTIONS, initModels } from '../src/db';
import { importFile } from '../src/services/import';
import { type IncomingReview, storeItems } from '../src/services/review-store';
import { benchDatabase } from './db';

const ROWS = Number(process.env.SMX_BENCH_IMPORT_ROWS ?? 50_000);
const INGEST = 10_000;
const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' });
const NOW = new Date('2026-11-24T12:00:00Z');
const ctx = { now: () => NOW, config: { timezone: 'Asia/Kolkata' } };

function writeCsv(file: string, rows: number): void {
  const out = fs.openSync(file, 'w');
  fs.writeSync(out, 'external_id,rating,text,author,url,posted_at,facility\n');
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    const rating = 1 + (i % 5);
    const day = new Date(NOW.getTime() - (i % 900) * 86_400_000 - (i % 1440) * 60_000).toISOString();
    lines.push(
      `MS-${i},${rating},"Visit ${i}: ${rating < 3 ? 'the wait was long, ""again""' : 'kind staff, clean rooms'}",Patient ${i % 97},,${day},${i % 3 === 0 ? 'North Clinic' : ''}`,
    );
    if (lines.length === 1000) {
      fs.writeSync(out, `${lines.join('\n')}\n`);
      lines.length = 0;
    }
  }
  if (lines.length > 0) fs.writeSync(out, `${lines.join('\n')}\n`);
  fs.closeSync(out);
}

const rate = (n: number, ms: number) => Math.round((n * 1000) / ms).toLocaleString('en-US');
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function main(): Promise<void> {
  const db = await benchDatabase('import', logger);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smx-bench-import-csv-'));
  console.log(`bench:import on ${db.kind}, ${os.cpus().length} CPU(s), ${ROWS.toLocaleString('en-US')} rows`);
  try {
    await mongoose.connect(db.uri, {
      ...CONNECT_OPTIONS,
      dbName: `smx_bench_import_${Date.now().toString(36)}`,
    });
    await initModels();
    const file = path.join(dir, 'mouthshut.csv');
    writeCsv(file, ROWS);

    let t0 = performance.now();
    const first = await importFile(file, { source: 'mouthshut', facility: 'City Hospital' }, ctx);
    const firstMs = performance.now() - t0;
    console.log(
      `first import:  ${secs(firstMs)}, ${rate(ROWS, firstMs)} rows/s — ${first.inserted.toLocaleString('en-US')} inserted, ${first.duplicate.toLocaleString('en-US')} duplicate, ${first.rejected.length} rejected`,
    );

    t0 = performance.now();
    const again = await importFile(file, { source: 'mouthshut', facility: 'City Hospital' }, ctx);
    const againMs = performance.now() - t0;
    console.log(
      `re-import:     ${secs(againMs)}, ${rate(ROWS, againMs)} rows/s — ${again.inserted.toLocaleString('en-US')} inserted, ${again.duplicate.toLocaleString('en-US')} duplicate, ${again.rejected.length} rejected`,
    );

    const items: IncomingReview[] = Array.from({ length: INGEST }, (_, i) => ({
      source: 'google',
      externalId: `g-${i}`,
      rating: 1 + (i % 5),
      text: i % 5 === 0 ? 'Rude at the front desk' : 'Great care',
      authorName: null,
      postedAt: new Date(NOW.getTime() - i * 60_000),
    }));
    t0 = performance.now();
    // As an ingest run stores a source's fetch: one call (review-store batches it by 500 and trims the desk once).
    const stored = (await storeItems(items, ctx)).created;
    const ingestMs = performance.now() - t0;
    console.log(
      `ingest:        ${secs(ingestMs)}, ${rate(INGEST, ingestMs)} items/s — ${stored.toLocaleString('en-US')} new items on top of ${ROWS.toLocaleString('en-US')} stored`,
    );

    console.log(
      '\nbefore (landed main, issue 15): 50,000-row first import 413 s (121 rows/s); re-import not done after 600 s',
    );
    console.log(
      `goals: first import ≥ 1,000 rows/s: ${rate(ROWS, firstMs)} rows/s ${(ROWS * 1000) / firstMs >= 1000 ? 'met' : 'NOT met'}; ` +
        `re-import < 60 s with 0 inserted: ${secs(againMs)}, ${again.inserted} inserted ${againMs < 60_000 && again.inserted === 0 ? 'met' : 'NOT met'}; ` +
        `ingest ≥ 2,000 items/s: ${rate(INGEST, ingestMs)} ${(INGEST * 1000) / ingestMs >= 2000 ? 'met' : 'NOT met'}`,
    );
    console.log(
      `load average now ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    await mongoose.connection.dropDatabase();
  } finally {
    await mongoose.disconnect();
    await db.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
