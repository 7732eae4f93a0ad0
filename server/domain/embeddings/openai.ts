import { DomainError } from '@/server/errors';
import { log } from '@/server/log';
import { chunks, cutText, vectorsProblem, type Embedder, type EmbedOptions } from './embedder';

export type OpenAiEmbedderConfig = {
  /** e.g. https://api.openai.com/v1, http://localhost:11434/v1 (Ollama); `/embeddings` is appended. */
  baseUrl: string;
  apiKey?: string;
  model: string;
  /** What the model returns; an answer of any other length is UNAVAILABLE. */
  dimensions: number;
  /** Per attempt, covering the whole response body. Default 30 s. */
  timeoutMs?: number;
  /** Extra attempts after the first, on network errors, timeouts, 408, 429 and 5xx. Default 3. */
  retries?: number;
  /** Inputs per request. Default 96 (OpenAI accepts 2,048; local servers are happier with less). */
  batchSize?: number;
  /** First backoff; doubles per attempt up to maxBackoffMs, each delay jittered to 50–100 %. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** A Retry-After up to this long is waited out; a longer one ends the call at once. Default 10 s. */
  maxRetryAfterMs?: number;
};

export const OPENAI_DEFAULTS = {
  timeoutMs: 30_000,
  retries: 3,
  batchSize: 96,
  backoffMs: 250,
  maxBackoffMs: 4_000,
  maxRetryAfterMs: 10_000,
} as const;

type Attempt = { vectors: number[][] } | { reason: string; retry: boolean; status?: number; retryAfterMs?: number };

/**
 * Any OpenAI-compatible `POST {baseUrl}/embeddings` (OpenAI, Ollama, vLLM, TEI, LiteLLM): `{ model, input }`
 * → `{ data: [{ embedding, index }] }`. Batches are sent one after another, which respects rate limits
 * and keeps one backfill from monopolising a small local server. The API key goes in the Authorization
 * header only: it is never logged and is masked out of upstream error messages.
 */
