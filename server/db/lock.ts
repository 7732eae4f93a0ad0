import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { log } from '@/server/log';

/**
 * PGlite has no lock of its own: two processes on one folder silently lose rows. So exactly one process
 * holds `engram.lock` in the folder. Invariants:
 *
 * - The file is only ever created exclusively (link of a fully written temp file, so nobody reads a torn
 *   one), and only removed by a process holding the takeover mutex after re-checking, under it, that the
 *   file is still byte for byte the one it judged abandoned. Hence N processes taking over one stale lock
 *   produce exactly one owner.
 * - The owner touches the file every heartbeat and checks its token is still there; if it is not, the
 *   lock was taken over while this process hung, and it exits at once rather than write on (self-fencing).
 * - A pid is only evidence inside one pid namespace of one boot of one kernel, so the lock records that
 *   scope (Linux: boot id + pid namespace) and the owner's start time (pid reuse). With a proven same
 *   scope, a dead pid or a different start time frees the lock at once even if its heartbeat is fresh
 *   (a SIGKILLed server restarts without waiting); with a matching start time the owner holds it even if
 *   hung past the lease. Otherwise (another host, another container, no /proc) only the heartbeat tells.
 *
 * The lease is a contract between processes (every Engram on a folder must use the same one) and assumes
 * host clocks agree to well within it when the folder is shared over the network.
 */
export class DataDirLockedError extends Error {
  constructor(
    readonly lockPath: string,
    readonly ownerPid: number,
    readonly ownerHost?: string,
    sameProcess = false,
  ) {
    const where = ownerHost === undefined || ownerHost === os.hostname() ? 'on this host' : `on host "${ownerHost}"`;
    super(
      sameProcess
        ? `The data folder is already open in this process (pid ${ownerPid}); lock file ${lockPath}. Close it before opening it again.`
        : `The data folder is in use by another Engram process (pid ${ownerPid}) ${where}; lock file ${lockPath}. ` +
            `Stop that process, or point ENGRAM_DATA_DIR at another folder. ` +
            `A lock whose owner has stopped is taken over by itself; do not delete the file while the owner runs.`,
    );
    this.name = 'DataDirLockedError';
  }
}

export type DataDirLock = { path: string; release: () => void };

export type DataDirLockOptions = {
  /** How often the owner touches the lock file and checks it still holds it. */
  heartbeatMs?: number;
  /** A lock file untouched for this long was abandoned (when no pid evidence says otherwise). */
  leaseMs?: number;
  /** A takeover mutex older than this was left by a process that died in the middle of a takeover. */
  takeoverStaleMs?: number;
};

type LockBody = { pid: number; host: string; token: string; startedAt: string; scope?: string; startTime?: string };
type Seen = { raw: string; body: Partial<LockBody> | null; mtimeMs: number };
type Verdict = 'held' | 'stale' | 'watch';

const REGISTRY = Symbol.for('engram.dataDirLocks');
// On globalThis, not in module state: Next.js evaluates server modules more than once in one process.
const registry = (): Map<string, string> =>
  ((globalThis as unknown as Record<symbol, Map<string, string>>)[REGISTRY] ??= new Map());

const sleeper = new Int32Array(new SharedArrayBuffer(4));
// Opening the database is synchronous and happens once at start, so a blocking wait is what callers expect.
const sleepSync = (ms: number) => Atomics.wait(sleeper, 0, 0, Math.max(0, ms));

const errCode = (e: unknown) => (e as NodeJS.ErrnoException).code;

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Field 22 of /proc/<pid>/stat: clock ticks from boot to the process's start; with the boot id it names one process. */
function startTimeOf(pid: number): string | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  // comm (field 2) is in parentheses and may itself hold spaces and parentheses.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

function pidScope(): string | undefined {
  const boot = readText('/proc/sys/kernel/random/boot_id')?.trim();
  try {
    return boot ? `${boot}/${fs.readlinkSync('/proc/self/ns/pid')}` : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errCode(e) === 'EPERM';
  }
}

function readLock(lockPath: string): Seen | null {
  try {
    const raw = fs.readFileSync(lockPath, 'utf8');
    const { mtimeMs } = fs.statSync(lockPath);
    let body: Partial<LockBody> | null = null;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (parsed && typeof parsed === 'object' && typeof (parsed as LockBody).pid === 'number')
        body = parsed as Partial<LockBody>;
    } catch {
      body = null;
    }
    return { raw, body, mtimeMs };
  } catch (e) {
    if (errCode(e) === 'ENOENT') return null;
    throw e;
  }
}

