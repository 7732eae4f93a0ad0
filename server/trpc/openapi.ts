import { z, type ZodType } from 'zod';
import type { AnyRouter } from '@trpc/server';
import { languageComponents, LANGUAGE_REF } from '@/server/domain/query';
import { collectRoutes } from './routes';

/**
 * The OpenAPI 3.1 document, derived from the same procedures and zod schemas that validate requests,
 * so it cannot drift from what the server accepts and returns.
 */
type JsonSchema = Record<string, unknown> & { properties?: Record<string, JsonSchema>; required?: string[] };

/** Nodes marked as the query language point at its components instead of the loose runtime shape. */
function linkLanguage(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(linkLanguage);
  if (typeof node !== 'object' || node === null) return node;
  const o = node as Record<string, unknown>;
  if (typeof o[LANGUAGE_REF] === 'string') {
    const ref: Record<string, unknown> = { $ref: `#/components/schemas/${o[LANGUAGE_REF]}` };
    if (o.description) ref.description = o.description;
    return ref;
  }
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, linkLanguage(v)]));
}

function toSchema(schema: ZodType | undefined, io: 'input' | 'output'): JsonSchema {
  if (!schema) return { type: 'object' };
  const out = linkLanguage(z.toJSONSchema(schema, { io, unrepresentable: 'any' })) as JsonSchema;
  delete out.$schema;
  return out;
}

/** An optional object input becomes `anyOf: [object, not-given]`; unwrap to the object. */
function objectPart(s: JsonSchema): JsonSchema {
  const anyOf = s.anyOf as JsonSchema[] | undefined;
  if (anyOf) return anyOf.find((x) => x.type === 'object') ?? s;
  return s;
}

const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: {
          type: 'string',
          enum: [
            'INVALID',
            'UNAUTHORIZED',
            'FORBIDDEN',
            'NOT_FOUND',
            'CONFLICT',
            'LIMIT_EXCEEDED',
            'UNAVAILABLE',
            'INTERNAL',
          ],
        },
        message: { type: 'string' },
        details: {
          type: 'object',
          properties: {
            path: { type: 'array', items: { type: ['string', 'number'] } },
            expected: { type: 'string' },
            got: {},
          },
          additionalProperties: true,
        },
      },
    },
  },
};

export function buildOpenApiDocument(router: AnyRouter, opts: { version: string; serverUrl: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of collectRoutes(router)) {
    const { openapi } = route;
    const input = objectPart(toSchema(route.input, 'input'));
    const props = { ...(input.properties ?? {}) };
    const required = new Set(input.required ?? []);
    const parameters: unknown[] = route.pathParams.map((name) => ({
      name,
      in: 'path',
      required: true,
      schema: props[name] ?? { type: 'string' },
    }));
    for (const name of route.pathParams) {
      delete props[name];
      required.delete(name);
    }
    const operation: Record<string, unknown> = {
      operationId: route.procedurePath,
      summary: openapi.summary,
      tags: openapi.tags,
      security: route.auth === 'public' ? [] : [{ bearerAuth: [] }],
      'x-engram-scope': route.auth,
    };
    const rest: JsonSchema = { ...input, properties: props, required: [...required] };
    if (rest.required?.length === 0) delete rest.required;
    if (openapi.method === 'GET' || openapi.method === 'DELETE') {
      for (const [name, schema] of Object.entries(props)) {
        parameters.push({ name, in: 'query', required: required.has(name), schema });
      }
    } else if (Object.keys(props).length > 0 || input.type !== 'object') {
      operation.requestBody = { required: required.size > 0, content: { 'application/json': { schema: rest } } };
    }
    if (route.auth !== 'public' && route.auth !== 'master') {
      parameters.push(
        {
          name: 'x-project-id',
          in: 'header',
          required: false,
          schema: { type: 'string' },
          description: 'with the master key: the project (id or name), default `default`',
        },
        {
          name: 'x-transaction-id',
          in: 'header',
          required: false,
          schema: { type: 'string', format: 'uuid' },
          description: 'run this call inside an open transaction (POST /tx)',
        },
      );
    }
    if (parameters.length > 0) operation.parameters = parameters;

    const output = toSchema(route.output, 'output');
    let body: JsonSchema = { type: 'object', required: ['data'], properties: { data: output } };
    if (openapi.envelope === 'list') {
      const items = output.properties?.items ?? { type: 'array' };
      body = { type: 'object', required: ['data', 'total'], properties: { data: items, total: { type: 'integer' } } };
    }
    const success = openapi.raw
      ? { description: 'Success', content: { [openapi.raw.contentType]: { schema: { type: 'string' } } } }
      : { description: 'Success', content: { 'application/json': { schema: body } } };
    const errorRef = {
      description: 'Error',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
    operation.responses = {
      [String(openapi.status ?? 200)]: success,
      '400': errorRef,
      '401': errorRef,
      '403': errorRef,
      '404': errorRef,
      '409': errorRef,
      '413': errorRef,
      '503': errorRef,
    };
    const p = (paths[openapi.path] ??= {});
    p[openapi.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Engram REST API',
      version: opts.version,
      description:
        'Generated from the tRPC procedures. Authenticate with `Authorization: Bearer <key>`; with the master key, choose the project with the `x-project-id` header (id or name, default `default`).',
    },
    servers: [{ url: opts.serverUrl }],
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } },
      schemas: { Error: ERROR_SCHEMA, ...languageComponents() },
    },
    paths,
  };
}
