/** Runs `npx smx phi-check` for real (bin/smx.js as a child process), drafts on stdin, JSON lines on stdout. */
import { spawn } from 'node:child_process';
import path from 'node:path';

const BIN = path.join(__dirname, '..', '..', 'bin', 'smx.js');

function run(args: string[], stdin: string, env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'phi-check', ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

const lines = (s: string) =>
  s
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { text: string; unsafe?: boolean; findings?: unknown[]; error?: string });

describe('npx smx phi-check', () => {
  test('one JSON object per draft line, exit 0; the configured contact is never flagged', async () => {
    const r = await run(
      [],
      'Sorry about your knee surgery, Priya\n\nThank you for your feedback. Please call +91 80 4000 1234.\n',
      { SMX_PATIENT_RELATIONS_CONTACT: '+91 80 4000 1234, care@cityhospital.example' },
    );
    expect(r.code).toBe(0);
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
    expect(r.code).toBe(0);
    const out = lines(r.stdout);
    expect(out[0]).toEqual({
      text: 'Thanks a lot, hank!',
      unsafe: true,
      findings: [{ kind: 'name', match: 'hank', why: expect.stringContaining('reviewer') }],
    });
    expect(out[1]).toEqual({ text: 'not json', error: expect.stringContaining('JSON') });
    expect(out[2]).toEqual({ text: 'Thank you for the five stars.', unsafe: false, findings: [] });
  }, 30_000);
});
