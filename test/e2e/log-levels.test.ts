/**
 * Log levels: a user's typo or a refusal is normal use, logged at info without a stack; only a fault of smx itself is
 * logged at error, carrying the reference the user was shown.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { logFailure, MESSAGES, SmxError } from '../../src/errors';
import { startTestApp, type TestApp, visibleText } from '../support/app';
import { useTestDatabase } from '../support/db';

interface Line {
  level: number;
  msg: string;
  err?: { stack?: string };
  ref?: string;
  code?: string;
  command?: string;
  subcommand?: string;
  user?: string;
}

function capture(): { logger: pino.Logger; lines: Line[] } {
  const lines: Line[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n')) if (l.trim() !== '') lines.push(JSON.parse(l) as Line);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

test('logFailure: refusals at info without a stack, faults at error with the reference', () => {
  const { logger, lines } = capture();
  logFailure(
    logger,
    new SmxError('BAD_INPUT', 'Try `/smx schedule tomorrow 9am | text`.'),
    'subcommand failed',
  );
  logFailure(logger, new SmxError('NOT_ALLOWED', 'Only approvers may approve.'), 'button failed');
  const fault = logFailure(
    logger,
    new TypeError("Cannot read properties of undefined (reading 'x')"),
    'button failed',
  );
  expect(lines.map((l) => [l.level, l.code])).toEqual([
    [30, 'BAD_INPUT'],
    [30, 'NOT_ALLOWED'],
    [50, 'INTERNAL'],
  ]);
  expect(JSON.stringify(lines.slice(0, 2))).not.toContain('stack');
  expect(lines[2]?.err?.stack).toContain('TypeError');
  expect(lines[2]?.ref).toBe(fault.ref);
  expect(fault.message).toBe(MESSAGES.internal(fault.ref as string));
});

describe('a sitting of normal use with mistakes', () => {
  const db = useTestDatabase();
  let t: TestApp;
  const { logger, lines } = capture();

  beforeAll(async () => {
    t = await startTestApp({
      db: db(),
      env: { SMX_APPROVERS: 'U0BOSS', SMX_APPROVALS_CHANNEL: 'C0APPROVALS' },
    });
    t.ctx.logger = logger;
  });
  afterAll(async () => {
    await t.stop();
  });

  test('typos and refusals produce no error-level lines and no stacks', async () => {
    for (const text of [
      'schedule whenever | hello',
      'cancel NOPE1',
      'reschedule',
      'goals set cadence facebook lots',
      'visits many',
      'audit',
    ]) {
      const { responses } = await t.command(text);
      expect(visibleText(responses[0]?.body)).not.toBe('');
    }
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
    const failed = lines.filter((l) => l.level === 30 && l.msg === 'subcommand failed');
    expect(failed.length).toBeGreaterThan(0);
    // Each line says which command, subcommand and user (the child logger, made only when something is logged).
    for (const l of failed) {
      expect(l.command).toBe('smx');
      expect(['schedule', 'cancel', 'reschedule', 'goals', 'visits', 'audit']).toContain(l.subcommand);
      expect(l.user).toMatch(/^U/);
    }
    expect(JSON.stringify(lines)).not.toContain('"stack"');
  });
});
