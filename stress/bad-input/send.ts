import http from 'node:http';
import type { Body, Spec } from './render';

/**
 * Sends one generated request. fetch (undici) for almost everything, as most Node clients would send
 * it; node:http for paths fetch would normalise (dot segments) and methods it refuses. A request that
 * gets no HTTP answer at all (reset, timeout) comes back as `error`.
 */
export type Outcome =
  | { status: number; text: string; contentType: string | null; ms: number; error?: undefined }
  | { error: string; ms: number; status?: undefined };

const CHUNK = 64 * 1024;

function fetchBody(body: Body | undefined): { body?: BodyInit; duplex?: 'half' } {
  if (!body) return {};
  switch (body.kind) {
    case 'text':
      return { body: body.text };
    case 'bytes':
      return { body: body.bytes as Uint8Array<ArrayBuffer> };
    case 'form': {
      const form = new FormData();
      for (const [k, v] of body.fields) form.append(k, v);
      return { body: form };
    }
    case 'chunked': {
      // A stream has no length: undici sends it with Transfer-Encoding: chunked.
      const bytes = new TextEncoder().encode(body.text);
      let at = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(ctl) {
          if (at >= bytes.length) return ctl.close();
          ctl.enqueue(bytes.subarray(at, at + CHUNK));
          at += CHUNK;
        },
      });
      return { body: stream, duplex: 'half' };
    }
  }
}

export async function send(baseUrl: string, spec: Spec, timeoutMs = 60_000): Promise<Outcome> {
  const t0 = performance.now();
  if (spec.raw) return sendRaw(baseUrl, spec, timeoutMs, t0);
  try {
    const res = await fetch(baseUrl + spec.path, {
      method: spec.method,
      headers: spec.headers,
      ...fetchBody(spec.body),
      signal: AbortSignal.timeout(timeoutMs),
    } as RequestInit);
    const text = await res.text();
    return { status: res.status, text, contentType: res.headers.get('content-type'), ms: performance.now() - t0 };
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    return {
      error: `${err.message}${err.cause ? ` (${err.cause.code ?? err.cause.message})` : ''}`,
      ms: performance.now() - t0,
    };
  }
}

function sendRaw(baseUrl: string, spec: Spec, timeoutMs: number, t0: number): Promise<Outcome> {
  const url = new URL(baseUrl);
  const payload =
    spec.body?.kind === 'text' || spec.body?.kind === 'chunked'
      ? Buffer.from(spec.body.text)
      : spec.body?.kind === 'bytes'
        ? Buffer.from(spec.body.bytes)
        : undefined;
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: spec.path,
        method: spec.method,
        headers: { ...spec.headers, ...(payload ? { 'content-length': String(payload.length) } : {}) },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
            contentType: (res.headers['content-type'] as string | undefined) ?? null,
            ms: performance.now() - t0,
          }),
        );
        res.on('error', (e) => resolve({ error: e.message, ms: performance.now() - t0 }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ error: e.message, ms: performance.now() - t0 }));
    req.end(payload);
  });
}
