import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { expect, type APIRequestContext, type APIResponse } from '@playwright/test';
import { asMaster, createProject, expectStatus, REST, type ErrorBody, type Project } from '../../helpers/api';
import { E2E_BASE_URL } from '../../helpers/env';

/**
 * The contract suite's client. Every REST call names its operation as the OpenAPI document spells it
 * (`'PATCH /records/{id}'`), and every answer is checked against that document: the status must be one
 * the operation documents (the success status exactly), the content type the documented one, and the
 * body must validate against the documented response schema (ajv, JSON Schema 2020-12 as OpenAPI 3.1
 * uses it). So the document and the wire cannot drift apart. coverage.spec.ts reads the spec files for
 * `.ok('<operation>'` and `.fails('<operation>'`: every operation needs both.
 */
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type Operation = `${Method} /${string}`;

type MediaType = { schema: unknown };
export type DocOperation = {
  operationId: string;
  'x-engram-scope'?: string;
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: { content: Record<string, MediaType> };
  responses: Record<string, { description: string; content?: Record<string, MediaType> }>;
};
export type OpenApiDocument = {
  openapi: string;
  paths: Record<string, Record<string, DocOperation>>;
  components: { schemas: Record<string, unknown> };
};

const DOC_ID = 'engram-openapi.json';
const pointer = (parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

class Contract {
  private readonly ajv: Ajv2020;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(readonly doc: OpenApiDocument) {
    // strict: false — the document is an OpenAPI document, not a schema; its non-schema keys (paths,
    // responses, parameters) are ignored, and its $refs (#/components/schemas/…) resolve inside it.
    this.ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addSchema({ ...doc, $id: DOC_ID });
  }

  operations(): Operation[] {
    return Object.entries(this.doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}` as Operation),
    );
  }

  operation(op: Operation): DocOperation {
    const [method, path] = split(op);
    const found = this.doc.paths[path]?.[method.toLowerCase()];
    if (!found) throw new Error(`${op} is not in the OpenAPI document`);
    return found;
  }

  byOperationId(id: string): { op: Operation; operation: DocOperation } {
    for (const op of this.operations()) {
      const operation = this.operation(op);
      if (operation.operationId === id) return { op, operation };
    }
    throw new Error(`No operation ${id} in the OpenAPI document`);
  }

  successStatus(op: Operation): number {
    const codes = Object.keys(this.operation(op).responses).filter((s) => s.startsWith('2'));
    expect(codes, `${op} documents exactly one success status`).toHaveLength(1);
    return Number(codes[0]);
  }

  /** The documented media type and its validator for `status` of `op`. */
  response(op: Operation, status: number): { mediaType: string; validate: ValidateFunction } {
    const [method, path] = split(op);
    const response = this.operation(op).responses[String(status)];
    expect(response, `${op} documents the status ${status}`).toBeDefined();
    const types = Object.keys(response!.content ?? {});
    expect(types, `${op} ${status} documents one media type`).toHaveLength(1);
    const mediaType = types[0]!;
    const key = `${op} ${status}`;
    let validate = this.validators.get(key);
    if (!validate) {
      const ref = pointer([
        'paths',
        path,
        method.toLowerCase(),
        'responses',
        String(status),
        'content',
        mediaType,
        'schema',
      ]);
      validate = this.ajv.compile({ $ref: `${DOC_ID}#/${ref}` });
      this.validators.set(key, validate);
    }
    return { mediaType, validate };
  }

  /** The documented request body's validator (undefined when the operation documents none). */
  request(op: Operation): ValidateFunction | undefined {
    const [method, path] = split(op);
    if (!this.operation(op).requestBody?.content['application/json']) return undefined;
    const key = `${op} request`;
    let validate = this.validators.get(key);
    if (!validate) {
      const ref = pointer([
        'paths',
        path,
        method.toLowerCase(),
        'requestBody',
        'content',
        'application/json',
        'schema',
      ]);
      validate = this.ajv.compile({ $ref: `${DOC_ID}#/${ref}` });
      this.validators.set(key, validate);
    }
    return validate;
  }

  envelopeKeys(op: Operation, status: number): string[] {
    const schema = this.operation(op).responses[String(status)]?.content?.['application/json']?.schema as
      { properties?: Record<string, unknown> } | undefined;
    return Object.keys(schema?.properties ?? {}).sort();
  }

  component(name: string): ValidateFunction {
    const key = `#/components/schemas/${name}`;
    let validate = this.validators.get(key);
    if (!validate) {
      expect(this.doc.components.schemas[name], `the document has the component ${name}`).toBeDefined();
      validate = this.ajv.compile({ $ref: `${DOC_ID}${key}` });
      this.validators.set(key, validate);
    }
    return validate;
  }

  /** Fails with ajv's own words (and the body) when `body` does not match the documented schema. */
  check(what: string, validate: ValidateFunction, body: unknown) {
    if (!validate(body)) {
      const errors = (validate.errors ?? [])
        .slice(0, 8)
        .map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
      expect(
        errors,
        `${what}: the body does not match the OpenAPI schema\n${JSON.stringify(body).slice(0, 2000)}`,
      ).toEqual([]);
    }
  }
}

