import { httpCases, unknownRouteSpecs } from './bad-input/cases-http';
import { inputCases } from './bad-input/cases-input';
import { restEndpoints, trpcEndpoints, type Endpoint } from './bad-input/endpoints';
import { schemasOf, type CaseDef, type GenContext } from './bad-input/gen';
import { describe, judge, refusedInTransport, type Violation } from './bad-input/judge';
import type { Spec } from './bad-input/render';
import { send } from './bad-input/send';
import { client, type Client } from './lib/client';
import { Rng, stressSeed } from './lib/rng';
import type { Scenario } from './lib/scenario';
import { seedProject, type SeededProject } from './lib/seed';
import { createDatabase, MASTER_KEY, startServer } from './lib/server';
import { diffSnapshots, snapshot, type Snapshot } from './lib/snapshot';
import { Tally } from './lib/stats';

/**
 * Bad input: 10,000 × STRESS_SCALE generated bad requests over every operation of the OpenAPI document
 * and every tRPC procedure (see bad-input/cases-*.ts for the classes), against two seeded projects, on a
 * server with a 1 MiB body limit. Invariants: an answer to every request, no 5xx, every error in the
 * documented shape with a status its code allows, no success for a request the contract says must fail,
 * and nothing written by a rejected request — requests run in chunks, and the projects' snapshots
 * before and after each chunk of rejected requests must be equal. Requests that may legitimately be
 * accepted (an extra field a loose schema drops, a text/plain body REST reads as JSON) run in chunks of
 * their own, after which the baseline is retaken and the seed repaired.
 */
const MAX_BODY = 1 << 20;
const CHUNK = 150;
const CONCURRENCY = 6;
const SHOW = Number(process.env.STRESS_SHOW ?? 12);

type Ref = { e: Endpoint; def: CaseDef; v: number };

