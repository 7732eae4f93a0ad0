/**
 * The documented error shapes, checked strictly: REST `{ error: { code, message, details? } }` and tRPC's
 * `{ error: { message, code, data: { code, httpStatus, path?, domain: { code, message, details? } } } }`
 * (or an array of those for a batch), always with a JSON content type, the code in the closed set and an
 * HTTP status the code allows. Each check returns what is wrong, or null.
 */
export const ERROR_CODES = [
  'INVALID',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'LIMIT_EXCEEDED',
  'UNAVAILABLE',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * The statuses each code may come with. README: INVALID 400, LIMIT_EXCEEDED 400 (413 for the body's
 * size). Beyond that table: a wrong method is 405 INVALID (both surfaces), tRPC answers a wrong content
 * type 415 INVALID, and an oversized request line or header block is 431 LIMIT_EXCEEDED.
 */
export const STATUSES: Record<ErrorCode, readonly number[]> = {
  INVALID: [400, 405, 415],
  UNAUTHORIZED: [401],
  FORBIDDEN: [403],
  NOT_FOUND: [404],
  CONFLICT: [409],
  LIMIT_EXCEEDED: [400, 413, 431],
  UNAVAILABLE: [503],
};

export type Reply = { status: number; text: string; contentType: string | null };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function parse(r: Reply): { ok: true; body: unknown } | { ok: false; why: string } {
  if (!r.contentType?.toLowerCase().startsWith('application/json'))
    return { ok: false, why: `content-type ${r.contentType ?? '(none)'}, not application/json` };
  try {
    return { ok: true, body: JSON.parse(r.text) };
  } catch {
    return { ok: false, why: `body is not JSON: ${JSON.stringify(r.text.slice(0, 120))}` };
  }
}

/** `{ code, message, details? }` with nothing else; the code from the closed set and allowed with `status`. */
export function domainErrorViolation(e: unknown, status: number, where: string): string | null {
  if (!isObject(e)) return `${where} is not an object`;
  const extra = Object.keys(e).filter((k) => k !== 'code' && k !== 'message' && k !== 'details');
  if (extra.length) return `${where} has unexpected keys ${extra.join(', ')}`;
  if (typeof e.code !== 'string' || !(ERROR_CODES as readonly string[]).includes(e.code))
    return `${where}.code ${JSON.stringify(e.code)} is not in the closed set`;
  if (typeof e.message !== 'string' || e.message === '') return `${where}.message is not a non-empty string`;
  if ('details' in e && !isObject(e.details)) return `${where}.details is not an object`;
  if (!STATUSES[e.code as ErrorCode].includes(status))
    return `status ${status} does not go with ${where}.code ${e.code}`;
  return null;
}

export function restErrorViolation(r: Reply): string | null {
  const p = parse(r);
  if (!p.ok) return p.why;
  const body = p.body;
  if (!isObject(body) || Object.keys(body).length !== 1 || !('error' in body)) return 'body is not { error }';
  return domainErrorViolation(body.error, r.status, 'error');
}

function trpcItemViolation(item: unknown, status: number | null, where: string): string | null {
  if (!isObject(item) || !isObject(item.error)) return `${where} is not { error }`;
  const err = item.error;
  if (typeof err.message !== 'string') return `${where}.error.message is not a string`;
  if (typeof err.code !== 'number') return `${where}.error.code is not a JSON-RPC number`;
  const data = err.data;
  if (!isObject(data)) return `${where}.error.data is not an object`;
  if (typeof data.httpStatus !== 'number') return `${where}.error.data.httpStatus is not a number`;
  if (status !== null && data.httpStatus !== status)
    return `${where}.error.data.httpStatus ${data.httpStatus} differs from the response status ${status}`;
  if ('stack' in data && data.stack !== undefined) return `${where}.error.data carries a stack`;
  return domainErrorViolation(data.domain, data.httpStatus, `${where}.error.data.domain`);
}

/** A tRPC answer with status ≥ 400 (single or batch); items of a batch that succeeded are skipped. */
export function trpcErrorViolation(r: Reply): string | null {
  const p = parse(r);
  if (!p.ok) return p.why;
  if (Array.isArray(p.body)) {
    // A batch: one status for all when they agree, 207 when they differ.
    const statuses = new Set<number>();
    for (const [i, item] of p.body.entries()) {
      if (isObject(item) && 'result' in item) {
        statuses.add(200);
        continue;
      }
      const v = trpcItemViolation(item, null, `[${i}]`);
      if (v) return v;
      statuses.add((item as { error: { data: { httpStatus: number } } }).error.data.httpStatus);
    }
    const expected = statuses.size === 1 ? [...statuses][0] : 207;
    return r.status === expected
      ? null
      : `batch status ${r.status}, expected ${expected} for item statuses ${[...statuses].join(',')}`;
  }
  return trpcItemViolation(p.body, r.status, 'body');
}
