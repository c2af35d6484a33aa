/**
 * The embedded database when MONGODB_URI is unset: one server per SMX_DATA_DIR, run by the process that holds the
 * data dir's lock (lock.ts); every other smx or `npx smx import` on that dir joins it. The owner restarts a server
 * that died, with backoff, on the same address, so every connected driver reconnects by itself. A joined process
 * watches the owner and, when it goes away, takes the lock and starts the server itself (again on the same
 * address when it can), so /healthz recovers without a restart.
 */
import fs from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { ensureFerretdbBinary, type RunningServer, startFerretdb } from './ferretdb';
import { isAlive, type OwnerLock, readLock, tryAcquire } from './lock';
import { chooseEmbeddedKind, startMongod } from './mongod';

export type EmbeddedKind = 'ferretdb' | 'mongodb-memory-server';

export interface Announcement {
  kind: EmbeddedKind;
  uri: string;
  address: string;
  location: string;
  ownerPid: number;
  ownerStart?: string;
  serverPid: number | undefined;
}

const ANNOUNCEMENT = 'embedded-server.json';
const WATCH_MS = 1000;
const SAME_ADDRESS_TRIES = 10;
const BACKOFF_MS = [250, 500, 1000, 2000, 4000, 8000];
/** A server that stayed up this long resets the backoff. */
const STABLE_MS = 30000;
/** How long a joiner waits for an owner that is still starting (a first run may build FerretDB for minutes). */
const OWNER_START_WAIT_MS = 15 * 60 * 1000;

export function readAnnouncement(dataDir: string): Announcement | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dataDir, ANNOUNCEMENT), 'utf8')) as Announcement;
  } catch {
    return undefined;
  }
}

function announce(dataDir: string, a: Announcement): void {
  const file = path.join(dataDir, ANNOUNCEMENT);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(a));
  fs.renameSync(tmp, file); // readers never see half a file
}

