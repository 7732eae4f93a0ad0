import { MASTER_KEY } from './server';

/**
 * A small HTTP client for the scenarios: JSON in and out, every answer kept with its status and time,
 * so scenarios can count statuses and take percentiles per operation.
 */
export type Answer<T = any> = { status: number; body: T; ms: number; text: string; contentType: string | null };

export type CallOptions = {
  body?: unknown;
  raw?: BodyInit;
  headers?: Record<string, string>;
  token?: string | null;
  project?: string;
  tx?: string;
  timeoutMs?: number;
};

export function client(baseUrl: string) {
  async function call<T = any>(method: string, path: string, opts: CallOptions = {}): Promise<Answer<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    const token = opts.token === undefined ? MASTER_KEY : opts.token;
    if (token) headers.authorization = `Bearer ${token}`;
    if (opts.project) headers['x-project-id'] = opts.project;
    if (opts.tx) headers['x-transaction-id'] = opts.tx;
    let body: BodyInit | undefined = opts.raw;
    if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const t0 = performance.now();
    const res = await fetch(baseUrl + path, {
      method,
      headers,
      body,
      signal: AbortSignal.timeout(opts.timeoutMs ?? 60_000),
    });
    const text = await res.text();
    const ms = performance.now() - t0;
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON: scenarios that care check contentType */
    }
    return { status: res.status, body: parsed as T, ms, text, contentType: res.headers.get('content-type') };
  }
  return {
    call,
    rest: <T = any>(method: string, path: string, opts?: CallOptions) => call<T>(method, `/api/v1${path}`, opts),
  };
}

export type Client = ReturnType<typeof client>;
