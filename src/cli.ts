/**
 * `npx smx <command>`: command-line tools next to the Slack app: `import` and `phi-check`. Exit codes, the same for
 * every command (scripts and cron rely on them): 0 ok, 1 findings or failures (`import`: the input could not be used —
 * missing or unreadable file, a CSV without the columns, bad configuration, no database — while rejected rows alone
 * still exit 0; `phi-check`: at least one draft was flagged or a line could not be read), 2 a usage error (unknown
 * command or option, missing --source …).
 */
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import pino from 'pino';
import { type Config, readToolConfig } from './config';
import { connectDatabase } from './db';
import { SmxError } from './errors';
import { REDACT_PATHS } from './logger';
import { resolveFacility } from './services/facilities';
import { COLUMNS, checkImportArgs, ImportInputError, ImportUsageError, importFile } from './services/import';
import { unescapeSlack } from './slack/text';

export const EXIT = { ok: 0, findings: 1, input: 1, usage: 2 } as const;

export const USAGE = `Usage: npx smx import <file.csv|file.json> --source <name> [--facility <name> [--new-facility]]
       npx smx phi-check [--json] < drafts.txt

Imports reviews from a site with no API (mouthshut.com, Practo, Justdial…).
  --source     the site's name, stored on every item (lowercase, e.g. mouthshut)
  --facility   facility for rows without a facility column (one smx knows: configured or on stored reviews)
  --new-facility  the --facility named is new to smx (its first import); without it an unknown name is refused
Columns (CSV header line, or keys of each JSON item): ${COLUMNS.join(', ')}
  external_id is required and unique per source; text or rating (1–5) is required; posted_at is ISO 8601.
Importing the same file again inserts nothing.

phi-check reads one reply draft per line on stdin and prints one JSON object per line:
  {"text": …, "unsafe": true|false, "findings": [{"kind", "match", "why"}]}
  --json      each input line is {"text": …, "reviewer": …} (the reviewer's name as given on the review)
  --post      check as a post draft instead of a reply
SMX_PATIENT_RELATIONS_CONTACT and the facility names are allowed, as in Slack.

Exit codes (every command): 0 ok, 1 findings or failures (phi-check: a draft was flagged or a line unreadable;
import: the file could not be used — rejected rows alone exit 0), 2 usage error.`;

/** Only files bigger than this get a progress bar (and only on a terminal). */
const PROGRESS_MIN_BYTES = 256 * 1024;

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  stderrIsTty: boolean;
}

const defaultIo: Io = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  stderrIsTty: Boolean(process.stderr.isTTY),
};

async function runImport(args: string[], io: Io): Promise<number> {
  let parsed: ReturnType<typeof parseImportArgs>;
  try {
    parsed = parseImportArgs(args);
  } catch (err) {
    // node:util parseArgs throws a TypeError for unknown options and missing option values.
    const usage = err instanceof ImportUsageError || err instanceof TypeError;
    io.err(`smx import: ${(err as Error).message}\n${usage ? '' : 'Nothing was imported.\n'}\n${USAGE}\n`);
    return usage ? EXIT.usage : EXIT.input;
  }
  const configResult = readToolConfig();
  if (!configResult.ok) {
    io.err(
      `smx import: the configuration has problems:\n${configResult.problems.map((p) => `  - ${p}\n`).join('')}Nothing was imported.\n`,
    );
    return EXIT.input;
  }
  const config = configResult.config;
  // Logs go to stderr so that stdout holds only the import's report.
  const logger = pino(
    { level: 'warn', base: { app: 'smx-import' }, redact: { paths: REDACT_PATHS, censor: '[redacted]' } },
    pino.destination(2),
  );
  let db: Awaited<ReturnType<typeof connectDatabase>>;
  try {
    db = await connectDatabase(config, logger);
  } catch (err) {
    io.err(`smx import: can't reach the database: ${(err as Error).message}\nNothing was imported.\n`);
    return EXIT.input;
  }
  try {
    // A facility smx knows is checked (and spelled as stored); one it has never seen needs --new-facility, so a typo
    // never becomes a facility of its own while a first import for a new clinic is still possible.
    if (parsed.facility !== undefined && !parsed.newFacility) {
      try {
        parsed.facility = await resolveFacility(
          config,
          parsed.facility,
          `npx smx import ${path.basename(parsed.file)} --source ${parsed.source}`,
        );
      } catch (err) {
        if (!(err instanceof SmxError)) throw err;
        io.err(
          `smx import: ${unescapeSlack(err.message).replace(/ Nothing was changed\.$/, '')}\nIf '${parsed.facility}' is a new facility, add --new-facility.\nNothing was imported.\n`,
        );
        return EXIT.input;
      }
    }
    const bar =
      io.stderrIsTty && parsed.size >= PROGRESS_MIN_BYTES
        ? new SingleBar({
            format: 'importing [{bar}] {percentage}% | {rows} rows | {rate} rows/s | {eta_formatted} left',
            stream: process.stderr,
            etaBuffer: 50,
          })
        : undefined;
    const started = Date.now();
    bar?.start(parsed.size, 0, { rows: 0, rate: 0 });
    const result = await importFile(
      parsed.file,
      {
        source: parsed.source,
        facility: parsed.facility,
        onProgress: (done, _total, rows) => bar?.update(done, progressPayload(rows, Date.now() - started)),
      },
      { now: () => new Date(), config },
    );
    bar?.stop();
    const name = path.basename(parsed.file);
    io.out(
      `Imported ${name} as source "${parsed.source}": ${result.inserted} inserted, ${result.duplicate + result.updated} duplicate, ${result.rejected.length} rejected.\n`,
    );
    if (result.rejected.length > 0) {
      io.out('Rejected:\n');
      for (const r of result.rejected) io.out(`  ${r.where}: ${r.reason}\n`);
    }
    return EXIT.ok;
  } catch (err) {
    if (err instanceof ImportInputError || (err as { cause?: unknown }).cause instanceof ImportInputError) {
      io.err(`smx import: ${(err as Error).message}\nNothing was imported.\n\n${USAGE}\n`);
      return EXIT.input;
    }
    throw err;
  } finally {
    await db.close();
  }
}

