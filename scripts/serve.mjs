// Starts Engram: builds first when there is no production build, serves Next on HOSTNAME:PORT, and on
// SIGINT/SIGTERM stops taking requests, closes the database (releasing the data-folder lock) and exits.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const dev = process.argv.includes('--dev');
const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOSTNAME ?? '0.0.0.0';
process.env.NEXT_TELEMETRY_DISABLED = '1';
process.env.ENGRAM_SERVE = '1';

if (!dev && !fs.existsSync(path.join(root, '.next', 'BUILD_ID'))) {
  console.log('[engram] no production build yet: running `next build` (once)');
  const build = spawnSync(process.execPath, [path.join(root, 'node_modules/next/dist/bin/next'), 'build'], {
    cwd: root,
    stdio: 'inherit',
    env: process.env,
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const { default: next } = await import('next');
const app = next({ dev, dir: root, hostname, port });
const handle = app.getRequestHandler();
await app.prepare();

// Next.js answers some malformed /api URLs itself, before any route runs: a broken percent-encoding with
// a text/plain 500, a dot segment with a redirect to an HTML page. Every answer under /api is the JSON
// error shape, so those are refused here.
function apiPathError(url) {
  if (!url || !url.startsWith('/api')) return null;
  const pathname = url.split('?', 1)[0];
  if (!/^\/api(\/|$)/.test(pathname)) return null;
  try {
    decodeURIComponent(pathname);
  } catch {
    return 'Malformed percent-encoding in the path';
  }
  if (/(^|\/)(\.|%2e){1,2}(\/|$)/i.test(pathname)) return 'The path must not contain "." or ".." segments';
  return null;
}

// Next.js rebuilds the request URL from a parsed query object, where a `__proto__` key is lost: the route
// would see a request without it. Refused here, as the input guard refuses the key anywhere else.
function apiQueryError(url) {
  if (!url || !url.startsWith('/api') || !url.includes('?')) return null;
  const keys = new URLSearchParams(url.slice(url.indexOf('?') + 1)).keys();
  for (const key of keys) if (key === '__proto__') return key;
  return null;
}

const server = http.createServer((req, res) => {
  const bad = apiPathError(req.url);
  if (bad) {
    res.writeHead(400, { 'content-type': 'application/json; charset=utf-8' });
    res.end(
      JSON.stringify({
        error: { code: 'INVALID', message: bad, details: { path: ['url'], expected: 'a well-formed path' } },
      }),
    );
    return;
  }
  if (apiQueryError(req.url)) {
    res.writeHead(400, { 'content-type': 'application/json; charset=utf-8' });
    res.end(
      JSON.stringify({
        error: {
          code: 'INVALID',
          message: 'Invalid input at __proto__: "__proto__" is not allowed as a key',
          details: { path: ['__proto__'], expected: 'a key other than __proto__', got: '__proto__' },
        },
      }),
    );
    return;
  }
  handle(req, res).catch((err) => {
    console.error('[engram] request failed', err);
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 'INTERNAL', message: 'Internal error' } }));
  });
});
// Node's HTTP parser refuses some requests before any handler sees them — a request line and headers
// past 16 KiB (431), an unknown method or a malformed request line (400) — and answers those with an
// empty body. They get the JSON error shape too.
server.on('clientError', (err, socket) => {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  if (!String(err.code).startsWith('HPE_')) {
    // What Node answers without a listener (a request that timed out: 408; anything else: 400).
    socket.end(
      `HTTP/1.1 ${err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request'}\r\nConnection: close\r\n\r\n`,
    );
    return;
  }
  const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
  const status = tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request';
  const error = tooLarge
    ? {
        code: 'LIMIT_EXCEEDED',
        message: 'The request line and headers are larger than the server accepts (16 KiB)',
        details: { limit: http.maxHeaderSize },
      }
    : {
        code: 'INVALID',
        message: 'The request could not be parsed as HTTP',
        details: { expected: 'a well-formed HTTP/1.1 request' },
      };
  const body = JSON.stringify({ error });
  socket.end(
    `HTTP/1.1 ${status}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
});

server.listen(port, hostname, () => {
  const shown = hostname === '0.0.0.0' || hostname === '::' ? 'localhost' : hostname;
  console.log(`[engram] listening on http://${shown}:${port} (console at /, REST at /api/v1, tRPC at /api/trpc)`);
});

let stopping = false;
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`[engram] ${signal}: shutting down`);
  const force = setTimeout(() => process.exit(1), 10_000);
  force.unref();
  server.close();
  server.closeAllConnections?.();
  try {
    await globalThis[Symbol.for('engram.shutdown')]?.();
    await app.close?.();
  } catch (err) {
    console.error('[engram] error during shutdown', err);
  }
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
