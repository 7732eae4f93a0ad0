import { MASTER_KEY } from '../lib/server';
import type { Rng } from '../lib/rng';
import type { SeededProject } from '../lib/seed';
import type { Endpoint, Scope } from '../bad-input/endpoints';
import { resourceOf } from '../bad-input/gen';
import { restRequest, trpcRequest, type Spec } from '../bad-input/render';
import { Schemas } from '../bad-input/schema';

/**
 * The calls of the isolation scenario, made by project A's principals (the master key acting on A, and
 * A's read, write and admin keys) against project B: B's ids in paths (every operation that takes one),
 * in bodies, filters, traversal blocks and batch ops; x-project-id naming B on every project-scoped
 * operation; B's open transaction; and every operation called with a scope too small for it.
 */
export type Principal = { name: string; scope: 'master' | 'admin' | 'write' | 'read'; headers: Record<string, string> };
export type Call = {
  group: string;
  principal: Principal;
  spec: Spec;
  /** The statuses the contract allows; null: any status below 500 (the leak scan and the snapshots judge it). */
  expect: number[] | null;
  /** With `expect`, a 2xx among them must not carry B's data either (always checked). */
  note: string;
};

const RANK: Record<Scope, number> = { public: 0, session: 0, read: 1, write: 2, admin: 3, master: 4 };
export const allows = (p: Principal, e: Endpoint) => RANK[p.scope] >= RANK[e.scope];

export function principalsOf(a: SeededProject): Principal[] {
  const key = (k: string) => ({ authorization: `Bearer ${k}` });
  return [
    { name: 'master→A', scope: 'master', headers: { ...key(MASTER_KEY), 'x-project-id': a.name } },
    { name: 'A admin key', scope: 'admin', headers: key(a.keys.admin) },
    { name: 'A write key', scope: 'write', headers: key(a.keys.write) },
    { name: 'A read key', scope: 'read', headers: key(a.keys.read) },
  ];
}

/** The id of the endpoint's own resource in project p (or a record id for other uuid fields). */
export function idIn(p: SeededProject, e: Endpoint, name: string, rng: Rng, openTx?: string): string {
  if (name !== 'id' && name !== 'sourceId') return rng.pick(p.allRecordIds);
  switch (resourceOf(e)) {
    case 'key':
      return p.victimKeyIds[0] ?? p.keyIds.read;
    case 'index':
      return /vectors/.test(e.id) ? p.indexIds.external : rng.pick([p.indexIds.managed, p.indexIds.external]);
    case 'suggestion':
      return p.suggestionIds[0] ?? rng.uuid();
    case 'tx':
      return openTx ?? p.tx.committed;
    default:
      return rng.pick(p.allRecordIds);
  }
}

/** A plausible input for the endpoint; uuid fields by name from `ids`. */
export function inputFor(e: Endpoint, ids: (name: string) => string, rng: Rng): Record<string, unknown> {
  const s = new Schemas(e.schemaRoot);
  const ex = { rng, idFor: ids };
  const out =
    (e.input ? (s.example(s.objectPart(e.input), 'input', ex) as Record<string, unknown> | undefined) : undefined) ??
    {};
  for (const p of e.pathParams) out[p.name] = ids(p.name);
  return out;
}

export function request(
  e: Endpoint,
  input: unknown,
  headers: Record<string, string>,
  group: string,
  note: string,
): Spec {
  const req = e.surface === 'rest' ? restRequest(e, input, { headers }) : trpcRequest(e, input, { headers });
  return { endpoint: e, kind: group, mustReject: false, writes: e.writes, ...req, note };
}

/** Operations that take an id in their path (REST) or as `id` / `sourceId` (tRPC), with B's id there. */
export function pathIdCalls(
  endpoints: Endpoint[],
  a: SeededProject,
  b: SeededProject,
  principals: Principal[],
  rng: Rng,
  bOpenTx: string,
): Call[] {
  const calls: Call[] = [];
  for (const e of endpoints) {
    const names =
      e.surface === 'rest'
        ? e.pathParams.map((p) => p.name)
        : Object.keys((e.input?.properties as object) ?? {}).filter((n) => n === 'id' || n === 'sourceId');
    if (names.length === 0) continue;
    for (const p of principals) {
      const input = inputFor(
        e,
        (name) => (names.includes(name) ? idIn(b, e, name, rng, bOpenTx) : idIn(a, e, name, rng)),
        rng,
      );
      // Scope is checked before the id is looked at; then B's object does not exist for A.
      calls.push({
        group: "B's id in the path",
        principal: p,
        spec: request(e, input, p.headers, "B's id in the path", `${e.id} with B's ${names.join(', ')}`),
        expect: allows(p, e) ? [404] : [403],
        note: '',
      });
    }
  }
  return calls;
}

/** Every project-scoped operation with x-project-id naming B (by name and by id) from A's keys: as if B did not exist. */
export function projectHeaderCalls(
  endpoints: Endpoint[],
  a: SeededProject,
  b: SeededProject,
  principals: Principal[],
  rng: Rng,
): Call[] {
  const calls: Call[] = [];
  for (const e of endpoints) {
    if (e.scope !== 'read' && e.scope !== 'write' && e.scope !== 'admin') continue;
    for (const p of principals.filter((x) => x.scope !== 'master')) {
      for (const [how, value] of [
        ['name', b.name],
        ['id', b.id],
      ]) {
        const input = inputFor(e, (name) => idIn(a, e, name, rng), rng);
        calls.push({
          group: 'x-project-id: B',
          principal: p,
          spec: request(
            e,
            input,
            { ...p.headers, 'x-project-id': value! },
            'x-project-id: B',
            `${e.id} with x-project-id = B's ${how}`,
          ),
          expect: allows(p, e) ? [404] : [403],
          note: '',
        });
      }
    }
  }
  return calls;
}

/** Every operation called by an A key whose scope is too small (on A's own objects): 403, nothing written. */
export function escalationCalls(endpoints: Endpoint[], a: SeededProject, principals: Principal[], rng: Rng): Call[] {
  const calls: Call[] = [];
  for (const e of endpoints) {
    for (const p of principals.filter((x) => x.scope !== 'master' && !allows(x, e))) {
      const input = inputFor(e, (name) => idIn(a, e, name, rng), rng);
      calls.push({
        group: 'scope escalation',
        principal: p,
        spec: request(e, input, p.headers, 'scope escalation', `${e.id} (needs ${e.scope}) with ${p.name}`),
        expect: [403],
        note: '',
      });
    }
  }
  return calls;
}