/** The figures next to the bar: rows read and rows per second so far (time left comes from the bytes read). */
export function progressPayload(rows: number, elapsedMs: number): { rows: number; rate: number } {
  return { rows, rate: elapsedMs > 0 ? Math.round((rows * 1000) / elapsedMs) : 0 };
}

function parseImportArgs(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      source: { type: 'string' },
      facility: { type: 'string' },
      'new-facility': { type: 'boolean' },
    },
  });
  if (positionals.length > 1)
    throw new ImportUsageError(`import takes one file; got ${positionals.join(', ')}`);
  const { file, source } = checkImportArgs(positionals[0], values.source);
  const facility = values.facility?.trim() || undefined;
  const newFacility = values['new-facility'] === true;
  if (newFacility && !facility) throw new ImportUsageError('--new-facility needs --facility <name>');
  return { file, source, facility, newFacility, size: fs.statSync(file).size };
}

type PhiGuard = Pick<typeof import('./services/phi'), 'checkPhi'> &
  Pick<typeof import('./services/phi-config'), 'checkDraft'>;

/** One result line of `phi-check`; a line that is not valid `--json` input says so instead of stopping the run. */
function phiLine(
  guard: PhiGuard,
  line: string,
  json: boolean,
  mode: 'reply' | 'post',
  config: Config | undefined,
): { json: string; flagged: boolean } {
  let text = line;
  let reviewer: string | null = null;
  if (json) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      parsed = undefined;
    }
    const o = parsed as { text?: unknown; reviewer?: unknown } | undefined;
    if (typeof o?.text !== 'string') {
      return {
        json: JSON.stringify({ text: line, error: 'not a JSON object with a "text" string' }),
        flagged: true,
      };
    }
    text = o.text;
    reviewer = typeof o.reviewer === 'string' ? o.reviewer : null;
  }
  const result = config
    ? guard.checkDraft(config, text, mode, reviewer)
    : guard.checkPhi(text, { mode, reviewer });
  return {
    json: JSON.stringify({
      text,
      unsafe: result.unsafe,
      findings: result.findings.map(({ kind, match, why }) => ({ kind, match, why })),
    }),
    flagged: result.unsafe,
  };
}

async function runPhiCheck(args: string[], io: Io, input: NodeJS.ReadableStream): Promise<number> {
  let values: { json?: boolean; post?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: { json: { type: 'boolean' }, post: { type: 'boolean' } },
    }));
  } catch (err) {
    io.err(`smx phi-check: ${(err as Error).message}\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  const configResult = readToolConfig();
  const config = configResult.ok ? configResult.config : undefined;
  const mode = values.post ? 'post' : 'reply';
  // Loaded here, not at the top: the detector's word lists and NLP model would slow every other command's start.
  // require, not import(): under tsx a dynamic import() takes Node's ESM resolver, which refuses the directory module.
  const guard: PhiGuard = {
    ...(require('./services/phi') as typeof import('./services/phi')),
    ...(require('./services/phi-config') as typeof import('./services/phi-config')),
  };
  const lines = readline.createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let findings = false;
  for await (const raw of lines) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') continue;
    const result = phiLine(guard, line, values.json === true, mode, config);
    findings ||= result.flagged;
    io.out(`${result.json}\n`);
  }
  return findings ? EXIT.findings : EXIT.ok;
}

/** Runs a command line (without `node smx`); resolves with the exit code. */
export async function main(
  argv: string[],
  io: Io = defaultIo,
  input: NodeJS.ReadableStream = process.stdin,
): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'import') return runImport(rest, io);
  if (command === 'phi-check') return runPhiCheck(rest, io, input);
  if (command === 'help' || command === '--help' || command === '-h') {
    io.out(`${USAGE}\n`);
    return 0;
  }
  if (command === undefined) {
    io.err(`${USAGE}\n`);
    return EXIT.usage;
  }
  io.err(`smx: unknown command '${command}'.\n\n${USAGE}\n`);
  return EXIT.usage;
}
