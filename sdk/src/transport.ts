import { contract, PROJECT_HEADER, REST_BASE, TX_HEADER, type Operation } from '../../server/contract';
import { errorFromResponse, makeError, type EngramError } from './errors';

/**
 * One call of the REST API (/api/v1): the operation's route and envelope come from the API contract, so
 * the SDK cannot drift from the server. Reads are retried on network errors, timeouts, 429 and 503 with
 * exponential backoff (honouring Retry-After); writes and anything inside a transaction are sent once.
 */
export type FetchLike = (input: Request) => Promise<Response>;

export type TransportOptions = {
  url: string;
  apiKey: string;
  project?: string;
  timeoutMs: number;
  retries: number;
  fetch: FetchLike;
  headers?: Record<string, string>;
};

export type CallOptions = {
  /** Run the call inside this open transaction (a Transaction from db.tx.begin, or its id). */
  tx?: { id: string } | string;
  signal?: AbortSignal;
  /** Overrides the client's timeout for this call. */
  timeoutMs?: number;
};

const RETRY_STATUS = new Set([429, 502, 503, 504]);
const MAX_BACKOFF_MS = 5_000;

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(signal.reason as Error);
      },
      { once: true },
    );
  });

function queryString(input: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) params.append(key, typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

export class Transport {
  readonly base: string;
  constructor(readonly opts: TransportOptions) {
    this.base = opts.url.replace(/\/+$/, '') + REST_BASE;
  }

  /** The request an operation makes, without sending it (also what `raw fetch` comparisons measure). */
  request(op: Operation, input: unknown, o: CallOptions = {}): Request {
    const { method, path } = op.openapi;
    const rest: Record<string, unknown> =
      input && typeof input === 'object' && !Array.isArray(input) ? { ...(input as Record<string, unknown>) } : {};
    const url =
      this.base +
      path.replace(/\{(\w+)\}/g, (_, name: string) => {
        const value = rest[name];
        if (typeof value !== 'string' || value === '')
          throw makeError('INVALID', `${method} ${path} needs ${name}`, {
            status: 0,
            path: [name],
            expected: 'a non-empty string',
            got: value,
            operation: `${method} ${path}`,
          });
        delete rest[name];
        return encodeURIComponent(value);
      });
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: `Bearer ${this.opts.apiKey}`,
      ...this.opts.headers,
    };
    if (this.opts.project) headers[PROJECT_HEADER] = this.opts.project;
    const tx = typeof o.tx === 'string' ? o.tx : o.tx?.id;
    if (tx) headers[TX_HEADER] = tx;
    if (method === 'GET') return new Request(url + queryString(rest), { method, headers });
    headers['content-type'] = 'application/json';
    const body = input === undefined ? undefined : JSON.stringify(Array.isArray(input) ? input : rest);
    return new Request(url, { method, headers, body });
  }

  async call<T>(op: Operation, input: unknown, o: CallOptions = {}): Promise<T> {
    const operation = `${op.openapi.method} ${op.openapi.path}`;
    const retryable = op.kind === 'read' && !o.tx;
    const attempts = retryable ? this.opts.retries + 1 : 1;
    for (let attempt = 1; ; attempt++) {
      const timeoutMs = o.timeoutMs ?? this.opts.timeoutMs;
      const signals = [AbortSignal.timeout(timeoutMs), ...(o.signal ? [o.signal] : [])];
      const signal = signals.length === 1 ? signals[0]! : AbortSignal.any(signals);
      let res: Response;
      try {
        const req = this.request(op, input, o);
        res = await this.opts.fetch(new Request(req, { signal }));
      } catch (e) {
        if (o.signal?.aborted) throw e; // the caller cancelled: not ours to retry or rename
        const timedOut = (e as Error)?.name === 'TimeoutError' || signal.aborted;
        const err = (e as { code?: unknown }).code
          ? (e as EngramError) // an EngramError from request() (a missing path parameter)
          : makeError(
              'UNAVAILABLE',
              timedOut
                ? `${operation} timed out after ${timeoutMs} ms`
                : `${operation} could not reach ${this.opts.url}: ${(e as Error)?.message ?? String(e)}`,
              { status: 0, operation, cause: e, details: { reason: timedOut ? 'timeout' : 'network' } },
            );
        if (err.status !== 0 || err.code !== 'UNAVAILABLE' || attempt >= attempts) throw err;
        await sleep(this.backoff(attempt), o.signal);
        continue;
      }
      if (res.ok) return (await this.decode(op, res)) as T;
      if (RETRY_STATUS.has(res.status) && attempt < attempts) {
        await res.body?.cancel();
        await sleep(this.backoff(attempt, res.headers.get('retry-after')), o.signal);
        continue;
      }
      const text = await res.text();
      let body: unknown = null;
      try {
        body = JSON.parse(text);
      } catch {
        body = { error: { message: text.slice(0, 500) || `${operation} answered HTTP ${res.status}` } };
      }
      throw errorFromResponse(res.status, body, operation);
    }
  }

  private backoff(attempt: number, retryAfter?: string | null): number {
    const seconds = retryAfter ? Number(retryAfter) : NaN;
    if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, MAX_BACKOFF_MS);
    const base = Math.min(100 * 2 ** (attempt - 1), MAX_BACKOFF_MS);
    return base / 2 + Math.random() * (base / 2);
  }

  private async decode(op: Operation, res: Response): Promise<unknown> {
    if (op.openapi.raw) return res.text();
    const body = (await res.json()) as { data: unknown; total?: number };
    if (op.openapi.envelope === 'list') return { items: body.data, total: body.total };
    return body.data;
  }
}

export { contract };