export const badInput: Scenario = async (backend, opts) => {
  const started = Date.now();
  const seed = stressSeed();
  const rng = new Rng(seed);
  const target = Math.max(1, Math.round(10_000 * opts.scale));
  console.log(
    `[bad-input ${backend}] seed ${seed} (STRESS_SEED=${seed} replays the same requests), ${target} requests`,
  );
  const db = backend === 'postgres' ? await createDatabase('engram_stress_badinput') : null;
  const server = await startServer({
    backend,
    databaseUrl: db?.url,
    env: { ENGRAM_MAX_BODY_BYTES: String(MAX_BODY), ENGRAM_SUGGEST_DEBOUNCE_MS: '0' },
  });
  const failures: string[] = [];
  try {
    const http = client(server.url);
    const a = await seedProject(http, `bad-a-${rng.word(6)}`, 'BADINPUTA');
    const b = await seedProject(http, `bad-b-${rng.word(6)}`, 'BADINPUTB');
    const revoked = (await http.rest('POST', '/keys', { project: a.name, body: { name: 'revoked', scope: 'admin' } }))
      .body.data;
    await http.rest('DELETE', `/keys/${revoked.id}`, { project: a.name });
    const projects = [a.name, b.name, 'default'];

    const doc = (await http.rest('GET', '/openapi.json', { token: null })).body;
    const endpoints = [...restEndpoints(doc), ...trpcEndpoints()];
    const restMethods = new Map<string, Set<string>>();
    for (const e of endpoints)
      if (e.surface === 'rest')
        (restMethods.get(e.path) ?? restMethods.set(e.path, new Set()).get(e.path)!).add(e.method);
    const ctx: GenContext = { rng, maxBody: MAX_BODY, a, b, revokedKey: revoked.key, restMethods };

    // Every (endpoint, class, variant) once, in a seeded order; then random ones, rarely heavy, to the target.
    const plan: Ref[] = [];
    for (const e of endpoints)
      for (const def of [...inputCases, ...httpCases])
        for (let v = 0; v < def.variants(e, schemasOf(e), ctx); v++) plan.push({ e, def, v });
    rng.shuffle(plan);
    const routeSpecs = unknownRouteSpecs(pseudo('rest'), pseudo('trpc'), ctx);
    const refs: Ref[] = plan.slice(0, Math.max(0, target - routeSpecs.length));
    while (refs.length < target - routeSpecs.length) {
      const r = rng.pick(plan);
      if (!r.def.heavy || rng.chance(0.1)) refs.push(r);
    }

    const tally = new Tally();
    const byKind = new Map<string, number>();
    const violations: Violation[] = [];
    const writes: string[] = [];
    const covered = new Set<string>();
    const counts = {
      sent: 0,
      rejected: 0,
      accepted: 0,
      checkedChunks: 0,
      rebaselined: 0,
      checkedRequests: 0,
      reseeds: 0,
      txRolledBack: 0,
      resetPastHead: 0,
    };
    let baseline = await settledSnapshot(http, projects);
    let gen = 0;

    const runOne = async (spec: Spec): Promise<boolean> => {
      const o = await send(server.url, spec);
      counts.sent++;
      covered.add(`${spec.endpoint.surface} ${spec.endpoint.id}`);
      byKind.set(spec.kind, (byKind.get(spec.kind) ?? 0) + 1);
      tally.record(spec.endpoint.family, o.status ?? 0, o.ms);
      const v = judge(spec, o);
      if (v) violations.push(v);
      if (refusedInTransport(spec, o)) counts.resetPastHead++;
      const ok = o.status !== undefined && o.status < 300;
      if (ok) counts.accepted++;
      else counts.rejected++;
      if (ok && spec.writes && /(^POST \/tx$|^tx\.begin$)/.test(spec.endpoint.id)) {
        const [opened, rolledBack] = await rollbackOpened(http, spec, o.text);
        counts.txRolledBack += rolledBack;
        if (rolledBack < opened)
          failures.push(
            `a transaction opened by an accepted ${spec.method} ${spec.path.slice(0, 100)} (${spec.kind}: ${spec.note}) could not be rolled back`,
          );
      }
      return ok && spec.writes;
    };

    const runChunk = async (specs: Spec[], expectRejected: boolean) => {
      if (specs.length === 0) return;
      let acceptedWrite = false;
      // Requests that could open a transaction run alone, after the others: on the embedded database an
      // open transaction makes every concurrent write wait, then 503 — the documented behaviour, not a fault.
      const opensTx = (s: Spec) => /^(POST \/tx|tx\.begin)$/.test(s.endpoint.id);
      const queue = specs.filter((s) => !opensTx(s));
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          for (let s = queue.shift(); s; s = queue.shift()) if (await runOne(s)) acceptedWrite = true;
        }),
      );
      for (const s of specs.filter(opensTx)) if (await runOne(s)) acceptedWrite = true;
      if (!acceptedWrite) {
        const after = await settledSnapshot(http, projects);
        const diff = diffSnapshots(baseline, after);
        counts.checkedChunks++;
        counts.checkedRequests += specs.length;
        if (diff.length)
          writes.push(
            `a chunk of ${specs.length} ${expectRejected ? 'rejected' : 'mostly rejected'} requests changed data: ${diff.join('; ')}; culprits: ${(await culprits(http, server.url, projects, specs)).join(' | ') || 'not reproduced one by one'}`,
          );
        baseline = diff.length ? await settledSnapshot(http, projects) : after;
        return;
      }
      counts.rebaselined++;
      for (const p of [a, b]) if (await repair(http, p, ++gen)) counts.reseeds++;
      baseline = await settledSnapshot(http, projects);
    };

    // Generation needs the current ids (a repair replaces destroyed ones), so it goes a batch at a time.
    const pending = [
      ...routeSpecs.map((s) => () => s),
      ...refs.map((r) => () => r.def.make(r.e, schemasOf(r.e), ctx, r.v)),
    ];
    while (pending.length) {
      const specs = pending
        .splice(0, CHUNK * 2)
        .map((f) => f())
        .filter((s): s is Spec => s !== null);
      await runChunk(
        specs.filter((s) => s.mustReject),
        true,
      );
      await runChunk(
        specs.filter((s) => !s.mustReject),
        false,
      );
    }
    await transactionPhase(http, a, projects, ctx, plan, runOne, failures);

    const health = await http.call('GET', '/api/health', { token: null });
    if (health.status !== 200 || health.body?.moduleCopies !== 1)
      failures.push(`health after the run: ${health.status} ${health.text.slice(0, 200)}`);
    const restOps = endpoints.filter((e) => e.surface === 'rest');
    const procs = endpoints.filter((e) => e.surface === 'trpc');
    const by = (c: Violation['category']) => violations.filter((v) => v.category === c);
    for (const c of ['no response', '5xx', 'shape', 'accepted'] as const) {
      const list = by(c);
      for (const v of list.slice(0, SHOW)) failures.push(describe(v));
      if (list.length > SHOW) failures.push(`[${c}] … and ${list.length - SHOW} more`);
    }
    failures.push(...writes);
    const statuses = new Map<number, number>();
    for (const s of tally.statuses.values()) for (const [st, n] of s) statuses.set(st, (statuses.get(st) ?? 0) + n);
    return {
      scenario: 'bad-input',
      backend,
      seconds: (Date.now() - started) / 1000,
      figures: {
        seed,
        'requests sent': counts.sent,
        'REST operations covered': `${restOps.filter((e) => covered.has(`rest ${e.id}`)).length}/${restOps.length}`,
        'tRPC procedures covered': `${procs.filter((e) => covered.has(`trpc ${e.id}`)).length}/${procs.length}`,
        'by status': [...statuses]
          .sort((x, y) => x[0] - y[0])
          .map(([s, n]) => `${s || 'none'}×${n}`)
          .join(' '),
        'by class': [...byKind]
          .sort()
          .map(([k, n]) => `${k}×${n}`)
          .join(', '),
        rejected: counts.rejected,
        'accepted (allowed)': counts.accepted - by('accepted').length,
        '5xx': by('5xx').length,
        'no answer': by('no response').length,
        'reset while sending > 16 KiB of request head (refused)': counts.resetPastHead,
        'shape violations': by('shape').length,
        'accepted although invalid': by('accepted').length,
        'writes detected': writes.length,
        'requests under the no-write check': counts.checkedRequests,
        'chunks checked / rebaselined': `${counts.checkedChunks} / ${counts.rebaselined}`,
        're-seeds after accepted writes': counts.reseeds,
        'transactions opened by accepted requests (rolled back)': counts.txRolledBack,
      },
      table: tally.table(),
      failures,
    };
  } finally {
    await server.stop();
    await db?.drop();
  }
};