function forget(dataDir: string): void {
  if (readAnnouncement(dataDir)?.ownerPid === process.pid)
    fs.rmSync(path.join(dataDir, ANNOUNCEMENT), { force: true });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** True while `pid` runs our database server (checked by its command line where /proc exists). */
function serverRunning(pid: number): boolean {
  if (!isAlive({ pid })) return false;
  try {
    const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return /smx-ferretdb|mongod/.test(cmd);
  } catch {
    return !fs.existsSync('/proc/self'); // no /proc: trust the pid
  }
}

async function endOrphan(pid: number | undefined, logger: Logger): Promise<void> {
  if (!pid) return;
  for (const [signal, waitMs] of [
    [null, 5000],
    ['SIGTERM', 3000],
    ['SIGKILL', 2000],
  ] as const) {
    if (!serverRunning(pid)) return;
    if (signal) {
      logger.warn({ pid, signal }, 'the previous owner left its database server running; stopping it');
      try {
        process.kill(pid, signal);
      } catch {
        return;
      }
    }
    for (const until = Date.now() + waitMs; Date.now() < until && serverRunning(pid); ) await sleep(50);
  }
}

export interface EmbeddedEvents {
  /** The server moved to another address: the caller reconnects its driver. */
  onUri(uri: string): Promise<void>;
}

/**
 * Owner or joiner of the embedded server of one data dir. `begin()` resolves with the URI to connect to;
 * `close()` stops watching and, when owning, stops the server and releases the lock.
 */
export class EmbeddedNode {
  role: 'owner' | 'joined' = 'joined';
  kind: EmbeddedKind = 'ferretdb';
  location = '';
  /** Why this kind of database runs, for the start-up line. */
  why = '';
  uri = '';
  private lock: OwnerLock | undefined;
  private server: RunningServer | undefined;
  private closing = false;
  private restarting = false;
  private watcher: NodeJS.Timeout | undefined;
  private events: EmbeddedEvents | undefined;

  constructor(
    private readonly config: Config,
    private readonly logger: Logger,
  ) {}

  get dataDir(): string {
    return this.config.dataDir;
  }

  async begin(): Promise<string> {
    const deadline = Date.now() + OWNER_START_WAIT_MS;
    for (;;) {
      const lock = tryAcquire(this.dataDir);
      if (lock) {
        try {
          await this.own(lock, undefined);
        } catch (err) {
          lock.release();
          throw err;
        }
        return this.uri;
      }
      const owner = readLock(this.dataDir);
      const a = readAnnouncement(this.dataDir);
      if (owner && a && a.ownerPid === owner.pid && a.ownerStart === owner.start) {
        this.join(a);
        return this.uri;
      }
      // The owner is still starting its server (or just died): look again shortly.
      if (Date.now() > deadline) {
        throw new Error(
          `process ${owner?.pid ?? '?'} holds ${this.dataDir} but has not started its database; stop it or remove ${path.join(this.dataDir, 'owner.lock')}`,
        );
      }
      await sleep(200);
    }
  }

  /** Starts watching (joined) and reacting to a dead server (owner). */
  watch(events: EmbeddedEvents): void {
    this.events = events;
    this.watcher = setInterval(() => void this.tick(), WATCH_MS);
    this.watcher.unref();
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.watcher) clearInterval(this.watcher);
    if (this.role === 'owner') {
      forget(this.dataDir);
      await this.server?.stop();
      this.lock?.release();
    }
  }

  private join(a: Announcement): void {
    this.role = 'joined';
    this.kind = a.kind;
    this.location = a.location;
    this.uri = a.uri;
    this.why = `already run by process ${a.ownerPid}`;
  }

  /** Becomes the owner: a fresh one picks the kind of database; a takeover keeps the kind and address it found. */
  private async own(lock: OwnerLock, takeover: Announcement | undefined): Promise<void> {
    this.lock = lock;
    this.role = 'owner';
    if (takeover) {
      this.kind = takeover.kind;
      this.why = `taken over from process ${takeover.ownerPid}, which stopped`;
      // Never two servers on the same files: the dead owner's server stops by itself (its stdin closed); wait for
      // that, and end it if it lingers.
      await endOrphan(takeover.serverPid, this.logger);
    } else {
      const choice = await chooseEmbeddedKind(this.config, this.logger);
      this.kind = choice.kind;
      this.why = choice.why;
    }
    this.location = path.join(this.dataDir, this.kind === 'ferretdb' ? 'ferretdb' : 'mongodb');
    await this.startServer(takeover?.address);
  }

  private async startOnce(address: string | undefined): Promise<RunningServer> {
    if (this.kind === 'mongodb-memory-server') return startMongod(this.location, this.logger, address);
    const bin = this.config.ferretdbBin ?? (await ensureFerretdbBinary(this.logger));
    return startFerretdb(bin, this.location, this.logger, {
      ...(address ? { listenAddr: address } : {}),
      goEnv: this.config.ferretdbGoEnv,
      nice: this.config.ferretdbNice,
    });
  }

  /**
   * Starts the server, preferring `address` (so every connected driver reconnects by itself; a server that just died
   * may hold it for a moment, hence the retries), and announces where it is.
   */
  private async startServer(address: string | undefined): Promise<void> {
    let server: RunningServer | undefined;
    for (let i = 0; address && !server && i < SAME_ADDRESS_TRIES; i++) {
      try {
        server = await this.startOnce(address);
      } catch (err) {
        if (i === SAME_ADDRESS_TRIES - 1) {
          this.logger.warn(
            { address, reason: (err as Error).message.split('\n')[0] },
            'embedded database: its address stays taken; starting it on another port',
          );
        } else await sleep(200);
      }
    }
    server ??= await this.startOnce(undefined);
    this.server = server;
    const moved = this.uri !== '' && server.uri !== this.uri;
    this.uri = server.uri;
    const owner = this.lock?.info;
    announce(this.dataDir, {
      kind: this.kind,
      uri: server.uri,
      address: server.address,
      location: this.location,
      ownerPid: process.pid,
      ...(owner?.start ? { ownerStart: owner.start } : {}),
      serverPid: server.pid,
    });
    const startedAt = Date.now();
    server.onExit((code, signal) => void this.restart(code, signal, startedAt));
    if (moved) await this.events?.onUri(server.uri);
  }

  private async restart(
    code: number | null,
    signal: string | null,
    startedAt: number,
    attempt = 0,
  ): Promise<void> {
    if (this.closing || this.restarting) return;
    this.restarting = true;
    try {
      let n = Date.now() - startedAt > STABLE_MS ? 0 : attempt;
      for (;;) {
        if (this.closing) return;
        const delay = BACKOFF_MS[Math.min(n, BACKOFF_MS.length - 1)] as number;
        this.logger.warn(
          { database: this.kind, code, signal, attempt: n + 1, retryInMs: delay },
          `embedded database stopped unexpectedly; restarting it in ${delay} ms`,
        );
        await sleep(delay);
        if (this.closing) return;
        try {
          await this.startServer(this.server?.address);
          this.logger.info(
            { database: this.kind, uri: this.uri, attempt: n + 1 },
            'embedded database restarted',
          );
          return;
        } catch (err) {
          this.logger.warn(
            { reason: (err as Error).message.split('\n')[0] },
            'embedded database did not restart',
          );
          n += 1;
        }
      }
    } finally {
      this.restarting = false;
    }
  }

  /** Joined: take over when the owner is gone, follow the server when it moved. */
  private async tick(): Promise<void> {
    if (this.closing || this.role === 'owner' || this.restarting) return;
    const owner = readLock(this.dataDir);
    if (owner && isAlive(owner)) {
      const a = readAnnouncement(this.dataDir);
      if (a && a.ownerPid === owner.pid && a.uri !== this.uri) {
        this.logger.info({ uri: a.uri, ownerPid: a.ownerPid }, 'embedded database moved; reconnecting');
        this.uri = a.uri;
        await this.events?.onUri(a.uri);
      }
      return;
    }
    const lock = tryAcquire(this.dataDir);
    if (!lock) return; // another joiner is taking over; the next tick follows its announcement
    this.restarting = true;
    try {
      const previous = readAnnouncement(this.dataDir);
      this.logger.warn(
        { previousOwner: owner?.pid ?? previous?.ownerPid },
        'the process that ran the embedded database is gone; this process takes it over',
      );
      await this.own(
        lock,
        previous ?? {
          kind: this.kind,
          uri: this.uri,
          address: '',
          location: this.location,
          ownerPid: 0,
          serverPid: undefined,
        },
      );
    } catch (err) {
      this.logger.error({ err }, 'could not take over the embedded database');
      lock.release();
      this.role = 'joined';
    } finally {
      this.restarting = false;
    }
  }
}

/** Reconnects the default mongoose connection to a new URI (the embedded server moved to another port). */
export async function reconnect(uri: string, options: mongoose.ConnectOptions): Promise<void> {
  await mongoose.disconnect();
  await mongoose.connect(uri, options);
}
