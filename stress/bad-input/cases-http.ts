import { MASTER_KEY } from '../lib/server';
import type { Endpoint } from './endpoints';
import { baseInput, bearer, finish, target, type CaseDef, type GenContext, type Target } from './gen';
import { toJson, type Body, type Spec } from './render';
import { badValues, type Schemas } from './schema';

/**
 * Request classes that break the request around the input: the body on the wire (truncated, not JSON,
 * invalid UTF-8, content types), the path (bad ids, broken percent-encoding), the query string, the
 * credentials and the project / transaction headers, the method, routes that do not exist, and tRPC
 * batches.
 */
const hasBody = (e: Endpoint) => e.method !== 'GET';
const projectScoped = (e: Endpoint) => e.scope === 'read' || e.scope === 'write' || e.scope === 'admin';

/** The base input as JSON text on the wire, broken by `mutate`; tRPC queries carry it in ?input=. */
function wire(
  e: Endpoint,
  s: Schemas,
  ctx: GenContext,
  kind: string,
  mustReject: boolean,
  note: string,
  mutate: (json: string) => string,
): Spec | null {
  const t = target(e, ctx);
  const base = baseInput(e, s, ctx, t);
  const text = mutate(toJson(stripPath(e, base)));
  if (e.surface === 'trpc' && e.method === 'GET')
    return finish(e, kind, mustReject, note, base, t, { inputText: text });
  if (!hasBody(e)) return null;
  return finish(e, kind, mustReject, note, base, t, { body: { kind: 'text', text } });
}

/** REST path parameters travel in the path, not the body. */
function stripPath(e: Endpoint, base: Record<string, unknown>) {
  if (e.surface === 'trpc') return base;
  const out = { ...base };
  for (const p of e.pathParams) delete out[p.name];
  return out;
}

function truncate(json: string, ctx: GenContext): string {
  for (let i = 0; i < 8; i++) {
    const cut = json.slice(0, ctx.rng.range(1, Math.max(1, json.length - 1)));
    try {
      JSON.parse(cut);
    } catch {
      return cut;
    }
  }
  return json.slice(0, -1) || '{';
}

const NOT_JSON = ['hello', "{label: 'x'}", '{"a":1}{"b":2}', 'NaN', '[1,]', "{'a':1}", '{"a":1,}', 'undefined'];
const BAD_UTF8 = [[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0x80], [0xe2, 0x82]];

function utf8Body(json: string, bad: number[]): Body {
  const enc = new TextEncoder();
  const head = enc.encode('{"zzBad":"a');
  const tail = enc.encode(json.length > 2 ? `",${json.slice(1)}` : '"}');
  return { kind: 'bytes', bytes: new Uint8Array([...head, ...bad, ...tail]) };
}

const BAD_IDS: [string, boolean?][] = [
  ['not-a-uuid'],
  ['1'],
  ['01234567-89ab-9def-0123-456789abcdef'],
  ['%00'],
  ['%E0%A4%A'],
  ['%ZZ'],
  ['%C0%AF'],
  ['%ED%A0%80'],
  ['x'.repeat(5000)],
  ["'%20OR%20'1'%3D'1"],
  ['a%2Fb'],
  ['%2e%2e', true],
  ['caf%C3%A9'],
  ['%F0%9F%98%80'],
];

