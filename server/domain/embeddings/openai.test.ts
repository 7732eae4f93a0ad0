import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DomainError } from '@/server/errors';
import { createOpenAiEmbedder, parseRetryAfter, type OpenAiEmbedderConfig } from './openai';

type Req = {
  url: string;
  body: { model: string; input: string[]; dimensions?: number };
  headers: http.IncomingHttpHeaders;
};
type Handler = (req: Req, res: http.ServerResponse, n: number) => void;

/** A stand-in OpenAI-compatible server on 127.0.0.1; each test scripts its answers. */
async function startServer(handler: Handler) {
  const requests: Req[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const r = { url: req.url ?? '', body: JSON.parse(raw) as Req['body'], headers: req.headers };
      requests.push(r);
      handler(r, res, requests.length);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  servers.push(server);
  return { baseUrl: `http://127.0.0.1:${port}/v1`, requests };
}

const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

let stderr = '';
beforeEach(() => {
  stderr = '';
  vi.spyOn(process.stderr, 'write').mockImplementation(
    (chunk: string | Uint8Array) => ((stderr += String(chunk)), true),
  );
  return () => vi.restoreAllMocks();
});

const json = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

/** Vector of input "t<n>" is [n, 1, 0]: checks that each answer lands on its own input. */
const answer = (req: Req, res: http.ServerResponse, opts: { reverse?: boolean; dims?: number } = {}) => {
  const data = req.body.input.map((t, index) => ({
    object: 'embedding',
    index,
    embedding: [Number(t.slice(1)) || 0, 1, 0, 0, 0, 0, 0].slice(0, opts.dims ?? 3),
  }));
  json(res, 200, { object: 'list', model: req.body.model, data: opts.reverse ? data.reverse() : data });
};

const fast = {
  dimensions: 3,
  model: 'test-model',
  backoffMs: 1,
  maxBackoffMs: 5,
  timeoutMs: 2_000,
  retries: 3,
} satisfies Partial<OpenAiEmbedderConfig>;

async function failure(p: Promise<unknown>): Promise<DomainError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DomainError);
  return e as DomainError;
}

