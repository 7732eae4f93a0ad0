import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireDataDirLock, DataDirLockedError, type DataDirLock } from '@/server/db/lock';

process.env.ENGRAM_LOG_LEVEL = 'error'; // takeovers log a warning each

const linux = process.platform === 'linux';
const host = os.hostname();
const scope = linux
  ? `${fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()}/${fs.readlinkSync('/proc/self/ns/pid')}`
  : undefined;
const startTimeOf = (pid: number) => {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
};

const dir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'engram-lock-'));
const lockFile = (d: string) => path.join(fs.realpathSync(d), 'engram.lock');
const readBody = (d: string) => JSON.parse(fs.readFileSync(lockFile(d), 'utf8')) as { pid: number; token: string };
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;

/** A lock file as another process would have left it, last touched `ageMs` ago. */
function plant(d: string, body: Record<string, unknown>, ageMs = 0) {
  const file = lockFile(d);
  fs.writeFileSync(file, JSON.stringify({ token: 'theirs', startedAt: new Date().toISOString(), ...body }));
  const t = new Date(Date.now() - ageMs);
  fs.utimesSync(file, t, t);
}

const held: DataDirLock[] = [];
const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const l of held.splice(0)) l.release();
  for (const c of children.splice(0)) c.kill('SIGKILL');
});
const take = (d: string, opts?: Parameters<typeof acquireDataDirLock>[1]) => {
  const l = acquireDataDirLock(d, opts);
  held.push(l);
  return l;
};