export const httpCases: CaseDef[] = [
  {
    kind: 'truncated JSON',
    variants: (e) => (e.surface === 'trpc' ? (e.hasInput ? 3 : 0) : hasBody(e) ? 3 : 0),
    make: (e, s, ctx) => wire(e, s, ctx, 'truncated JSON', true, 'input cut short', (j) => truncate(j, ctx)),
  },
  {
    kind: 'not JSON',
    variants: (e) => (e.surface === 'trpc' ? (e.hasInput ? NOT_JSON.length : 0) : hasBody(e) ? NOT_JSON.length : 0),
    make: (e, s, ctx, v) =>
      wire(e, s, ctx, 'not JSON', true, `input ${JSON.stringify(NOT_JSON[v])}`, () => NOT_JSON[v]!),
  },
  {
    kind: 'invalid UTF-8',
    variants: (e) => (hasBody(e) ? BAD_UTF8.length : e.surface === 'trpc' && e.hasInput ? 1 : 0),
    make: (e, s, ctx, v) => {
      const t = target(e, ctx);
      const base = baseInput(e, s, ctx, t);
      // In a query's URL the bytes are percent-encoded; URL decoding replaces them with U+FFFD.
      if (!hasBody(e))
        return finish(e, 'invalid UTF-8', false, 'input with %FF in the URL', undefined, t, {
          query: 'input=%7B%22zz%22%3A%22%FF%22%7D',
        });
      const bad = BAD_UTF8[v]!;
      return finish(
        e,
        'invalid UTF-8',
        true,
        `bytes ${bad.map((b) => b.toString(16)).join(' ')} in a string`,
        base,
        t,
        { body: utf8Body(toJson(stripPath(e, base)), bad) },
      );
    },
  },
  {
    kind: 'content type',
    variants: (e) => (hasBody(e) ? 5 : 0),
    make: (e, s, ctx, v) => {
      const t = target(e, ctx);
      const base = baseInput(e, s, ctx, t);
      const text = toJson(stripPath(e, base));
      const trpc = e.surface === 'trpc';
      const variants: [string, string | null, boolean, Body?][] = [
        ['text/plain', 'text/plain', trpc],
        ['no content type', null, trpc],
        [
          'multipart/form-data',
          null,
          !trpc,
          {
            kind: 'form',
            fields: Object.entries(stripPath(e, base)).map(([k, x]) => [
              k,
              typeof x === 'string' ? x : JSON.stringify(x),
            ]),
          },
        ],
        ['application/json; charset=latin1', 'application/json; charset=latin1', false],
        ['application/x-www-form-urlencoded', 'application/x-www-form-urlencoded', trpc],
      ];
      const [name, contentType, mustReject, body] = variants[v]!;
      return finish(e, 'content type', mustReject, `${name} with a valid body`, base, t, {
        contentType,
        body: body ?? { kind: 'text', text },
      });
    },
  },
  {
    kind: 'bad path id',
    variants: (e) => (e.surface === 'rest' && e.pathParams.length ? BAD_IDS.length + 2 : 0),
    make: (e, s, ctx, v) => {
      const t = target(e, ctx);
      const base = baseInput(e, s, ctx, t);
      const param = ctx.rng.pick(e.pathParams).name;
      const other = t.project === ctx.b ? ctx.a : ctx.b;
      // The last two: a well-formed id nobody minted, and a real id of the other project (both 404).
      const [value, raw] =
        v < BAD_IDS.length ? BAD_IDS[v]! : v === BAD_IDS.length ? [ctx.rng.uuid()] : [ctx.rng.pick(other.allRecordIds)];
      return finish(e, 'bad path id', true, `${param} = ${value.slice(0, 40)}`, base, t, {
        pathValues: { [param]: value },
        raw,
      });
    },
  },
  {
    kind: 'bad query',
    variants: (e, s) => (e.surface === 'rest' ? 10 + declaredBad(e, s).length : 4),
    make: (e, s, ctx, v) => {
      const t = target(e, ctx);
      const base = baseInput(e, s, ctx, t);
      if (e.surface === 'trpc') {
        const q: [string, boolean, string][] = [
          ['input=%ZZ', e.hasInput, 'input=%ZZ'],
          ['zz=1', false, 'an extra parameter'],
          ['batch=abc', false, 'batch=abc'],
          [`zz=${'x'.repeat(20_000)}`, true, 'a 20 KB query (past 16 KiB of request line)'],
        ];
        const [query, mustReject, note] = q[v]!;
        return finish(e, 'bad query', mustReject, note, v === 0 ? undefined : base, t, { query });
      }
      const generic: [string, boolean][] = [
        ['zz=1', false],
        ['__proto__=x', true],
        ['%00=1', true],
        ['zz=%00', true],
        ['%ZZ=1&zz=%E0%A4%A', false],
        ['constructor=x&prototype=y', false],
        [`zz=${'x'.repeat(8000)}`, false],
        [`zz=${'x'.repeat(20_000)}`, true],
        ['input=%7B%7D', false],
        ['__proto__=a&__proto__=b', true],
      ];
      const [query, mustReject] = v < generic.length ? generic[v]! : declaredBad(e, s)[v - generic.length]!;
      return finish(e, 'bad query', mustReject, `?${query.slice(0, 60)}`, base, t, { query });
    },
  },
  {
    kind: 'bad credentials',
    variants: () => 12,
    make: (e, s, ctx, v) => {
      const t = target(e, ctx);
      const base = baseInput(e, s, ctx, t);
      const project: Record<string, string> = t.headers['x-project-id']
        ? { 'x-project-id': t.headers['x-project-id'] }
        : {};
      const variants: [string, Record<string, string>, boolean][] = [
        ['no authorization', {}, true],
        ['Bearer without a key', { authorization: 'Bearer' }, true],
        ['an unknown key', { authorization: `Bearer ${ctx.rng.word(32)}` }, true],
        ['Basic auth', { authorization: 'Basic dXNlcjpwYXNzd29yZA==' }, true],
        ['a revoked key', bearer(ctx.revokedKey), true],
        ['the master key plus a character', bearer(`${MASTER_KEY}x`), true],
        ['the master key less a character', bearer(MASTER_KEY.slice(0, -1)), true],
        ['lower-case scheme', { authorization: `bearer ${MASTER_KEY}` }, false],
        ['a key-shaped unknown key', bearer(`egk_${ctx.rng.word(40)}`), true],
        [
          'an admin key with one character changed',
          bearer(ctx.a.keys.admin.slice(0, -1) + (ctx.a.keys.admin.endsWith('a') ? 'b' : 'a')),
          true,
        ],
        ['two keys', { authorization: `Bearer ${ctx.rng.word(30)}, Bearer ${MASTER_KEY}` }, true],
        ['a forged session cookie', { cookie: `engram_session=${ctx.rng.word(40)}` }, true],
      ];
      const [name, headers, must] = variants[v]!;
      const mustReject = must && e.scope !== 'public';
      return finish(
        e,
        'bad credentials',
        mustReject,
        name,
        base,
        { ...t, who: name },
        { headers: { ...headers, ...project } },
      );
    },
  },
  {
    kind: 'bad x-project-id',
    variants: () => 11,
    make: (e, s, ctx, v) => {
      const { a, b } = ctx;
      const master = bearer(MASTER_KEY);
      const variants: [string, Record<string, string>, boolean, Target['project']][] = [
        ['a project that does not exist', { ...master, 'x-project-id': 'no-such-project-zz' }, true, null],
        ['a random uuid', { ...master, 'x-project-id': ctx.rng.uuid() }, true, null],
        ['an empty header', { ...master, 'x-project-id': '' }, false, null],
        ['4,000 characters', { ...master, 'x-project-id': 'p'.repeat(4000) }, true, null],
        ['SQL', { ...master, 'x-project-id': "' OR 1=1 --" }, true, null],
        ["B's name from A's key", { ...bearer(a.keys.admin), 'x-project-id': b.name }, true, a],
        ["B's id from A's key", { ...bearer(a.keys.admin), 'x-project-id': b.id }, true, a],
        ["default from A's key", { ...bearer(a.keys.admin), 'x-project-id': 'default' }, true, a],
        ['latin-1 bytes', { ...master, 'x-project-id': 'caf\u00e9' }, true, null],
        ['padded with spaces', { ...master, 'x-project-id': `  ${a.name}  ` }, false, a],
        ["A's own id from A's key", { ...bearer(a.keys.admin), 'x-project-id': a.id }, false, a],
      ];
      const [name, headers, must, project] = variants[v]!;
      const t: Target = { project: project ?? a, headers, who: name };
      return finish(e, 'bad x-project-id', must && projectScoped(e), name, baseInput(e, s, ctx, t), t, { headers });
    },
  },
  {
    kind: 'bad transaction id',
    variants: (e) => (e.surface === 'trpc' ? 12 : 8),
    make: (e, s, ctx, v) => {
      const t = target(e, ctx);
      const p = t.project ?? ctx.a;
      const other = p === ctx.a ? ctx.b : ctx.a;
      const values: [string | number, boolean, string][] = [
        ['not-a-uuid', true, 'not a uuid'],
        [ctx.rng.uuid(), true, 'a uuid never opened'],
        [p.tx.committed, true, 'a committed transaction'],
        [p.tx.rolledBack, true, 'a rolled-back transaction'],
        [other.tx.committed, true, "the other project's transaction"],
        [`${ctx.rng.uuid()}, ${ctx.rng.uuid()}`, true, 'two uuids'],
        ['   ', false, 'blank'],
        ['x'.repeat(500), true, '500 characters'],
      ];
      const inInput = v >= values.length;
      const [value, must, name] = inInput
        ? (
            [
              ['not-a-uuid', true, 'not a uuid'],
              [ctx.rng.uuid(), true, 'a uuid never opened'],
              [p.tx.committed, true, 'a committed transaction'],
              [5, true, 'a number'],
            ] as const
          )[v - values.length]!
        : values[v]!;
      const notParsed = typeof value === 'number' || value === 'not-a-uuid';
      // /tx routes read the id themselves; public procedures only parse it.
      const mustReject = must && !e.txRoute && (e.scope !== 'public' || (inInput && notParsed));
      const base = baseInput(e, s, ctx, t);
      if (inInput)
        return finish(
          e,
          'bad transaction id',
          mustReject,
          `transactionId: ${name}`,
          { ...base, transactionId: value },
          t,
        );
      return finish(e, 'bad transaction id', mustReject && e.scope !== 'public', `x-transaction-id: ${name}`, base, t, {
        headers: { ...t.headers, 'x-transaction-id': String(value) },
      });
    },
  },
  {
    kind: 'wrong method',
    variants: (e, _s, ctx) => wrongMethods(e, ctx).length,
    make: (e, s, ctx, v) => {
      const method = wrongMethods(e, ctx)[v]!;
      const t = target(e, ctx);
      const base = baseInput(e, s, ctx, t);
      const body: Body | undefined =
        method === 'GET' || method === 'HEAD' ? undefined : { kind: 'text', text: toJson(stripPath(e, base)) };
      return finish(e, 'wrong method', true, `${method} instead of ${e.method}`, base, t, {
        method,
        body,
        raw: method === 'FOO',
      });
    },
  },
  {
    kind: 'tRPC batch',
    variants: (e) => (e.surface === 'trpc' ? 4 : 0),
    make: (e, s, ctx, v) => {
      const t = target(e, ctx);
      const base = baseInput(e, s, ctx, t);
      const get = e.method === 'GET';
      const bad = 'a string';
      const send = (
        paths: string[],
        inputs: Record<string, unknown> | string,
        kind: string,
        mustReject: boolean,
        note: string,
        writes = e.writes,
      ): Spec => {
        const text = typeof inputs === 'string' ? inputs : toJson(inputs);
        const path = `/api/trpc/${paths.join(',')}?batch=1${get ? `&input=${encodeURIComponent(text)}` : ''}`;
        const headers = { ...t.headers, ...(get ? {} : { 'content-type': 'application/json' }) };
        return {
          endpoint: e,
          kind,
          mustReject,
          writes: writes && !get,
          method: e.method,
          path,
          headers,
          body: get ? undefined : { kind: 'text', text },
          note: `${note} [as ${t.who}]`,
        };
      };
      if (v === 0)
        return send(
          Array(51).fill(e.id),
          Object.fromEntries(Array.from({ length: 51 }, (_, i) => [String(i), base])),
          'tRPC batch',
          true,
          '51 calls in one batch',
        );
      if (v === 1) {
        if (get)
          return send(
            [e.id, 'projects.current'],
            { 0: bad },
            'tRPC batch',
            false,
            'one bad call beside a good one',
            false,
          );
        return send([e.id, e.id], { 0: bad, 1: [bad] }, 'tRPC batch', e.hasInput, 'two bad calls');
      }
      if (v === 2) return send([e.id], '[1]', 'tRPC batch', true, 'batch input not an object');
      return send([e.id, e.id], { 1: base }, 'tRPC batch', false, 'batch input missing an index');
    },
  },
];

