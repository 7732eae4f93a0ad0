import { describe, expect, it } from 'vitest';
import { appRouter } from '@/server/trpc/routers/_app';
import { contract, type Operation } from '.';

type ProcDef = { type: string; meta?: { openapi?: unknown }; inputs: unknown[]; output?: unknown };

/** Every operation of the contract, by its dotted path (the tRPC procedure path). */
function operations(node: object, prefix = ''): Map<string, Operation> {
  const out = new Map<string, Operation>();
  for (const [key, value] of Object.entries(node)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if ('openapi' in value && 'input' in value) out.set(path, value as Operation);
    else for (const [p, o] of operations(value as object, path)) out.set(p, o);
  }
  return out;
}

describe('the API contract', () => {
  const ops = operations(contract);
  const procedures = appRouter._def.procedures as unknown as Record<string, { _def: ProcDef }>;

  it('is what the routers implement: each REST procedure uses its operation’s route and schemas, by identity', () => {
    const rest = Object.entries(procedures).filter(([, p]) => p._def.meta?.openapi);
    expect(rest.length).toBeGreaterThan(40);
    for (const [path, proc] of rest) {
      const op = ops.get(path);
      expect(op, `${path} is in the contract`).toBeDefined();
      expect(proc._def.meta!.openapi, path).toBe(op!.openapi);
      expect(proc._def.inputs[0], path).toBe(op!.input);
      expect(proc._def.output, path).toBe(op!.output);
      expect(proc._def.type, path).toBe(op!.kind === 'read' ? 'query' : 'mutation');
    }
  });

  it('has no operation the routers do not serve', () => {
    for (const path of ops.keys()) expect(procedures[path]?._def.meta?.openapi, path).toBeDefined();
  });

  it('gives every route a distinct method and path', () => {
    const seen = new Set<string>();
    for (const [path, op] of ops) {
      const key = `${op.openapi.method} ${op.openapi.path}`;
      expect(seen.has(key), `${path}: ${key} twice`).toBe(false);
      seen.add(key);
    }
  });
});
