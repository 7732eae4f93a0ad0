import { DomainError } from '@/server/errors';

/**
 * Request bodies are read against ENGRAM_MAX_BODY_BYTES as they stream in: a declared Content-Length
 * over the limit is refused before reading, and a chunked body is cut off at the limit rather than
 * buffered whole first. The rest of a body cut off is read and thrown away (up to another limit's worth)
 * instead of cancelled: cancelling destroyed the socket under the 413, so the client — or the next
 * request on its kept-alive connection — saw a connection reset instead of the answer.
 */
export const bodyTooLarge = (maxBytes: number) =>
  new DomainError(
    'LIMIT_EXCEEDED',
    `The request body is larger than the limit of ${maxBytes} bytes`,
    { limit: maxBytes },
    { tooLarge: true },
  );

/** Reads and discards what is left of a refused body, at most `budget` bytes, then lets go of it. */
function drain(reader: ReadableStreamDefaultReader<Uint8Array>, budget: number): void {
  void (async () => {
    try {
      for (let left = budget; left >= 0;) {
        const { done, value } = await reader.read();
        if (done) return;
        left -= value.byteLength;
      }
      await reader.cancel();
    } catch {
      // The client went away: nothing left to drain.
    }
  })();
}

const invalidUtf8 = () =>
  new DomainError('INVALID', 'The request body is not valid UTF-8', { expected: 'UTF-8 encoded JSON' });

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
      drain(reader, maxBytes);
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
    throw invalidUtf8();
  }
}

/**
 * The same request with its body limited to maxBytes, for readers that consume it themselves (tRPC,
 * which reads it lazily, after authentication): past the limit the stream errors with the 413 error, and
 * a JSON body that is not UTF-8 errors it with INVALID (tRPC would decode it to U+FFFD and store that).
 */
export function limitedRequest(req: Request, maxBytes: number): Request {
  if (!req.body) return req;
  if (declaredTooLarge(req, maxBytes)) return withBody(req, erroring(bodyTooLarge(maxBytes)));
  const source = req.body.getReader();
  // JSON only: tRPC answers other content types 415 or parses them as form data, never as text.
  const utf8 = /^application\/json/i.test(req.headers.get('content-type') ?? '')
    ? new TextDecoder('utf-8', { fatal: true })
    : null;
  let seen = 0;
  const limited = new ReadableStream<Uint8Array>({
    async pull(ctl) {
      const { done, value } = await source.read();
      try {
        if (done) {
          utf8?.decode();
          ctl.close();
          return;
        }
        seen += value.byteLength;
        if (seen > maxBytes) {
          drain(source, maxBytes);
          ctl.error(bodyTooLarge(maxBytes));
          return;
        }
        utf8?.decode(value, { stream: true });
        ctl.enqueue(value);
      } catch {
        drain(source, maxBytes);
        ctl.error(invalidUtf8());
      }
    },
    cancel: () => drain(source, maxBytes),
  });
  return withBody(req, limited);
}

const erroring = (e: Error) => new ReadableStream<Uint8Array>({ start: (ctl) => ctl.error(e) });

const withBody = (req: Request, body: ReadableStream<Uint8Array>) =>
  new Request(req.url, {
    method: req.method,
    headers: req.headers,
    body,
    signal: req.signal,
    duplex: 'half',
  } as RequestInit & { duplex: 'half' });
