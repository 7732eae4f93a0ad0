import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { loginUrl, PATH_HEADER } from '@/components/auth/next-path';
import { ConsoleShell } from '@/components/console/console-shell';
import { ApiProvider } from '@/components/providers/api-provider';
import { PROJECT_COOKIE, projectFromCookie } from '@/components/providers/project-cookie';
import { hasConsoleSession } from '@/server/http/console-session';

// Every console page needs the session (and so the database): never prerender at build time.
export const dynamic = 'force-dynamic';

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  if (!(await hasConsoleSession())) redirect(loginUrl((await headers()).get(PATH_HEADER)));
  const project = projectFromCookie((await cookies()).get(PROJECT_COOKIE)?.value);
  return (
    <ApiProvider initialProject={project} redirectOnUnauthorized>
      <ConsoleShell>{children}</ConsoleShell>
    </ApiProvider>
  );
}