type Child = {
  proc: ChildProcessWithoutNullStreams;
  line: () => Promise<string>;
  exited: Promise<number | null>;
  stderr: () => string;
};
function child(args: string[], env: Record<string, string> = {}): Child {
  const proc = spawn(process.execPath, args, {
    env: { ...process.env, ENGRAM_LOG_LEVEL: 'error', ...env },
    stdio: 'pipe',
  });
  children.push(proc);
  const lines: string[] = [];
  const waiters: ((l: string) => void)[] = [];
  let buf = '';
  let err = '';
  proc.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const l = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      const w = waiters.shift();
      if (w) w(l);
      else lines.push(l);
    }
  });
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  const line = () => {
    const l = lines.shift();
    if (l !== undefined) return Promise.resolve(l);
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no output from child; stderr: ${err}`)), 10_000);
      waiters.push((got) => (clearTimeout(timer), resolve(got)));
    });
  };
  return { proc, line, exited, stderr: () => err };
}
const lockChild = (env: Record<string, string> = {}) => child(['--import', 'tsx', 'server/test/lock-child.ts'], env);

describe('data folder lock: other hosts', () => {
  it('refuses a lock from another host while its heartbeat is fresh, naming the host and pid, even if that pid is dead here', () => {
    const d = dir();
    const pid = deadPid();
    plant(d, { pid, host: 'elsewhere', scope: 'another-boot/pid:[1]' });
    expect(() => take(d)).toThrow(DataDirLockedError);
    expect(() => take(d)).toThrow(new RegExp(`\\(pid ${pid}\\) on host "elsewhere"`));
    expect(readBody(d).token).toBe('theirs');
  });

  it('takes over a lock from another host whose heartbeat has stopped for a lease', () => {
    const d = dir();
    plant(d, { pid: process.pid, host: 'elsewhere', scope: 'another-boot/pid:[1]' }, 20_000);
    const l = take(d);
    expect(readBody(d)).toMatchObject({ pid: process.pid, host });
    expect(readBody(d).token).not.toBe('theirs');
    expect(l.path).toBe(lockFile(d));
  });
});

describe('data folder lock: our own pid', () => {
  // Another container on the volume: same hostname, pid 1 like us, another pid namespace.
  const twin = () => ({ pid: process.pid, host, scope: 'another-boot/pid:[4026532000]' });

  it('refuses a lock naming our pid that we do not hold while its heartbeat keeps moving', async () => {
    const d = dir();
    plant(d, twin());
    const toucher = child([
      '-e',
      `const fs = require('fs'); setInterval(() => { const t = new Date(); fs.utimesSync(${JSON.stringify(lockFile(d))}, t, t); }, 50); console.log('ready');`,
    ]);
    expect(await toucher.line()).toBe('ready');
    expect(() => take(d, { heartbeatMs: 100, leaseMs: 800 })).toThrow(
      new RegExp(`in use by another Engram process \\(pid ${process.pid}\\) on this host`),
    );
    expect(readBody(d).token).toBe('theirs');
  });

  it('takes over a lock naming our pid whose heartbeat did not move for a lease', () => {
    const d = dir();
    plant(d, twin());
    const t0 = Date.now();
    take(d, { heartbeatMs: 100, leaseMs: 500 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(450);
    expect(readBody(d).token).not.toBe('theirs');
  });

  it('takes over at once a lock naming our pid whose heartbeat is already stale', () => {
    const d = dir();
    plant(d, twin(), 20_000);
    const t0 = Date.now();
    take(d);
    expect(Date.now() - t0, 'no wait for the 15 s lease').toBeLessThan(5_000);
    expect(readBody(d).token).not.toBe('theirs');
  });

  it.skipIf(!linux)(
    'in our own pid namespace, takes over at once a previous process that had our pid (other start time)',
    () => {
      const d = dir();
      plant(d, { pid: process.pid, host, scope, startTime: '1' });
      const t0 = Date.now();
      take(d);
      expect(Date.now() - t0, 'no wait for the 15 s lease').toBeLessThan(5_000);
      expect(readBody(d).token).not.toBe('theirs');
    },
  );

  it.skipIf(!linux)(
    'in our own pid namespace, refuses a lock this very process holds from another realm (same start time)',
    () => {
      const d = dir();
      plant(d, { pid: process.pid, host, scope, startTime: startTimeOf(process.pid) });
      expect(() => take(d)).toThrow(DataDirLockedError);
    },
  );

  it('refuses a second acquire in the same process while the first holds the folder, under any spelling of the path', () => {
    const d = dir();
    take(d);
    const alias = path.join(dir(), 'alias');
    fs.symlinkSync(d, alias);
    expect(() => acquireDataDirLock(alias)).toThrow(/already open in this process/);
    expect(() => acquireDataDirLock(`${d}/.`)).toThrow(DataDirLockedError);
    held.pop()!.release();
    take(alias);
  });
});

describe('data folder lock: pids on this host', () => {
  it('takes over at once a lock whose owner is dead, even with a fresh heartbeat', () => {
    const d = dir();
    plant(d, { pid: deadPid(), host, scope });
    const t0 = Date.now();
    take(d);
    expect(Date.now() - t0, 'no wait for the 15 s lease').toBeLessThan(5_000);
    expect(readBody(d).pid).toBe(process.pid);
  });

  it('takes over a lock naming a live process that is not Engram (pid reused)', async () => {
    const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const d = dir();
      plant(d, { pid: sleeper.pid, host, scope, startTime: '1' }, 20_000);
      take(d);
      expect(readBody(d).pid).toBe(process.pid);
      if (linux) {
        // With a proven start time the reuse is seen at once, without waiting for the lease.
        const d2 = dir();
        plant(d2, { pid: sleeper.pid, host, scope, startTime: '1' });
        take(d2);
        expect(readBody(d2).pid).toBe(process.pid);
      }
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it('refuses a live Engram process holding the folder, naming its pid, and takes over at once once it is killed', async () => {
    const d = dir();
    const owner = lockChild({ LOCK_DIR: d });
    const won = await owner.line();
    expect(won).toBe(`won ${owner.proc.pid}`);
    let err: unknown;
    try {
      take(d);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DataDirLockedError);
    expect((err as DataDirLockedError).ownerPid).toBe(owner.proc.pid);
    expect((err as Error).message).toMatch(
      new RegExp(`in use by another Engram process \\(pid ${owner.proc.pid}\\) on this host`),
    );
    owner.proc.kill('SIGKILL');
    await owner.exited;
    take(d);
    expect(readBody(d).pid).toBe(process.pid);
  });

  it('exactly one of 8 processes taking over one stale lock wins, round after round', async () => {
    const racers = Array.from({ length: 8 }, () => lockChild({ LOCK_HEARTBEAT_MS: '200', LOCK_LEASE_MS: '1000' }));
    for (const r of racers) expect(await r.line()).toBe('ready');
    for (let round = 0; round < 6; round++) {
      const d = dir();
      plant(d, { pid: deadPid(), host, scope }, round % 2 ? 0 : 5_000);
      const at = Date.now() + 300;
      for (const r of racers) r.proc.stdin.write(`go ${d} ${at}\n`);
      const results = await Promise.all(racers.map((r) => r.line()));
      const winners = results.filter((l) => l.startsWith('won '));
      expect(winners, `round ${round}: ${results.join(', ')}`).toHaveLength(1);
      const winnerPid = Number(winners[0]!.split(' ')[1]);
      expect(results.filter((l) => l === `lost ${winnerPid}`)).toHaveLength(7);
      expect(readBody(d).pid).toBe(winnerPid);
      const winner = racers.find((r) => r.proc.pid === winnerPid)!;
      winner.proc.stdin.write('release\n');
      expect(await winner.line()).toBe('released');
      expect(fs.existsSync(lockFile(d))).toBe(false);
    }
  });
});

describe('data folder lock: heartbeat and release', () => {
  it('the owner keeps the lock fresh', async () => {
    const d = dir();
    take(d, { heartbeatMs: 50, leaseMs: 500 });
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(lockFile(d), old, old);
    await sleep(250);
    expect(Date.now() - fs.statSync(lockFile(d)).mtimeMs).toBeLessThan(500);
  });

  it('an owner whose lock was taken over exits at once instead of writing on (self-fencing)', async () => {
    const d = dir();
    const owner = lockChild({ LOCK_DIR: d, LOCK_HEARTBEAT_MS: '100', LOCK_LEASE_MS: '1000' });
    expect(await owner.line()).toBe(`won ${owner.proc.pid}`);
    fs.writeFileSync(lockFile(d), JSON.stringify({ ...readBody(d), token: 'a-newer-owner' }));
    // Heartbeats are 100 ms apart; the bound only leaves room for a loaded machine.
    const exit = await Promise.race([owner.exited, sleep(5_000).then(() => 'still running after 5 s')]);
    expect(exit).toBe(1);
    expect(owner.stderr()).toMatch(/taken over by another process/);
    expect(readBody(d).token).toBe('a-newer-owner');
  });

  it('release removes the file only while it still carries our token', () => {
    const d = dir();
    const l = take(d, { heartbeatMs: 60_000, leaseMs: 180_000 });
    fs.writeFileSync(lockFile(d), JSON.stringify({ ...readBody(d), token: 'someone-else' }));
    l.release();
    expect(readBody(d).token).toBe('someone-else');
    const d2 = dir();
    take(d2).release();
    expect(fs.existsSync(lockFile(d2))).toBe(false);
  });

  it('a takeover mutex left by a process that died mid-takeover is cleared once stale', () => {
    const d = dir();
    plant(d, { pid: deadPid(), host: 'elsewhere' }, 20_000);
    const mutex = `${lockFile(d)}.takeover`;
    fs.writeFileSync(mutex, 'dead-racer');
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(mutex, old, old);
    take(d);
    expect(readBody(d).pid).toBe(process.pid);
    expect(fs.existsSync(mutex)).toBe(false);
  });
});
