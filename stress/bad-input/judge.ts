import { restErrorViolation, trpcErrorViolation } from '../lib/error-shape';
import type { Spec } from './render';
import type { Outcome } from './send';

/**
 * The per-request invariants of the bad-input scenario: an HTTP answer, never a 5xx, every error in the
 * documented JSON shape with a status its code allows, and no success for a request the contract says
 * must fail. (The no-write invariant is checked per chunk, against snapshots.)
 */
export type Violation = {
  category: 'no response' | '5xx' | 'shape' | 'accepted';
  spec: Spec;
  outcome: Outcome;
  why: string;
};

/**
 * Node's HTTP parser stops reading a request line and headers past 16 KiB and the server answers 431;
 * when the client is still sending megabytes of URL, the kernel resets the connection, sometimes before
 * the client reads the 431. Such a request was refused either way (documented in the README's limits).
 */
export const REQUEST_HEAD_LIMIT = 16 * 1024;
export const refusedInTransport = (spec: Spec, o: Outcome): boolean =>
  o.error !== undefined &&
  /ECONNRESET|EPIPE|socket hang up|other side closed/i.test(o.error) &&
  spec.path.length + JSON.stringify(spec.headers).length > REQUEST_HEAD_LIMIT;

export function judge(spec: Spec, o: Outcome): Violation | null {
  if (refusedInTransport(spec, o)) return null;
  if (o.error !== undefined) return { category: 'no response', spec, outcome: o, why: o.error };
  if (o.status >= 500) return { category: '5xx', spec, outcome: o, why: `status ${o.status}` };
  if (o.status >= 300 && o.status < 400)
    return { category: 'shape', spec, outcome: o, why: `a ${o.status} redirect, not a JSON answer` };
  const trpc = spec.path.startsWith('/api/trpc');
  if (spec.method === 'HEAD') {
    return o.status < 300 && spec.mustReject
      ? { category: 'accepted', spec, outcome: o, why: `HEAD answered ${o.status}` }
      : null;
  }
  if (o.status >= 400 || (trpc && o.status === 207)) {
    const why = trpc
      ? beforeRouting(spec, o) && restErrorViolation(o) === null
        ? null
        : trpcErrorViolation(o)
      : restErrorViolation(o);
    return why ? { category: 'shape', spec, outcome: o, why } : null;
  }
  if (spec.mustReject)
    return { category: 'accepted', spec, outcome: o, why: `status ${o.status} for a request that must fail` };
  return null;
}

/**
 * Answers given before any tRPC route runs, in the REST shape on both surfaces: scripts/serve.mjs
 * (an oversized request line: 431; a malformed path or a __proto__ query key: details.path ['url'] /
 * ['__proto__']) and the /api catch-all for paths under /api/trpc that name no procedure.
 */
function beforeRouting(spec: Spec, o: { status: number; text: string }): boolean {
  if (o.status === 431 || spec.kind === 'unknown route') return true;
  try {
    const first = (JSON.parse(o.text) as { error?: { details?: { path?: unknown[] } } }).error?.details?.path?.[0];
    return first === 'url' || first === '__proto__';
  } catch {
    return false;
  }
}

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s);

function bodyText(spec: Spec): string {
  const b = spec.body;
  if (!b) return '(none)';
  if (b.kind === 'text') return cut(b.text, 400);
  if (b.kind === 'chunked') return `chunked: ${cut(b.text, 200)}`;
  if (b.kind === 'bytes') return `bytes: ${cut(Buffer.from(b.bytes).toString('latin1'), 300)}`;
  return `multipart: ${JSON.stringify(b.fields).slice(0, 300)}`;
}

/** A violation in full: the request as sent and the answer as received. */
export function describe(v: Violation): string {
  const { spec, outcome } = v;
  const headers = Object.entries(spec.headers)
    .map(([k, val]) => `${k}: ${cut(val, 80)}`)
    .join('; ');
  const answer =
    outcome.error !== undefined
      ? `no answer: ${outcome.error}`
      : `${outcome.status} ${outcome.contentType ?? '(no content-type)'} ${cut(outcome.text, 600) || '(empty body)'}`;
  return [
    `[${v.category}] ${v.why} — ${spec.endpoint.id} / ${spec.kind}: ${spec.note}`,
    `    request:  ${spec.method} ${cut(spec.path, 300)}${spec.raw ? ' (raw)' : ''}`,
    `    headers:  ${headers}`,
    `    body:     ${bodyText(spec)}`,
    `    response: ${answer}`,
  ].join('\n');
}
