import type { Endpoint } from './endpoints';

/**
 * Turning a generated input into an HTTP request for either surface. JSON text is built with
 * placeholders so hostile pieces (a `__proto__` key, 100,000 levels of nesting, megabytes of string)
 * are spliced in as text: they never exist as JavaScript objects here, and JSON.stringify writes lone
 * surrogates and NUL as the escapes "\ud800" and "\u0000".
 */
export type Body =
  | { kind: 'text'; text: string }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'chunked'; text: string }
  | { kind: 'form'; fields: [string, string][] };

export type Spec = {
  endpoint: Endpoint;
  kind: string;
  /** The request is invalid by the documented contract: a 2xx answer is a violation. */
  mustReject: boolean;
  /** Had it been accepted, it could have changed stored data. */
  writes: boolean;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Body;
  /** Sent with node:http as written (fetch would normalise the path or refuse the method). */
  raw?: boolean;
  /** What makes it bad, for the report. */
  note: string;
};

export const PROTO = '@@PROTO@@';
const holes = new Map<string, string>();
let holeSeq = 0;

/** A string value that `toJson` replaces with `rawJson`, spliced in as text. */
export function hole(rawJson: string): string {
  const key = `@@HOLE${holeSeq++}@@`;
  holes.set(key, rawJson);
  return key;
}

export function toJson(value: unknown): string {
  let text = JSON.stringify(value);
  if (text === undefined) return '';
  text = text.split(`"${PROTO}"`).join('"__proto__"');
  if (text.includes('@@HOLE')) {
    text = text.replace(/"(@@HOLE\d+@@)"/g, (m, key: string) => {
      const raw = holes.get(key);
      holes.delete(key);
      return raw ?? m;
    });
  }
  return text;
}

export const deepObject = (levels: number, leaf = '1') => '{"a":'.repeat(levels) + leaf + '}'.repeat(levels);
export const deepArray = (levels: number, leaf = '1') => '['.repeat(levels) + leaf + ']'.repeat(levels);

export type Transport = {
  headers: Record<string, string>;
  /** Body as generated JSON text (default) or a transport-level body. */
  body?: Body;
  contentType?: string | null;
  query?: string;
  method?: string;
  /** REST: path parameter values as they go on the wire (already encoded). */
  pathValues?: Record<string, string>;
  raw?: boolean;
};

/** REST: path parameters from the input (encoded), the rest as the JSON body (or query for GET/DELETE-without-body). */
export function restRequest(
  e: Endpoint,
  input: unknown,
  t: Transport,
): Pick<Spec, 'method' | 'path' | 'headers' | 'body' | 'raw'> {
  let path = e.path;
  const obj =
    input && typeof input === 'object' && !Array.isArray(input) ? { ...(input as Record<string, unknown>) } : null;
  for (const p of e.pathParams) {
    const v = t.pathValues?.[p.name] ?? encodeURIComponent(String(obj?.[p.name] ?? ''));
    path = path.replace(`{${p.name}}`, v);
    if (obj) delete obj[p.name];
  }
  const method = t.method ?? e.method;
  const headers = { ...t.headers };
  let body = t.body;
  const queryFromInput = new URLSearchParams();
  // GET inputs are query parameters. Other methods send the input as a JSON body, DELETE included
  // (REST reads a body on every method but GET): a query string cannot carry NUL, lone surrogates or
  // nesting, so the "bad query" class covers DELETE's documented query parameters instead.
  const inQuery = e.method === 'GET';
  const bodyless = method === 'GET' || method === 'HEAD';
  if (!body && inQuery && obj) {
    for (const [k, v] of Object.entries(obj)) {
      if (Array.isArray(v)) v.forEach((x) => queryFromInput.append(k, String(x)));
      else queryFromInput.append(k, typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));
    }
  } else if (
    !body &&
    !bodyless &&
    ((obj === null && input !== undefined) || (obj && (e.input || Object.keys(obj).length > 0)))
  ) {
    body = { kind: 'text', text: toJson(obj ?? input) };
  }
  if (body && body.kind !== 'form') {
    if (t.contentType === undefined) headers['content-type'] = 'application/json';
    else if (t.contentType !== null) headers['content-type'] = t.contentType;
  }
  const q = [queryFromInput.toString(), t.query ?? ''].filter(Boolean).join('&');
  return { method, path: `/api/v1${path}${q ? `?${q}` : ''}`, headers, body, raw: t.raw };
}

/** tRPC: queries carry the input in `?input=`, mutations as the JSON body. */
export function trpcRequest(
  e: Endpoint,
  input: unknown,
  t: Transport & { inputText?: string },
): Pick<Spec, 'method' | 'path' | 'headers' | 'body' | 'raw'> {
  const method = t.method ?? e.method;
  const headers = { ...t.headers };
  const text = t.inputText ?? (input === undefined ? undefined : toJson(input));
  let path = e.path;
  let body = t.body;
  if (method === 'GET' || method === 'HEAD') {
    const params = [text !== undefined ? `input=${encodeURIComponent(text)}` : '', t.query ?? '']
      .filter(Boolean)
      .join('&');
    if (params) path += `?${params}`;
  } else {
    body ??= { kind: 'text', text: text ?? '' };
    if (t.query) path += `?${t.query}`;
  }
  if (body && body.kind !== 'form') {
    if (t.contentType === undefined) headers['content-type'] = 'application/json';
    else if (t.contentType !== null) headers['content-type'] = t.contentType;
  }
  return { method, path, headers, body, raw: t.raw };
}