/**
 * The procedure behind a REST operation answers tRPC with the same value, unwrapped: validates a tRPC
 * result against that operation's documented body (a list envelope is { data: items, total }). Raw
 * routes (text bodies) and tRPC-only procedures have no JSON schema to hold them to and are skipped.
 */
export async function checkTrpcResult(procedure: string, data: unknown): Promise<boolean> {
  const c = await contract();
  const found = c.operations().find((op) => c.operation(op).operationId === procedure);
  if (!found) return false;
  const status = c.successStatus(found);
  const { mediaType, validate } = c.response(found, status);
  if (mediaType !== 'application/json') return false;
  const schema = c.operation(found).responses[String(status)]!.content![mediaType]!.schema as { required?: string[] };
  const listed = schema.required?.includes('total') ?? false;
  const body = listed
    ? { data: (data as { items: unknown }).items, total: (data as { total: unknown }).total }
    : { data };
  c.check(`tRPC ${procedure}`, validate, body);
  return true;
}

/** Validates a tRPC error's `data.domain` against the document's Error schema (the REST `error`). */
export async function checkDomainError(domain: unknown) {
  const c = await contract();
  c.check('tRPC error.data.domain', c.component('Error'), { error: domain });
}

function split(op: Operation): [Method, string] {
  const i = op.indexOf(' ');
  return [op.slice(0, i) as Method, op.slice(i + 1)];
}

let loading: Promise<Contract> | undefined;

/** The document the running server serves, fetched once per worker. */
export function contract(): Promise<Contract> {
  loading ??= (async () => {
    const res = await fetch(`${E2E_BASE_URL}${REST}/openapi.json`);
    if (res.status !== 200) throw new Error(`GET ${REST}/openapi.json answered ${res.status}`);
    return new Contract((await res.json()) as OpenApiDocument);
  })();
  return loading;
}

export type CallOptions = {
  /** Path parameters, by the names in the operation's path. */
  params?: Record<string, string>;
  query?: Record<string, string | number | boolean | string[]>;
  /** A JSON body (or, with `raw`, the exact text sent). */
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  /** Give up after this many ms (Playwright's default is the test's own timeout). */
  timeout?: number;
};

function urlOf(op: Operation, opts: CallOptions): string {
  const [, path] = split(op);
  const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = opts.params?.[name];
    if (value === undefined) throw new Error(`${op} needs the path parameter ${name}`);
    return encodeURIComponent(value);
  });
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(opts.query ?? {}))
    for (const one of Array.isArray(v) ? v : [v]) qs.append(k, String(one));
  const q = qs.toString();
  return `${REST}${filled}${q ? `?${q}` : ''}`;
}

