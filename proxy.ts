import { NextResponse, type NextRequest } from 'next/server';
import { PATH_HEADER } from '@/components/auth/next-path';

/**
 * Server components cannot see the request path, so the proxy hands it to the console layout, which
 * needs it to send a logged-out visitor to /login?next=<where they were going>.
 */
export function proxy(req: NextRequest) {
  const headers = new Headers(req.headers);
  headers.set(PATH_HEADER, req.nextUrl.pathname + req.nextUrl.search);
  return NextResponse.next({ request: { headers } });
}

export const config = { matcher: ['/((?!api/|_next/|icon|favicon).*)'] };