export function createOpenAiEmbedder(config: OpenAiEmbedderConfig): Embedder {
  const c = { ...OPENAI_DEFAULTS, ...config };
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (c.apiKey) headers.authorization = `Bearer ${c.apiKey}`;
  const endpoint = new URL(config.baseUrl);
  endpoint.pathname = `${endpoint.pathname.replace(/\/+$/, '')}/embeddings`;
  const host = endpoint.host;
  if (!c.apiKey && (endpoint.username || endpoint.password)) {
    // fetch refuses a URL with credentials; a proxy behind basic auth gets them as a header instead.
    headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(endpoint.username)}:${decodeURIComponent(endpoint.password)}`).toString('base64')}`;
  }
  endpoint.username = '';
  endpoint.password = '';
  // Credentials can hide in a URL (user:pass@, ?key=); messages and details carry it without them.
  const shownUrl = `${endpoint.protocol}//${endpoint.host}${endpoint.pathname}`;
  // Only the text-embedding-3 family accepts `dimensions`; other servers may reject an unknown field.
  const sendDimensions = /^text-embedding-3/.test(c.model);
  // Upstream and socket messages may echo the key or the full URL; every reason passes through here.
  const mask = (text: string) => {
    let out = text.split(endpoint.href).join(shownUrl);
    for (const secret of [c.apiKey, endpoint.search])
      if (secret && secret.length >= 4) out = out.split(secret).join('***');
    return out;
  };
  const unavailable = (reason: string, extra: Record<string, unknown>) =>
    new DomainError('UNAVAILABLE', `The embedding service at ${host} is unavailable: ${mask(reason)}`, {
      provider: 'openai',
      url: shownUrl,
      model: c.model,
      ...extra,
    });

  async function attempt(input: string[], signal: AbortSignal | undefined): Promise<Attempt> {
    const timeout = AbortSignal.timeout(c.timeoutMs);
    const both = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const body = JSON.stringify(
      sendDimensions ? { model: c.model, input, dimensions: c.dimensions } : { model: c.model, input },
    );
    // The caller's abort wins over everything; a timeout or network failure is worth another attempt.
    const interrupted = (e: unknown): Attempt => {
      if (signal?.aborted) throw signal.reason;
      if (timeout.aborted) return { reason: `no answer within ${c.timeoutMs} ms`, retry: true };
      return { reason: `cannot connect (${networkReason(e)})`, retry: true };
    };
    let res: Response;
    try {
      res = await fetch(endpoint, { method: 'POST', headers, body, signal: both });
    } catch (e) {
      return interrupted(e);
    }
    if (!res.ok) {
      const text = await res.text().catch(() => '');
      if (signal?.aborted) throw signal.reason;
      const detail = upstreamMessage(text);
      const reason = `HTTP ${res.status}${detail ? ` (${detail})` : ''}`;
      const retry = res.status === 408 || res.status === 429 || res.status >= 500;
      return { reason, retry, status: res.status, retryAfterMs: parseRetryAfter(res.headers.get('retry-after')) };
    }
    let json: unknown;
    try {
      json = await res.json();
    } catch (e) {
      if (signal?.aborted || timeout.aborted) return interrupted(e);
      return { reason: 'its answer is not valid JSON', retry: false, status: res.status };
    }
    const parsed = parseVectors(json, input.length, c.dimensions);
    return typeof parsed === 'string' ? { reason: parsed, retry: false, status: res.status } : { vectors: parsed };
  }

  async function request(input: string[], signal: AbortSignal | undefined): Promise<number[][]> {
    for (let n = 1; ; n++) {
      signal?.throwIfAborted();
      const a = await attempt(input, signal);
      if ('vectors' in a) return a.vectors;
      const attempts = { attempts: n, ...(a.status !== undefined && { status: a.status }) };
      if (!a.retry) throw unavailable(a.reason, attempts);
      if (n > c.retries) throw unavailable(n > 1 ? `${a.reason}, after ${n} attempts` : a.reason, attempts);
      if (a.retryAfterMs !== undefined && a.retryAfterMs > c.maxRetryAfterMs) {
        throw unavailable(`${a.reason}, and it asks to retry after ${Math.ceil(a.retryAfterMs / 1000)} s`, {
          ...attempts,
          retryAfterMs: a.retryAfterMs,
        });
      }
      const backoff = Math.min(c.maxBackoffMs, c.backoffMs * 2 ** (n - 1)) * (0.5 + Math.random() / 2);
      const delayMs = Math.round(a.retryAfterMs ?? backoff);
      log.warn('embedding request failed, retrying', {
        provider: 'openai',
        host,
        attempt: n,
        reason: mask(a.reason),
        delayMs,
      });
      await sleep(delayMs, signal);
    }
  }

  return {
    provider: 'openai',
    model: c.model,
    dimensions: c.dimensions,
    async embed(texts: string[], o?: EmbedOptions): Promise<number[][]> {
      // OpenAI rejects an empty string; a single space stands in for it.
      const input = texts.map((t) => (t.length === 0 ? ' ' : cutText(t)));
      const out: number[][] = [];
      for (const batch of chunks(input, c.batchSize)) out.push(...(await request(batch, o?.signal)));
      return out;
    },
  };
}

/** `data` sorted by `index` (array order when a server omits it), or what is wrong with the answer. */
function parseVectors(json: unknown, count: number, dimensions: number): number[][] | string {
  const data = (json as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) return 'its answer has no "data" list';
  if (data.length !== count) return `it returned ${data.length} vectors for ${count} inputs`;
  const out: unknown[] = new Array(count);
  for (let pos = 0; pos < data.length; pos++) {
    const item = data[pos] as { index?: unknown; embedding?: unknown } | null;
    const index = typeof item?.index === 'number' ? item.index : pos;
    if (!Number.isInteger(index) || index < 0 || index >= count || out[index] !== undefined)
      return `it returned an invalid or repeated index ${String(index)}`;
    out[index] = item?.embedding ?? null;
  }
  return vectorsProblem(out, count, dimensions) ?? (out as number[][]);
}

/** `{ error: { message } }` (OpenAI, vLLM), `{ error: "..." }` (Ollama, TEI) or the first 300 characters of the body. */
function upstreamMessage(text: string): string {
  let message: unknown = text;
  try {
    const j = JSON.parse(text) as { error?: unknown; message?: unknown; detail?: unknown };
    const e = j.error as { message?: unknown } | string | undefined;
    message = (typeof e === 'object' && e ? e.message : e) ?? j.message ?? j.detail ?? text;
  } catch {
    // Not JSON: keep the raw text.
  }
  const s = (typeof message === 'string' ? message : JSON.stringify(message)).replace(/\s+/g, ' ').trim();
  return s.length > 300 ? `${s.slice(0, 300)}…` : s;
}

function networkReason(e: unknown): string {
  // undici wraps the socket error: TypeError('fetch failed', { cause: Error('connect ECONNREFUSED …') }).
  const cause = (e as { cause?: unknown })?.cause;
  const inner = cause instanceof Error ? cause : e instanceof Error ? e : null;
  return inner ? inner.message : String(e);
}

/** Retry-After in milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