export type Client = {
  project: Project;
  headers: Record<string, string>;
  /** Calls `op`, expects its documented success status and a body matching its schema; returns the body (text for raw routes). */
  ok: (op: Operation, opts?: CallOptions) => Promise<any>;
  /** Calls `op`, expects `status` (documented for it) and the error `code`; returns the error. */
  fails: (op: Operation, status: number, code: string, opts?: CallOptions) => Promise<ErrorBody['error']>;
  /** The same project with other headers (a key, none, a transaction). */
  with: (headers: Record<string, string>) => Client;
  /** This client's calls inside the transaction `id` (x-transaction-id). */
  inTx: (id: string) => Client;
  request: APIRequestContext;
};

async function send(
  request: APIRequestContext,
  op: Operation,
  opts: CallOptions,
  headers: Record<string, string>,
): Promise<APIResponse> {
  const [method] = split(op);
  const allHeaders = { ...headers, ...opts.headers };
  if (opts.raw !== undefined) allHeaders['content-type'] ??= 'application/json';
  return request.fetch(urlOf(op, opts), {
    method,
    headers: allHeaders,
    data: opts.raw ?? opts.body,
    failOnStatusCode: false,
    maxRedirects: 0,
    ...(opts.timeout ? { timeout: opts.timeout } : {}),
  });
}

export function client(request: APIRequestContext, project: Project, headers: Record<string, string>): Client {
  const self: Client = {
    project,
    headers,
    request,
    async ok(op, opts = {}) {
      const c = await contract();
      // What the server accepts must be what the document says it accepts.
      const input = c.request(op);
      if (input && opts.body !== undefined) c.check(`${op} request body`, input, opts.body);
      else if (opts.body !== undefined)
        expect(c.operation(op).requestBody, `${op} documents a request body`).toBeDefined();
      const res = await send(request, op, opts, headers);
      const status = c.successStatus(op);
      await expectStatus(res, status);
      const { mediaType, validate } = c.response(op, status);
      expect(res.headers()['content-type'], `${op} answers ${mediaType}`).toContain(mediaType);
      const body = mediaType === 'application/json' ? await res.json() : await res.text();
      c.check(`${op} ${status}`, validate, body);
      // The envelope is open in the document ({ data } or { data, total }); hold the wire to exactly it.
      if (mediaType === 'application/json')
        expect(Object.keys(body).sort(), `${op}: the envelope`).toEqual(c.envelopeKeys(op, status));
      return body;
    },
    async fails(op, status, code, opts = {}) {
      const c = await contract();
      const res = await send(request, op, opts, headers);
      await expectStatus(res, status);
      const { mediaType, validate } = c.response(op, status);
      expect(mediaType).toBe('application/json');
      expect(res.headers()['content-type']).toContain('application/json');
      const body = (await res.json()) as ErrorBody;
      c.check(`${op} ${status}`, validate, body);
      expect(Object.keys(body)).toEqual(['error']);
      expect(body.error.code, `${op}: ${body.error.message}`).toBe(code);
      expect(body.error.message.length).toBeGreaterThan(0);
      return body.error;
    },
    with: (h) => client(request, project, h),
    inTx: (id) => client(request, project, { ...headers, 'x-transaction-id': id }),
  };
  return self;
}

/** A fresh project and a master-key client acting on it. */
export async function freshProject(request: APIRequestContext, prefix = 'contract'): Promise<Client> {
  const project = await createProject(request, prefix);
  return client(request, project, asMaster(project.id));
}

/** Asserts a validation error names the offending JSON path. */
export function expectPath(error: ErrorBody['error'], path: (string | number)[]) {
  expect(error.details?.path, `details.path of: ${error.message}`).toEqual(path);
}

/** Polls an index until it is ready (backfill is a background job). */
export async function untilReady(c: Client, indexId: string) {
  await expect
    .poll(async () => (await c.ok('GET /ai/indexes/{id}', { params: { id: indexId } })).data.status, {
      timeout: 30_000,
      intervals: [100, 200, 500],
    })
    .toBe('ready');
}

export const NO_SUCH_ID = '00000000-0000-7000-8000-000000000000';
