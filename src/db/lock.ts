/**
 * One owner per SMX_DATA_DIR: a lock file holding the owner's pid (and, on Linux, the pid's start time, so a reused
 * pid is not taken for the owner). It survives crashes: a lock whose process is gone is stale and is broken by the
 * next process that wants it. Breaking is itself guarded by an exclusive `.break` file, so two processes that find
 * the same stale lock cannot both end up owning the directory.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface LockInfo {
  pid: number;
  /** /proc/<pid>/stat start time (clock ticks since boot); undefined where /proc is missing. */
  start?: string;
  at: string;
}

export interface OwnerLock {
  info: LockInfo;
  release(): void;
}

const LOCK_FILE = 'owner.lock';
/** A lock file still empty after this long was left by a process that died while writing it. */
const HALF_WRITTEN_MS = 5000;
const STALE_BREAKER_MS = 10000;

export function lockPath(dataDir: string): string {
  return path.join(dataDir, LOCK_FILE);
}

function procStart(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime); the command name (field 2) may hold spaces, so count from its closing parenthesis.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function me(): LockInfo {
  const start = procStart(process.pid);
  return { pid: process.pid, ...(start ? { start } : {}), at: new Date().toISOString() };
}

/** True when the process that wrote `info` still runs. */
export function isAlive(info: Pick<LockInfo, 'pid' | 'start'>): boolean {
  if (!Number.isInteger(info.pid) || info.pid <= 0) return false;
  try {
    process.kill(info.pid, 0);
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const now = procStart(info.pid);
  return info.start === undefined || now === undefined || now === info.start;
}

export function readLock(dataDir: string): LockInfo | undefined {
  try {
    const v = JSON.parse(fs.readFileSync(lockPath(dataDir), 'utf8')) as LockInfo;
    return typeof v.pid === 'number' ? v : undefined;
  } catch {
    return undefined;
  }
}

function createExclusive(file: string, info: LockInfo): boolean {
  try {
    fs.writeFileSync(file, JSON.stringify(info), { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

function ageMs(file: string): number {
  try {
    return Date.now() - fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/** True when the lock file is held by a live process, or is too fresh to judge (being written). */
function held(file: string, current: LockInfo | undefined): boolean {
  if (current) return isAlive(current);
  return fs.existsSync(file) && ageMs(file) < HALF_WRITTEN_MS;
}

function handle(dataDir: string, info: LockInfo): OwnerLock {
  return {
    info,
    release() {
      const current = readLock(dataDir);
      if (current?.pid === info.pid && current.start === info.start)
        fs.rmSync(lockPath(dataDir), { force: true });
    },
  };
}

/** Takes the data dir's lock if nobody alive holds it; undefined when another live process owns it. */
export function tryAcquire(dataDir: string): OwnerLock | undefined {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = lockPath(dataDir);
  const mine = me();
  if (createExclusive(file, mine)) return handle(dataDir, mine);
  if (held(file, readLock(dataDir))) return undefined;

  // Stale: its owner died. Only the process holding the breaker may remove it.
  const breaker = `${file}.break`;
  if (!createExclusive(breaker, mine)) {
    if (ageMs(breaker) > STALE_BREAKER_MS) fs.rmSync(breaker, { force: true });
    return undefined;
  }
  try {
    if (held(file, readLock(dataDir))) return undefined;
    fs.rmSync(file, { force: true });
    return createExclusive(file, mine) ? handle(dataDir, mine) : undefined;
  } finally {
    fs.rmSync(breaker, { force: true });
  }
}
