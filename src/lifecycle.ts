/**
 * Graceful shutdown: once `stopping`, jobs take no new work; what is running is awaited up to the grace period;
 * whatever is still running at the deadline records itself (`guard`) so the next start never resends blindly.
 */
export class Lifecycle {
  stopping = false;
  private readonly running = new Set<Promise<unknown>>();
  private readonly guards = new Set<() => Promise<void>>();

  /** Remembers `work` until it settles, so shutdown can wait for it. */
  track<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    const forget = () => this.running.delete(work);
    work.then(forget, forget);
    return work;
  }

  /** Runs `work`; if the process has to exit before it ends, `onAbandon` records what is known about it. */
  async guard<T>(onAbandon: () => Promise<void>, work: () => Promise<T>): Promise<T> {
    this.guards.add(onAbandon);
    try {
      return await work();
    } finally {
      this.guards.delete(onAbandon);
    }
  }

  /** Waits for tracked work (and `also`) to finish, up to `ms`; true when everything finished in time. */
  async drain(ms: number, also: Promise<unknown>[] = []): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    });
    const all = (async () => {
      await Promise.allSettled(also);
      while (this.running.size > 0) await Promise.allSettled([...this.running]);
      return true as const;
    })();
    try {
      return await Promise.race([all, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** At the deadline: every guarded piece of work still running records itself. */
  async abandon(): Promise<number> {
    const list = [...this.guards];
    await Promise.allSettled(list.map((g) => g()));
    return list.length;
  }
}
