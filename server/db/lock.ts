import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * PGlite has no lock of its own: two processes on one folder silently lose rows. The lock file holds
 * the owner's pid; a live owner makes us fail at once, a dead one (stale lock) is taken over.
 */
export class DataDirLockedError extends Error {
  constructor(
    readonly lockPath: string,
    readonly ownerPid: number,
  ) {
    super(
      `The data folder is in use by another Engram process (pid ${ownerPid}); lock file ${lockPath}. ` +
        `Stop that process, or point ENGRAM_DATA_DIR at another folder.`,
    );
    this.name = 'DataDirLockedError';
  }
}

export type DataDirLock = { path: string; release: () => void };

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(lockPath: string): number | null {
  try {
    const owner = JSON.parse(fs.readFileSync(lockPath, 'utf8')) as { pid?: unknown };
    return typeof owner.pid === 'number' ? owner.pid : null;
  } catch {
    return null;
  }
}

export function acquireDataDirLock(dataDir: string): DataDirLock {
  fs.mkdirSync(dataDir, { recursive: true });
  const lockPath = path.join(dataDir, 'engram.lock');
  const body = JSON.stringify({ pid: process.pid, host: os.hostname(), since: new Date().toISOString() });

  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(lockPath, body, { flag: 'wx', mode: 0o600 });
      return {
        path: lockPath,
        release: () => {
          if (readOwner(lockPath) === process.pid) fs.rmSync(lockPath, { force: true });
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const owner = readOwner(lockPath);
    if (owner !== null && owner !== process.pid && isAlive(owner)) throw new DataDirLockedError(lockPath, owner);
    // Stale (dead owner, our own pid from a previous life, or unreadable): take it over. The retry's
    // exclusive create decides any race with another process doing the same.
    fs.rmSync(lockPath, { force: true });
  }
  throw new Error(`Could not take the lock ${lockPath}`);
}