/** Exclusive create with the full contents in place from the first moment anyone can read the file. */
function createExclusive(file: string, body: string): boolean {
  const tmp = `${file}.${crypto.randomBytes(6).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, body, { flag: 'wx', mode: 0o600 });
  try {
    fs.linkSync(tmp, file);
    return true;
  } catch (e) {
    if (errCode(e) === 'EEXIST') return false;
    if (!['EPERM', 'ENOTSUP', 'ENOSYS', 'EOPNOTSUPP'].includes(errCode(e) ?? '')) throw e;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  // Filesystems without hard links: a reader may briefly see an empty file, which it treats as fresh and
  // unknown (it waits), never as free.
  try {
    fs.writeFileSync(file, body, { flag: 'wx', mode: 0o600 });
    return true;
  } catch (e) {
    if (errCode(e) === 'EEXIST') return false;
    throw e;
  }
}

type Me = { pid: number; host: string; scope?: string; startTime?: string };

function judge(seen: Seen, me: Me, leaseMs: number): Verdict {
  const fresh = Date.now() - seen.mtimeMs < leaseMs;
  const b = seen.body;
  if (!b) return fresh ? 'watch' : 'stale';
  const pid = b.pid!;
  if (typeof b.token !== 'string') {
    // Written before heartbeats existed (or by hand): it is never touched, so only the pid can tell.
    return (b.host ?? me.host) === me.host && pid !== me.pid && isAlive(pid) ? 'held' : 'stale';
  }
  const samePidSpace =
    b.scope !== undefined && me.scope !== undefined
      ? b.scope === me.scope
      : b.scope === undefined && me.scope === undefined && b.host === me.host;
  if (samePidSpace) {
    if (pid !== me.pid) {
      if (!isAlive(pid)) return 'stale';
      const now = b.startTime === undefined ? undefined : startTimeOf(pid);
      if (now !== undefined) return now === b.startTime ? 'held' : 'stale';
      return fresh ? 'held' : 'stale';
    }
    // Our own pid in our own pid space: either this very process (another realm, e.g. a worker thread)
    // or a previous one that had our pid; the start time tells which.
    if (b.scope !== undefined && b.startTime !== undefined && me.startTime !== undefined)
      return b.startTime === me.startTime ? 'held' : 'stale';
  }
  if (!fresh) return 'stale';
  // Same host name but no pid evidence: typically a previous life of this container (pid 1 again, same
  // hostname, new pid namespace) or another container sharing the volume. Only a moving heartbeat tells.
  return b.host === me.host ? 'watch' : 'held';
}

export function acquireDataDirLock(dataDir: string, opts: DataDirLockOptions = {}): DataDirLock {
  const heartbeatMs = opts.heartbeatMs ?? 2_000;
  const leaseMs = opts.leaseMs ?? 15_000;
  const takeoverStaleMs = opts.takeoverStaleMs ?? 30_000;
  if (!(heartbeatMs > 0 && leaseMs > 2 * heartbeatMs))
    throw new Error(`lock lease (${leaseMs} ms) must exceed two heartbeats (${heartbeatMs} ms)`);

  fs.mkdirSync(dataDir, { recursive: true });
  const lockPath = path.join(fs.realpathSync(dataDir), 'engram.lock');
  const me: Me = { pid: process.pid, host: os.hostname(), scope: pidScope(), startTime: startTimeOf(process.pid) };
  if (registry().has(lockPath)) throw new DataDirLockedError(lockPath, me.pid, me.host, true);

  const token = crypto.randomBytes(16).toString('hex');
  const body: LockBody = {
    pid: me.pid,
    host: me.host,
    token,
    startedAt: new Date().toISOString(),
    scope: me.scope,
    startTime: me.startTime,
  };
  const bodyText = JSON.stringify(body);
  const mutex = takeoverMutex(`${lockPath}.takeover`, takeoverStaleMs);

  for (let attempt = 0; attempt < 10; attempt++) {
    if (createExclusive(lockPath, bodyText)) return hold(lockPath, token, bodyText, heartbeatMs, mutex);
    let seen = readLock(lockPath);
    if (!seen) continue;
    let verdict = judge(seen, me, leaseMs);
    if (verdict === 'watch') {
      // Wait until the lease has run out since the last touch we saw; a live owner has beaten by then.
      sleepSync(Math.min(leaseMs, seen.mtimeMs + leaseMs - Date.now()) + Math.min(heartbeatMs, 100));
      const again = readLock(lockPath);
      if (!again || again.raw !== seen.raw) continue;
      verdict = again.mtimeMs !== seen.mtimeMs ? 'held' : 'stale';
      seen = again;
    }
    if (verdict === 'held') throw new DataDirLockedError(lockPath, seen.body?.pid ?? -1, seen.body?.host);
    const expected = seen;
    const won = mutex.with(() => {
      const now = readLock(lockPath);
      // Changed since we judged it (taken by another racer, or its owner beat): judge again.
      if (!now || now.raw !== expected.raw || now.mtimeMs !== expected.mtimeMs) return false;
      fs.rmSync(lockPath, { force: true });
      return createExclusive(lockPath, bodyText);
    });
    if (won) {
      log.warn('took over an abandoned data-folder lock', {
        lockPath,
        previousOwner: expected.body
          ? { pid: expected.body.pid, host: expected.body.host, startedAt: expected.body.startedAt }
          : 'unreadable',
      });
      return hold(lockPath, token, bodyText, heartbeatMs, mutex);
    }
  }
  throw new Error(`Could not take the lock ${lockPath}: it kept changing hands`);
}

function hold(lockPath: string, token: string, bodyText: string, heartbeatMs: number, mutex: Mutex): DataDirLock {
  registry().set(lockPath, token);
  const ours = () => readLock(lockPath)?.body?.token === token;
  const beat = () => {
    try {
      if (ours()) {
        const now = new Date();
        fs.utimesSync(lockPath, now, now);
        return;
      }
      // Removed by hand: put it back if nobody else has taken the folder meanwhile.
      if (!fs.existsSync(lockPath) && createExclusive(lockPath, bodyText)) {
        log.warn('the data-folder lock file was removed while in use; recreated it', { lockPath });
        return;
      }
    } catch (e) {
      // A transient I/O error (network volume): the heartbeat goes stale, and if another process takes
      // over meanwhile, the next beat sees its token.
      log.warn('could not refresh the data-folder lock', {
        lockPath,
        error: e instanceof Error ? e.message : String(e),
      });
      return;
    }
    const owner = readLock(lockPath)?.body;
    log.error(
      'the data-folder lock was taken over by another process while this one was unresponsive; exiting so the two do not both write to the folder',
      { lockPath, owner: owner ? { pid: owner.pid, host: owner.host } : null },
    );
    process.exit(1);
  };
  const timer = setInterval(beat, heartbeatMs);
  timer.unref();

  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    clearInterval(timer);
    process.off('exit', release);
    if (registry().get(lockPath) === token) registry().delete(lockPath);
    try {
      mutex.with(() => {
        if (ours()) fs.rmSync(lockPath, { force: true });
      }, 2_000);
    } catch {
      // The mutex stayed busy: leave the file; our exit (dead pid) or our stopped heartbeat frees it.
    }
  };
  // Process exits that skip the callers' close (process.exit after a failed start, a forced shutdown).
  process.on('exit', release);
  return { path: lockPath, release };
}

type Mutex = { with<T>(fn: () => T, waitMs?: number): T };

/**
 * `engram.lock.takeover`, held for the few milliseconds of a check-remove-create. A holder that died in
 * it leaves the file; after `staleMs` it is moved aside by rename and the moved file is checked to be the
 * stale one (same inode). If it was not (another process stole and re-took it in between), it is linked
 * back. The remaining window (a third process creating in that instant) needs a takeover crash plus three
 * racers within microseconds.
 */
function takeoverMutex(file: string, staleMs: number): Mutex {
  return {
    with(fn, waitMs = staleMs + 1_000) {
      const token = crypto.randomBytes(8).toString('hex');
      const deadline = Date.now() + waitMs;
      for (;;) {
        try {
          fs.writeFileSync(file, token, { flag: 'wx', mode: 0o600 });
          break;
        } catch (e) {
          if (errCode(e) !== 'EEXIST') throw e;
        }
        let st: fs.Stats;
        try {
          st = fs.statSync(file);
        } catch (e) {
          if (errCode(e) === 'ENOENT') continue;
          throw e;
        }
        if (Date.now() - st.mtimeMs > staleMs) {
          const aside = `${file}.${token}.stale`;
          try {
            fs.renameSync(file, aside);
          } catch (e) {
            if (errCode(e) === 'ENOENT') continue;
            throw e;
          }
          if (fs.statSync(aside).ino !== st.ino) {
            try {
              fs.linkSync(aside, file);
            } catch {
              // Someone created a new one meanwhile; theirs stands.
            }
          }
          fs.rmSync(aside, { force: true });
          continue;
        }
        if (Date.now() > deadline)
          throw new Error(
            `The lock takeover mutex ${file} stays busy; if no Engram process is starting on this folder, remove it.`,
          );
        sleepSync(2 + Math.random() * 10);
      }
      try {
        return fn();
      } finally {
        if (readText(file) === token) fs.rmSync(file, { force: true });
      }
    },
  };
}