/** Query strings that break a declared parameter's constraints (REST). */
function declaredBad(e: Endpoint, s: Schemas): [string, boolean][] {
  const out: [string, boolean][] = [];
  for (const p of e.queryParams) {
    for (const bad of badValues(p.schema, s).slice(0, 3)) {
      if (typeof bad === 'string' || typeof bad === 'number')
        out.push([`${encodeURIComponent(p.name)}=${encodeURIComponent(String(bad))}`, true]);
    }
  }
  return out;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'FOO'];
/** Methods the endpoint's path does not serve (REST: once per path, from its first operation). */
function wrongMethods(e: Endpoint, ctx: GenContext): string[] {
  if (e.surface === 'trpc') return e.method === 'GET' ? ['POST', 'PUT', 'DELETE'] : ['GET', 'PUT', 'PATCH'];
  const served = ctx.restMethods.get(e.path)!;
  if ([...served].sort()[0] !== e.method) return [];
  return METHODS.filter((m) => !served.has(m) && !(m === 'HEAD' && served.has('GET')));
}

/** Pseudo-endpoints for routes that do not exist (they carry the requests' family in the figures). */
export function unknownRouteSpecs(restE: Endpoint, trpcE: Endpoint, ctx: GenContext): Spec[] {
  const auth = bearer(MASTER_KEY);
  const uuid = ctx.rng.uuid();
  const rest: [string, string, boolean?][] = [
    ['GET', '/api/v1/nope'],
    ['POST', '/api/v1/records/x/y/z'],
    ['GET', '/api/v1/%ZZ'],
    ['GET', '/api/v1/records/%E0%A4%A'],
    ['GET', '/api/v1/records/../projects', true],
    ['GET', '/api/v1/./projects', true],
    ['GET', '/api/v1/records/%2e%2e/projects', true],
    ['GET', `/api/v1/${'a'.repeat(3000)}`],
    ['DELETE', `/api/v1/projects/${uuid}`],
    ['GET', '/api/v1/schema/markdown/x'],
    ['GET', '/api/v1%00'],
    ['GET', '/api/v2/records'],
    ['GET', '/api/'],
    ['GET', '/api/v1/records%2F..%2Fprojects'],
  ];
  const trpc: [string, string, boolean?][] = [
    ['GET', '/api/trpc/nope.nope'],
    ['GET', '/api/trpc/records'],
    ['GET', '/api/trpc/records.get.x'],
    ['GET', '/api/trpc/%E0%A4%A'],
    ['GET', '/api/trpc/'],
    ['POST', '/api/trpc/__proto__.x'],
    ['GET', '/api/trpc/constructor'],
    ['GET', '/api/trpc/toString'],
    ['GET', '/api/trpc/records.get/../../v1/projects', true],
  ];
  const mk = (e: Endpoint, [method, path, raw]: [string, string, boolean?]): Spec => ({
    endpoint: e,
    kind: 'unknown route',
    mustReject: true,
    writes: false,
    method,
    path,
    headers: { ...auth, ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) },
    body: method === 'POST' ? { kind: 'text', text: '{}' } : undefined,
    raw,
    note: `${method} ${path.slice(0, 80)}`,
  });
  return [...rest.map((r) => mk(restE, r)), ...trpc.map((r) => mk(trpcE, r))];
}