describe('openai embedder', () => {
  it('batches 200 inputs into 3 requests and returns vectors in input order by index', async () => {
    const { baseUrl, requests } = await startServer((req, res) => answer(req, res, { reverse: true }));
    const e = createOpenAiEmbedder({ ...fast, baseUrl, apiKey: 'sk-test-secret' });
    expect([e.provider, e.model, e.dimensions]).toEqual(['openai', 'test-model', 3]);
    const texts = Array.from({ length: 200 }, (_, i) => `t${i}`);
    const vectors = await e.embed(texts);
    expect(requests.map((r) => r.body.input.length)).toEqual([96, 96, 8]);
    expect(vectors.map((v) => v[0])).toEqual(texts.map((_, i) => i));
    expect(requests[0]!.headers.authorization).toBe('Bearer sk-test-secret');
    expect(requests[0]!.url).toBe('/v1/embeddings');
    expect(requests[0]!.body.model).toBe('test-model');
    expect(requests[0]!.body.dimensions).toBeUndefined();
  });

  it('sends no request for no input, a space for an empty text, and texts cut to the maximum', async () => {
    const { baseUrl, requests } = await startServer((req, res) => answer(req, res));
    const e = createOpenAiEmbedder({ ...fast, baseUrl });
    expect(await e.embed([])).toEqual([]);
    expect(requests).toHaveLength(0);
    await e.embed(['', 'x'.repeat(10_000)]);
    expect(requests[0]!.body.input.map((t) => t.length)).toEqual([1, 8_192]);
    expect(requests[0]!.headers.authorization).toBeUndefined();
  });

  it('asks text-embedding-3 models for the configured dimensions', async () => {
    const { baseUrl, requests } = await startServer((req, res) => answer(req, res));
    await createOpenAiEmbedder({ ...fast, baseUrl, model: 'text-embedding-3-small' }).embed(['t1']);
    expect(requests[0]!.body.dimensions).toBe(3);
  });

  it('retries a 500 and then succeeds, logging the retry without the key', async () => {
    const { baseUrl, requests } = await startServer((req, res, n) =>
      n === 1 ? json(res, 500, { error: { message: 'boom' } }) : answer(req, res),
    );
    const vectors = await createOpenAiEmbedder({ ...fast, baseUrl, apiKey: 'sk-never-logged' }).embed(['t7']);
    expect(vectors).toEqual([[7, 1, 0]]);
    expect(requests).toHaveLength(2);
    expect(stderr).toMatch(/retrying.*HTTP 500 \(boom\)/);
    expect(stderr).not.toContain('sk-never-logged');
  });

  it('waits out a short Retry-After on 429', async () => {
    const { baseUrl, requests } = await startServer((req, res, n) =>
      n === 1 ? json(res, 429, { error: { message: 'slow down' } }, { 'retry-after': '1' }) : answer(req, res),
    );
    const t0 = performance.now();
    expect(await createOpenAiEmbedder({ ...fast, baseUrl }).embed(['t3'])).toEqual([[3, 1, 0]]);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(950);
    expect(requests).toHaveLength(2);
  });

  it('gives up at once when Retry-After is long', async () => {
    const { baseUrl, requests } = await startServer((_req, res) =>
      json(res, 429, { error: { message: 'quota' } }, { 'retry-after': '120' }),
    );
    const e = await failure(createOpenAiEmbedder({ ...fast, baseUrl }).embed(['t1']));
    expect(e.code).toBe('UNAVAILABLE');
    expect(e.message).toBe(
      'The embedding service at ' +
        new URL(baseUrl).host +
        ' is unavailable: HTTP 429 (quota), and it asks to retry after 120 s',
    );
    expect(requests).toHaveLength(1);
  });

  it('times out each attempt and answers UNAVAILABLE within timeout × attempts', async () => {
    const { baseUrl, requests } = await startServer(() => {
      // Never answers.
    });
    const t0 = performance.now();
    const e = await failure(createOpenAiEmbedder({ ...fast, baseUrl, timeoutMs: 150, retries: 2 }).embed(['t1']));
    const ms = performance.now() - t0;
    expect(e.code).toBe('UNAVAILABLE');
    expect(e.message).toMatch(/is unavailable: no answer within 150 ms, after 3 attempts$/);
    expect(e.details).toMatchObject({ provider: 'openai', url: `${baseUrl}/embeddings`, attempts: 3 });
    expect(requests).toHaveLength(3);
    expect(ms).toBeGreaterThanOrEqual(3 * 150 - 20);
    expect(ms).toBeLessThan(3 * 150 + 1_000);
  });

  it('answers UNAVAILABLE quickly when nothing listens', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const t0 = performance.now();
    const e = await failure(createOpenAiEmbedder({ ...fast, baseUrl: `http://127.0.0.1:${port}/v1` }).embed(['t1']));
    expect(performance.now() - t0).toBeLessThan(2_000);
    expect(e.code).toBe('UNAVAILABLE');
    expect(e.message).toMatch(
      new RegExp(
        `^The embedding service at 127\\.0\\.0\\.1:${port} is unavailable: cannot connect \\(.*ECONNREFUSED.*\\), after 4 attempts$`,
      ),
    );
  });

  it('does not retry a 400 and reports the upstream reason', async () => {
    const { baseUrl, requests } = await startServer((_req, res) =>
      json(res, 400, { error: { message: "'$.input' is invalid" } }),
    );
    const e = await failure(createOpenAiEmbedder({ ...fast, baseUrl }).embed(['t1']));
    expect(e.code).toBe('UNAVAILABLE');
    expect(e.message).toMatch(/is unavailable: HTTP 400 \('\$\.input' is invalid\)$/);
    expect(e.details).toMatchObject({ status: 400, attempts: 1 });
    expect(requests).toHaveLength(1);
  });

  it('masks the API key when the upstream echoes it', async () => {
    const { baseUrl } = await startServer((req, res) =>
      json(res, 401, { error: `bad key ${req.headers.authorization?.slice(7)}` }),
    );
    const e = await failure(createOpenAiEmbedder({ ...fast, baseUrl, apiKey: 'sk-echoed-secret' }).embed(['t1']));
    expect(e.message).toMatch(/HTTP 401 \(bad key \*\*\*\)/);
    expect(JSON.stringify(e.details) + e.message).not.toContain('sk-echoed-secret');
  });

  it('keeps credentials in the base URL out of messages and details', async () => {
    const { baseUrl, requests } = await startServer((_req, res) => json(res, 503, { error: { message: 'down' } }));
    const withCreds = baseUrl.replace('http://', 'http://user:pw@') + '/?api-version=secret';
    const e = await failure(createOpenAiEmbedder({ ...fast, baseUrl: withCreds, retries: 0 }).embed(['t1']));
    expect(e.message).toMatch(/is unavailable: HTTP 503 \(down\)$/);
    expect(e.details).toMatchObject({ url: `${baseUrl}/embeddings` });
    expect(e.message + JSON.stringify(e.details)).not.toMatch(/pw|secret/);
    // Basic auth for a proxy, and the query string (Azure's api-version) kept on the request.
    expect(requests[0]!.url).toBe('/v1/embeddings?api-version=secret');
    expect(requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from('user:pw').toString('base64')}`);
  });

  it.each([
    [
      'wrong dimensions',
      (req: Req, res: http.ServerResponse) => answer(req, res, { dims: 5 }),
      /it returned vectors of 5 dimensions, expected 3$/,
    ],
    [
      'a null value',
      (_req: Req, res: http.ServerResponse) => json(res, 200, { data: [{ index: 0, embedding: [1, null, 0] }] }),
      /vector 0 holds a value that is not a finite number at position 1 \(null\)$/,
    ],
    [
      'NaN in the body',
      (_req: Req, res: http.ServerResponse) => (
        res.writeHead(200),
        res.end('{"data":[{"index":0,"embedding":[NaN,1,0]}]}')
      ),
      /its answer is not valid JSON$/,
    ],
    [
      'the wrong count',
      (_req: Req, res: http.ServerResponse) => json(res, 200, { data: [] }),
      /it returned 0 vectors for 1 inputs$/,
    ],
    [
      'a repeated index',
      (_req: Req, res: http.ServerResponse) => json(res, 200, { data: [{ index: 1, embedding: [1, 1, 1] }] }),
      /invalid or repeated index 1$/,
    ],
    ['no data', (_req: Req, res: http.ServerResponse) => json(res, 200, { object: 'list' }), /no "data" list$/],
  ])('answers UNAVAILABLE, without retrying, for %s', async (_name, handler, message) => {
    const { baseUrl, requests } = await startServer(handler);
    const e = await failure(createOpenAiEmbedder({ ...fast, baseUrl }).embed(['t1']));
    expect(e.code).toBe('UNAVAILABLE');
    expect(e.message).toMatch(message);
    expect(requests).toHaveLength(1);
  });

  it('stops at once when the caller aborts, with the caller’s reason', async () => {
    const { baseUrl } = await startServer(() => {
      // Never answers.
    });
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('caller gave up')), 50);
    const t0 = performance.now();
    await expect(
      createOpenAiEmbedder({ ...fast, baseUrl, timeoutMs: 5_000 }).embed(['t1'], { signal: ac.signal }),
    ).rejects.toThrow('caller gave up');
    expect(performance.now() - t0).toBeLessThan(1_000);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('5')).toBe(5_000);
    expect(parseRetryAfter('0')).toBe(0);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:03 GMT', now)).toBe(3_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
