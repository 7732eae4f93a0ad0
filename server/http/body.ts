import { DomainError } from '@/server/errors';

/**
 * Request bodies are read against ENGRAM_MAX_BODY_BYTES as they stream in: a declared Content-Length
 * over the limit is refused before reading, and a chunked body is cut off at the limit rather than
 * buffered whole first.
 */
export const bodyTooLarge = (maxBytes: number) =>
  new DomainError('LIMIT_EXCEEDED', `The request body is larger than the limit of ${maxBytes} bytes`, { limit: maxBytes }, { tooLarge: true });

function declaredTooLarge(req: Request, maxBytes: number): boolean {
  const declared = Number(req.headers.get('content-length') ?? '0');
  return Number.isFinite(declared) && declared > maxBytes;
}

/** The body as UTF-8 text, at most maxBytes; invalid UTF-8 is INVALID, not silently replaced. */
export async function readBodyText(req: Request, maxBytes: number): Promise<string> {
  if (declaredTooLarge(req, maxBytes)) throw bodyTooLarge(maxBytes);
  if (!req.body) return '';
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw bodyTooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const buf = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    buf.set(c, at);
    at += c.byteLength;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    throw new DomainError('INVALID', 'The request body is not valid UTF-8', { expected: 'UTF-8 encoded JSON' });
  }
}

/**
 * The same request with its body limited to maxBytes, for readers that consume it themselves (tRPC,
 * which reads it lazily, after authentication): past the limit the stream errors with the 413 error.
 */
export function limitedRequest(req: Request, maxBytes: number): Request {
  if (!req.body) return req;
  if (declaredTooLarge(req, maxBytes)) return withBody(req, erroring(bodyTooLarge(maxBytes)));
  let seen = 0;
  const limited = req.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, ctl) {
        seen += chunk.byteLength;
        if (seen > maxBytes) ctl.error(bodyTooLarge(maxBytes));
        else ctl.enqueue(chunk);
      },
    }),
  );
  return withBody(req, limited);
}

const erroring = (e: Error) => new ReadableStream<Uint8Array>({ start: (ctl) => ctl.error(e) });

const withBody = (req: Request, body: ReadableStream<Uint8Array>) =>
  new Request(req.url, { method: req.method, headers: req.headers, body, signal: req.signal, duplex: 'half' } as RequestInit & { duplex: 'half' });
