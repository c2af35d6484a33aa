/**
 * A bench's forked child process, driven by messages: each `ask` sends one message and resolves with the child's next
 * answer (answers come in order, one per message). A child that exits with an error code ends the bench, since its
 * figures would be missing. Used by bench:ack (bench/ack-app.ts) and bench:commands (bench/commands-app.ts).
 */
import { type ChildProcess, fork } from 'node:child_process';

/** Every child still running: killed when the bench exits, on an error too, so none is left holding the terminal. */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of running) c.kill();
});

export class ForkedChild<To, From> {
  private waiting: Array<(m: From) => void> = [];

  constructor(
    readonly label: string,
    private readonly child: ChildProcess,
  ) {
    child.on('message', (m: From) => this.waiting.shift()?.(m));
    running.add(child);
    child.on('exit', (code) => {
      running.delete(child);
      if (code) {
        console.error(`the ${label} process exited with ${code}`);
        process.exit(1);
      }
    });
  }

  /** Forks `script` with `args`; `execArgv` defaults to this process's (tsx's loader). */
  static fork<To, From>(
    label: string,
    script: string,
    args: string[],
    opts: { env?: NodeJS.ProcessEnv; execArgv?: string[] } = {},
  ): ForkedChild<To, From> {
    const child = fork(script, args, {
      ...(opts.env ? { env: opts.env } : {}),
      execArgv: opts.execArgv ?? process.execArgv,
    });
    return new ForkedChild<To, From>(label, child);
  }

  /** The child's next message. */
  next(): Promise<From> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  async ask(m: To): Promise<From> {
    const answer = this.next();
    this.child.send(m as never);
    return answer;
  }
}
