/** Runs `bin/smx.js` (the real CLI) as a child process and collects what it printed and its exit code. */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

export const SMX_BIN = path.join(__dirname, '..', '..', 'bin', 'smx.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Written to the child's stdin, which is then closed; without it stdin is ignored. */
  stdin?: string;
  /** Told about the child as soon as it exists (for cleanup after a failed test). */
  onSpawn?: (child: ChildProcess) => void;
}

export function runSmx(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SMX_BIN, ...args], {
      ...(opts.cwd ? { cwd: opts.cwd } : {}),
      env: { PATH: process.env.PATH ?? '', ...opts.env },
      stdio: [opts.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    opts.onSpawn?.(child);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    if (opts.stdin !== undefined) child.stdin?.end(opts.stdin);
  });
}
