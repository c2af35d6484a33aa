/** Runs `npx smx phi-check` for real (bin/smx.js as a child process), drafts on stdin, JSON lines on stdout. */
import { runSmx } from '../support/cli';

const run = (args: string[], stdin: string, env: Record<string, string> = {}) =>
  runSmx(['phi-check', ...args], { stdin, env });

const lines = (s: string) =>
  s
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { text: string; unsafe?: boolean; findings?: unknown[]; error?: string });

describe('npx smx phi-check', () => {
  test('one JSON object per draft line, exit 1 when a draft is flagged; the configured contact is never flagged', async () => {
    const r = await run(
      [],
      'Sorry about your knee surgery, Priya\n\nThank you for your feedback. Please call +91 80 4000 1234.\n',
      { SMX_PATIENT_RELATIONS_CONTACT: '+91 80 4000 1234, care@cityhospital.example' },
    );
    expect(r.code).toBe(1);
    const out = lines(r.stdout);
    expect(out).toEqual([
      {
        text: 'Sorry about your knee surgery, Priya',
        unsafe: true,
        findings: [
          { kind: 'health', match: 'knee surgery', why: expect.stringContaining('health detail') },
          { kind: 'name', match: 'Priya', why: expect.stringContaining('name') },
        ],
      },
      { text: 'Thank you for your feedback. Please call +91 80 4000 1234.', unsafe: false, findings: [] },
    ]);
  }, 30_000);

  test('--json lines carry the reviewer; a broken line is reported and the rest still checked', async () => {
    const r = await run(
      ['--json'],
      `${JSON.stringify({ text: 'Thanks a lot, hank!', reviewer: '@healthy_hank' })}\nnot json\n${JSON.stringify({ text: 'Thank you for the five stars.' })}\n`,
    );
    expect(r.code).toBe(1);
    const out = lines(r.stdout);
    expect(out[0]).toEqual({
      text: 'Thanks a lot, hank!',
      unsafe: true,
      findings: [{ kind: 'name', match: 'hank', why: expect.stringContaining('reviewer') }],
    });
    expect(out[1]).toEqual({ text: 'not json', error: expect.stringContaining('JSON') });
    expect(out[2]).toEqual({ text: 'Thank you for the five stars.', unsafe: false, findings: [] });
  }, 30_000);

  test('exit 0 when every draft is safe, 2 on a usage error (as import)', async () => {
    const safe = await run([], 'Thank you for the five stars.\nWe are glad the visit went well.\n');
    expect(safe.code).toBe(0);
    expect(lines(safe.stdout).map((l) => l.unsafe)).toEqual([false, false]);
    const usage = await run(['--jsn'], 'Thank you.\n');
    expect(usage.code).toBe(2);
    expect(usage.stdout).toBe('');
    expect(usage.stderr).toContain("Unknown option '--jsn'");
    expect(usage.stderr).toContain('Usage: npx smx');
  }, 30_000);
});