function pseudo(surface: 'rest' | 'trpc'): Endpoint {
  return {
    surface,
    id: '(unknown route)',
    family: `${surface} (unknown route)`,
    method: 'GET',
    path: '',
    pathParams: [],
    queryParams: [],
    scope: 'read',
    writes: false,
    txRoute: false,
    hasInput: false,
    schemaRoot: {},
  };
}

/** A snapshot once background suggestion analysis (started by an accepted request) has finished. */
async function settledSnapshot(http: Client, projects: string[]): Promise<Snapshot> {
  for (const p of projects) {
    const deadline = Date.now() + 30_000;
    while (
      (await http.rest('GET', '/relationships/suggestions/analysis', { project: p })).body?.data?.status ===
        'running' &&
      Date.now() < deadline
    )
      await new Promise((r) => setTimeout(r, 50));
  }
  return snapshot(http, projects);
}

/** An accepted POST /tx opened a transaction: roll it back at once, so the embedded database is not held. */
async function rollbackOpened(http: Client, spec: Spec, text: string): Promise<[number, number]> {
  let n = 0;
  let opened = 0;
  for (const [, id] of text.matchAll(/"id":"([0-9a-f-]{36})"/g)) {
    opened++;
    let r = await http.call('POST', `/api/v1/tx/${id}/rollback`, { headers: spec.headers, token: null });
    if (r.status >= 300) r = await http.rest('POST', `/tx/${id}/rollback`, { project: spec.headers['x-project-id'] });
    if (r.status < 300) n++;
  }
  return [opened, n];
}

/** Replays a chunk one request at a time with a snapshot around each, to name what wrote. */
async function culprits(http: Client, url: string, projects: string[], specs: Spec[]): Promise<string[]> {
  const found: string[] = [];
  for (const spec of specs.filter((s) => s.method !== 'GET').slice(0, 200)) {
    const before = await settledSnapshot(http, projects);
    const o = await send(url, spec);
    const diff = diffSnapshots(before, await settledSnapshot(http, projects));
    if (diff.length)
      found.push(
        `${spec.method} ${spec.path.slice(0, 120)} (${spec.kind}: ${spec.note}) → ${o.status ?? o.error}: ${diff.join('; ')}`,
      );
    if (found.length >= 5) break;
  }
  return found;
}

/**
 * After accepted requests destroyed seeded data (a delete with an ignored extra field, an approved
 * suggestion), refresh the ids generation draws from, and seed again what is gone.
 */
