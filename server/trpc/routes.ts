import type { ZodType } from 'zod';
import type { AnyRouter } from '@trpc/server';
import type { Meta, OpenApiMeta } from './init';

/** A procedure exposed under /api/v1, read from its `meta.openapi`. */
export type RestRoute = {
  procedurePath: string;
  type: 'query' | 'mutation';
  openapi: OpenApiMeta;
  auth: Meta['auth'];
  pattern: RegExp;
  pathParams: string[];
  input?: ZodType;
  output?: ZodType;
};

type ProcedureDef = { type: 'query' | 'mutation' | 'subscription'; meta?: Meta; inputs: unknown[]; output?: unknown };

export function collectRoutes(router: AnyRouter): RestRoute[] {
  const procedures = router._def.procedures as Record<string, { _def: ProcedureDef }>;
  const routes: RestRoute[] = [];
  for (const [procedurePath, proc] of Object.entries(procedures)) {
    const def = proc._def;
    const openapi = def.meta?.openapi;
    if (!openapi || def.type === 'subscription') continue;
    const pathParams: string[] = [];
    const source = openapi.path
      .split('/')
      .map((segment) => {
        const param = /^\{(\w+)\}$/.exec(segment);
        if (!param) return segment.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&');
        pathParams.push(param[1]!);
        return '([^/]+)';
      })
      .join('/');
    routes.push({
      procedurePath,
      type: def.type,
      openapi,
      auth: def.meta?.auth,
      pattern: new RegExp(`^${source}$`),
      pathParams,
      input: def.inputs[0] as ZodType | undefined,
      output: def.output as ZodType | undefined,
    });
  }
  // A static segment beats a parameter: POST /relationships/search before POST /relationships/{sourceId}.
  return routes.sort((a, b) => a.pathParams.length - b.pathParams.length);
}
