import type { Engram } from '@/server/engram';

/** Per-request context: the running instance, request headers, and headers to add to the response. */
export type Context = {
  engram: Engram;
  headers: Headers;
  resHeaders: Headers;
  /** Whether the request arrived over HTTPS (decides the Secure cookie flag). */
  secure: boolean;
  /** The transaction named by a tRPC input's `transactionId` (set by the first middleware; REST uses the header). */
  transactionId?: string;
};

export function createContext(engram: Engram, req: Request, resHeaders: Headers): Context {
  const proto = req.headers.get('x-forwarded-proto') ?? new URL(req.url).protocol.replace(':', '');
  return { engram, headers: req.headers, resHeaders, secure: proto === 'https' };
}

export function readCookie(headers: Headers, name: string): string | null {
  const raw = headers.get('cookie');
  if (!raw) return null;
  for (const part of raw.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return null;
}