async function repair(http: Client, p: SeededProject, gen: number): Promise<boolean> {
  const live = new Set<string>();
  for (let skip = 0; ; skip += 1000) {
    const r = await http.rest('POST', '/records/search', { project: p.name, body: { limit: 1000, skip } });
    for (const rec of r.body.data) live.add(rec.__id);
    if (skip + 1000 >= r.body.total) break;
  }
  p.allRecordIds = p.allRecordIds.filter((id) => live.has(id));
  const indexes = new Set<string>(
    (await http.rest('GET', '/ai/indexes', { project: p.name })).body.data.map((i: any) => i.id),
  );
  p.suggestionIds = (
    await http.rest('GET', '/relationships/suggestions?status=suggested', { project: p.name })
  ).body.data.map((s: any) => s.id);
  const keys = (await http.rest('GET', '/keys', { project: p.name })).body.data;
  p.victimKeyIds = p.victimKeyIds.filter((id) => keys.some((k: any) => k.id === id && !k.revokedAt));
  if (
    p.allRecordIds.length >= 8 &&
    indexes.has(p.indexIds.managed) &&
    indexes.has(p.indexIds.external) &&
    p.suggestionIds.length > 0 &&
    p.victimKeyIds.length > 0
  )
    return false;
  const fresh = await seedProject(http, p.name, p.marker, { create: false, suffix: `_${gen}` });
  Object.assign(p, {
    allRecordIds: [...new Set([...p.allRecordIds, ...fresh.allRecordIds])],
    records: fresh.records,
    labels: fresh.labels,
    indexIds: fresh.indexIds,
    suggestionIds: fresh.suggestionIds,
    victimKeyIds: fresh.victimKeyIds,
  });
  return true;
}

/**
 * Bad requests inside an open transaction: each must fail alone (savepoint per request), leave the
 * transaction open and usable, and commit to nothing. Sequential: on the embedded database the
 * transaction holds the only connection.
 */
async function transactionPhase(
  http: Client,
  a: SeededProject,
  projects: string[],
  ctx: GenContext,
  plan: Ref[],
  runOne: (s: Spec) => Promise<boolean>,
  failures: string[],
) {
  const before = await settledSnapshot(http, projects);
  const tx = (await http.rest('POST', '/tx', { project: a.name, body: { ttl: 120_000 } })).body.data.id as string;
  const kinds = new Set([
    'wrong type',
    'bad value',
    'missing required',
    'not an object',
    'deep nesting',
    'NUL / lone surrogate',
    '__proto__ key',
    'truncated JSON',
    'not JSON',
    'invalid UTF-8',
  ]);
  const eligible = plan.filter(
    (r) => kinds.has(r.def.kind) && r.e.writes && r.e.scope === 'write' && !r.e.txRoute && !/analyze/.test(r.e.id),
  );
  let sent = 0;
  for (let i = 0; i < 4 * eligible.length && sent < 60; i++) {
    const r = ctx.rng.pick(eligible);
    const spec = r.def.make(r.e, schemasOf(r.e), ctx, r.v);
    if (
      !spec ||
      !spec.mustReject ||
      spec.headers.authorization !== `Bearer ${MASTER_KEY}` ||
      (spec.headers['x-project-id'] !== a.name && spec.headers['x-project-id'] !== a.id)
    )
      continue;
    spec.headers = { ...spec.headers, 'x-transaction-id': tx };
    spec.note += ' (inside an open transaction)';
    if (await runOne(spec))
      failures.push(
        `inside a transaction, a bad request was accepted: ${spec.method} ${spec.path.slice(0, 120)} (${spec.kind}: ${spec.note})`,
      );
    sent++;
  }
  const still = await http.rest('GET', `/tx/${tx}`, { project: a.name });
  if (still.status !== 200)
    failures.push(
      `after ${sent} bad requests inside transaction ${tx}, GET /tx/${tx} answered ${still.status} ${still.text.slice(0, 200)} (expected 200: each failure rolls back only its savepoint)`,
    );
  const commit = await http.rest('POST', `/tx/${tx}/commit`, { project: a.name });
  if (commit.status !== 200)
    failures.push(
      `commit after ${sent} bad requests inside the transaction answered ${commit.status} ${commit.text.slice(0, 200)}`,
    );
  const diff = diffSnapshots(before, await settledSnapshot(http, projects));
  if (diff.length)
    failures.push(`a committed transaction that held only rejected requests changed data: ${diff.join('; ')}`);
}
