// `npm run test:stress`: the reliability suite. Every scenario on the embedded database and, when the
// PostgreSQL admin URL answers, on PostgreSQL, each against the production build (`npm run build` first)
// started as a child process on loopback. Prints the machine and each scenario's figures; exits 1 when
// any scenario reports a failure (a broken invariant), throws, or overruns its time.
//   STRESS_SCALE      scales durations and counts (default 1: the figures the scenarios name)
//   STRESS_SCENARIOS  comma-separated names (default all)
//   STRESS_BACKENDS   embedded,postgres (default: both, postgres only when reachable; naming it requires it)
//   STRESS_PG_ADMIN_URL  where scenarios create their databases (see lib/server.ts)
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { crash, terminate } from './faults';
import { twoServers } from './two-servers';
import { load } from './load';
import type { Scenario, ScenarioResult } from './lib/scenario';
import { machine, PG_ADMIN_URL, type BackendName } from './lib/server';
import { postgresReachable } from './lib/storage';

type Entry = { name: string; run: Scenario; backends: readonly BackendName[] };
const BOTH = ['embedded', 'postgres'] as const;

/** Scenarios written on another branch: registered when their file is there, so this one runs alone. */
async function optional(name: string, file: string, exported: string): Promise<Entry | null> {
  const full = path.join(import.meta.dirname, file);
  if (!fs.existsSync(full)) return null;
  const mod = (await import(pathToFileURL(full).href)) as Record<string, unknown>;
  if (typeof mod[exported] !== 'function') throw new Error(`${file} does not export a scenario function ${exported}`);
  return { name, run: mod[exported] as Scenario, backends: BOTH };
}

const entries: Entry[] = [
  { name: 'load', run: load, backends: BOTH },
  { name: 'crash', run: crash, backends: BOTH },
  { name: 'terminate', run: terminate, backends: ['postgres'] },
  { name: 'two-servers', run: twoServers, backends: ['postgres'] },
  ...[
    await optional('bad-input', 'bad-input.ts', 'badInput'),
    await optional('isolation', 'isolation.ts', 'isolation'),
  ].filter((e): e is Entry => e !== null),
];

function list(env: string | undefined, known: readonly string[], what: string): string[] | null {
  if (!env?.trim()) return null;
  const names = env
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = names.filter((n) => !known.includes(n));
  if (bad.length) throw new Error(`unknown ${what} ${bad.join(', ')} (known: ${known.join(', ')})`);
  return names;
}

const scale = Number(process.env.STRESS_SCALE ?? 1);
if (!(scale > 0)) throw new Error(`STRESS_SCALE must be a positive number, got ${process.env.STRESS_SCALE}`);
const chosen = list(
  process.env.STRESS_SCENARIOS,
  entries.map((e) => e.name),
  'scenario',
);
const askedBackends = list(process.env.STRESS_BACKENDS, BOTH, 'backend') as BackendName[] | null;

const t0 = performance.now();
console.log(`# Engram reliability suite — ${new Date().toISOString()}`);
console.log(`machine: ${machine()}`);
const pg = await postgresReachable();
const backends = (askedBackends ?? [...BOTH]).filter((b) => {
  if (b !== 'postgres' || pg.ok) return true;
  if (askedBackends)
    throw new Error(`STRESS_BACKENDS names postgres but ${redact(PG_ADMIN_URL)} is not reachable: ${pg.reason}`);
  console.log(`postgres: skipped, ${redact(PG_ADMIN_URL)} is not reachable (${pg.reason})`);
  return false;
});
const todo = entries.filter((e) => !chosen || chosen.includes(e.name));
console.log(`scale ${scale}; backends ${backends.join(', ')}; scenarios ${todo.map((e) => e.name).join(', ')}`);

// A hang guard, not a budget: a scenario that overruns this is reported and ends the run.
const timeoutMs = (240 + 180 * scale) * 1000;
const results: ScenarioResult[] = [];
for (const backend of backends) {
  for (const e of todo) {
    if (!e.backends.includes(backend)) continue;
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const overrun = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`did not finish within ${timeoutMs / 1000} s`)), timeoutMs);
    });
    const result = await Promise.race([e.run(backend, { scale, pgAdminUrl: PG_ADMIN_URL }), overrun])
      .catch((err: unknown): ScenarioResult => ({
        scenario: e.name,
        backend,
        seconds: (performance.now() - started) / 1000,
        figures: {},
        failures: [`the scenario threw: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`],
      }))
      .finally(() => clearTimeout(timer));
    results.push(result);
    print(result);
    if (result.failures.some((f) => f.includes('did not finish within'))) finish();
  }
}
finish();

function print(r: ScenarioResult): void {
  console.log(
    `\n## ${r.scenario} on ${r.backend} — ${r.failures.length ? `FAILED (${r.failures.length})` : 'ok'} in ${r.seconds.toFixed(1)} s`,
  );
  const width = Math.max(0, ...Object.keys(r.figures).map((k) => k.length));
  for (const [k, v] of Object.entries(r.figures)) console.log(`- ${k.padEnd(width)}  ${v}`);
  if (r.table) console.log(r.table);
  for (const f of r.failures) console.log(`  FAILURE: ${f}`);
}

function finish(): never {
  console.log(`\n## summary — ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  for (const r of results)
    console.log(
      `  ${(r.failures.length ? 'FAILED' : 'ok').padEnd(7)} ${r.scenario.padEnd(12)} ${r.backend.padEnd(9)} ${r.seconds.toFixed(1).padStart(6)} s${r.failures.length ? `  ${r.failures.length} failure(s)` : ''}`,
    );
  const failed = results.filter((r) => r.failures.length > 0).length;
  console.log(failed ? `\n${failed} scenario run(s) FAILED` : '\nall scenarios passed');
  process.exit(failed ? 1 : 0);
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
