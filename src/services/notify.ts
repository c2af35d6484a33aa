/**
 * Slack notifications that must never hold up the work they report on (issue 15): a thread reply or card update
 * about a publish is sent in the background; the publisher waits for them only a short, bounded time at the end of
 * its tick. A call still in flight goes on (the Web API client retries it) and reports its own failure in the log
 * with the post's id; the outcome itself is already stored and shown by `/smx queue` and `/smx audit`.
 */
import type { Logger } from '../logger';

export class Notifier {
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly log: Logger) {}

  /** Starts `call` without waiting for it; a failure is logged with `ids`, never thrown. */
  send(what: string, ids: Record<string, unknown>, call: () => Promise<unknown>): void {
    const p: Promise<void> = Promise.resolve()
      .then(call)
      .then(
        () => undefined,
        (err: unknown) => {
          this.log.error({ err, ...ids, notification: what }, 'a Slack notification failed');
        },
      )
      .finally(() => {
        this.pending.delete(p);
      });
    this.pending.add(p);
  }

  /** Waits at most `ms` for what was sent so far; resolves with how many are still in flight. */
  async settle(ms: number): Promise<number> {
    if (this.pending.size === 0) return 0;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.pending]),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, ms);
      }),
    ]);
    clearTimeout(timer);
    const left = this.pending.size;
    if (left > 0) {
      this.log.warn(
        { inFlight: left, waitedMs: ms },
        'Slack is slow: notifications still in flight; they go on in the background',
      );
    }
    return left;
  }
}
