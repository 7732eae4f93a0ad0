import { MASTER_KEY } from '../lib/server';
import type { Rng } from '../lib/rng';
import type { SeededProject } from '../lib/seed';
import type { Endpoint } from './endpoints';
import { restRequest, trpcRequest, type Spec, type Transport } from './render';
import { Schemas } from './schema';

/**
 * What every request class needs: the seeded projects (whose ids fill paths and bodies, so destructive
 * endpoints aim at real data), a caller for the endpoint, a plausible valid input to break, and the
 * step from an input to a request on the endpoint's surface.
 */
export type Target = { project: SeededProject | null; headers: Record<string, string>; who: string };

export type GenContext = {
  rng: Rng;
  maxBody: number;
  a: SeededProject;
  b: SeededProject;
  /** The secret of a key revoked during seeding. */
  revokedKey: string;
  /** REST methods per path, for wrong-method requests. */
  restMethods: Map<string, Set<string>>;
};

export type CaseDef = {
  kind: string;
  /** Requests of megabytes: sent in the first pass, then rarely. */
  heavy?: boolean;
  /** How many distinct variants apply to this endpoint (0: not applicable). */
  variants: (e: Endpoint, s: Schemas, ctx: GenContext) => number;
  make: (e: Endpoint, s: Schemas, ctx: GenContext, variant: number) => Spec | null;
};

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

export function target(e: Endpoint, ctx: GenContext): Target {
  const { rng, a, b } = ctx;
  if (e.scope === 'master' || e.scope === 'public' || e.scope === 'session')
    return { project: null, headers: bearer(MASTER_KEY), who: 'master' };
  const r = rng.next();
  if (r < 0.45) return { project: a, headers: { ...bearer(MASTER_KEY), 'x-project-id': a.name }, who: 'master→A' };
  if (r < 0.55) return { project: a, headers: { ...bearer(MASTER_KEY), 'x-project-id': a.id }, who: 'master→A(id)' };
  if (r < 0.7) return { project: b, headers: { ...bearer(MASTER_KEY), 'x-project-id': b.name }, who: 'master→B' };
  if (r < 0.9) return { project: a, headers: bearer(a.keys.admin), who: 'A admin key' };
  return { project: b, headers: bearer(b.keys.admin), who: 'B admin key' };
}

export type Resource = 'record' | 'key' | 'index' | 'suggestion' | 'tx';
export function resourceOf(e: Endpoint): Resource {
  const id = e.id;
  if (/keys/.test(id)) return 'key';
  if (/indexes/.test(id)) return 'index';
  if (/suggestions/.test(id)) return 'suggestion';
  if (/(^|\/)tx(\.|\/|$)/.test(id) || id.startsWith('tx.')) return 'tx';
  return 'record';
}

/** A real id of the right kind in the target's project (a fresh random one where there is none). */
export function idFor(e: Endpoint, name: string, t: Target, rng: Rng): string {
  const p = t.project;
  if (!p) return rng.uuid();
  const own = name === 'id' || name === 'sourceId' ? resourceOf(e) : 'record';
  switch (own) {
    case 'key':
      return p.victimKeyIds.length ? rng.pick(p.victimKeyIds) : rng.uuid();
    case 'index':
      return rng.pick([p.indexIds.managed, p.indexIds.external]);
    case 'suggestion':
      return p.suggestionIds.length ? rng.pick(p.suggestionIds) : rng.uuid();
    case 'tx':
      return rng.pick([p.tx.committed, p.tx.rolledBack]);
    default:
      return rng.pick(p.allRecordIds);
  }
}

export const schemasOf = (e: Endpoint) => new Schemas(e.schemaRoot);

/** A plausible valid input: REST body fields plus path parameters; tRPC the whole input. */
export function baseInput(e: Endpoint, s: Schemas, ctx: GenContext, t: Target): Record<string, unknown> {
  const ex = { rng: ctx.rng, idFor: (name: string) => idFor(e, name, t, ctx.rng) };
  const out =
    (e.input ? (s.example(s.objectPart(e.input), 'input', ex) as Record<string, unknown> | undefined) : undefined) ??
    {};
  for (const p of e.pathParams) out[p.name] = idFor(e, p.name, t, ctx.rng);
  return out;
}

/** The request for `input` on the endpoint's surface, with the target's credentials unless `t.headers` says otherwise. */
export function finish(
  e: Endpoint,
  kind: string,
  mustReject: boolean,
  note: string,
  input: unknown,
  tgt: Target,
  transport: Partial<Transport> & { inputText?: string } = {},
): Spec {
  const t: Transport & { inputText?: string } = { ...transport, headers: transport.headers ?? tgt.headers };
  const req = e.surface === 'rest' ? restRequest(e, input, t) : trpcRequest(e, input, t);
  const writes = req.method !== 'GET' && req.method !== 'HEAD' && (e.writes || req.method !== e.method);
  return { endpoint: e, kind, mustReject, writes, ...req, note: `${note} [as ${tgt.who}]` };
}

/** An object-valued field of the base input to plant keys in (data, where, options, an op), or the top level. */
export function objectSlots(base: Record<string, unknown>): (string | number)[][] {
  const slots: (string | number)[][] = [[]];
  for (const [k, v] of Object.entries(base)) {
    if (v && typeof v === 'object' && !Array.isArray(v)) slots.push([k]);
    if (Array.isArray(v) && v[0] && typeof v[0] === 'object' && !Array.isArray(v[0])) slots.push([k, 0]);
  }
  return slots;
}
