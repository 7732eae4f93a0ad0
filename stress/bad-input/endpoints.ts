import { z, type ZodType } from 'zod';
import { appRouter } from '../../server/trpc/routers/_app';
import type { JsonSchema } from './schema';

/**
 * The surfaces under test, discovered rather than listed: every operation of the OpenAPI document the
 * running server serves, and every procedure of the tRPC router (with its zod input as JSON Schema, the
 * way the OpenAPI generator converts it). A new endpoint is covered without touching this suite.
 */
export type Scope = 'public' | 'session' | 'read' | 'write' | 'admin' | 'master';
export type Endpoint = {
  surface: 'rest' | 'trpc';
  /** `POST /records/{id}` or `records.create` */
  id: string;
  family: string;
  method: string;
  path: string;
  pathParams: { name: string; schema: JsonSchema }[];
  queryParams: { name: string; schema: JsonSchema; required: boolean }[];
  /** REST: the request body's schema; tRPC: the whole input's. */
  input?: JsonSchema;
  scope: Scope;
  /** Could change stored data if it were accepted. */
  writes: boolean;
  /** The /tx routes read x-transaction-id themselves (begin refuses one, the others ignore it). */
  txRoute: boolean;
  hasInput: boolean;
  /** What `$ref`s in `input` resolve against: the OpenAPI document, or the tRPC input's own schema. */
  schemaRoot: JsonSchema;
};

export function restEndpoints(doc: any): Endpoint[] {
  const out: Endpoint[] = [];
  for (const [path, ops] of Object.entries<any>(doc.paths)) {
    for (const [m, op] of Object.entries<any>(ops)) {
      const method = m.toUpperCase();
      const params = (op.parameters ?? []) as any[];
      const scope = op['x-engram-scope'] as Scope;
      out.push({
        surface: 'rest',
        id: `${method} ${path}`,
        family: `rest ${path.split('/')[1]}`,
        method,
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => ({ name: p.name, schema: p.schema })),
        queryParams: params
          .filter((p) => p.in === 'query')
          .map((p) => ({ name: p.name, schema: p.schema, required: Boolean(p.required) })),
        input: op.requestBody?.content?.['application/json']?.schema,
        scope,
        writes: method !== 'GET' && scope !== 'read' && scope !== 'public',
        txRoute: path === '/tx' || path.startsWith('/tx/'),
        hasInput: true,
        schemaRoot: doc,
      });
    }
  }
  return out;
}

type ProcDef = { type: 'query' | 'mutation' | 'subscription'; meta?: { auth?: Scope }; inputs: ZodType[] };

export function trpcEndpoints(): Endpoint[] {
  const procedures = (appRouter as any)._def.procedures as Record<string, { _def: ProcDef }>;
  const out: Endpoint[] = [];
  for (const [name, proc] of Object.entries(procedures)) {
    const def = proc._def;
    if (def.type === 'subscription') continue;
    const schema = def.inputs[0];
    const input = schema ? (z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema) : undefined;
    const scope = def.meta?.auth ?? 'public';
    out.push({
      surface: 'trpc',
      id: name,
      family: `trpc ${name.split('.')[0]}`,
      method: def.type === 'query' ? 'GET' : 'POST',
      path: `/api/trpc/${name}`,
      pathParams: [],
      queryParams: [],
      input,
      scope,
      writes: def.type === 'mutation' && scope !== 'public',
      txRoute: name.startsWith('tx.'),
      hasInput: Boolean(schema),
      schemaRoot: input ?? {},
    });
  }
  return out;
}
