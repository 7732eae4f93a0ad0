// Child process for db/lock.int.test.ts: a separate Engram-like process that takes the data-folder lock.
// With LOCK_DIR it takes that folder's lock at start; on stdin, `go <dir> <epochMs>` spins until that
// instant and then tries (so racers start together) and `release` lets go. Prints `won <pid>`,
// `lost <ownerPid>` or `error <message>` (`ready` first when racing). Exits when stdin closes. Not part of the product.
import readline from 'node:readline';
import { acquireDataDirLock, DataDirLockedError, type DataDirLock } from '@/server/db/lock';

const opts = {
  heartbeatMs: Number(process.env.LOCK_HEARTBEAT_MS ?? 2_000),
  leaseMs: Number(process.env.LOCK_LEASE_MS ?? 15_000),
};
let held: DataDirLock | undefined;

function attempt(dir: string) {
  try {
    held = acquireDataDirLock(dir, opts);
    console.log(`won ${process.pid}`);
  } catch (e) {
    console.log(
      e instanceof DataDirLockedError ? `lost ${e.ownerPid}` : `error ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

const rl = readline.createInterface({ input: process.stdin });
if (process.env.LOCK_DIR) attempt(process.env.LOCK_DIR);
else console.log('ready');
rl.on('line', (line) => {
  const [cmd, dir, at] = line.split(' ');
  if (cmd === 'go') {
    while (Date.now() < Number(at));
    attempt(dir!);
  } else if (cmd === 'release') {
    held?.release();
    held = undefined;
    console.log('released');
  }
});
rl.on('close', () => process.exit(0));
