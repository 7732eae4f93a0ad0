import { redirect } from 'next/navigation';
import { LoginForm } from '@/components/auth/login-form';
import { safeNextPath } from '@/components/auth/next-path';
import { ApiProvider } from '@/components/providers/api-provider';
import { DEFAULT_PROJECT } from '@/components/providers/project-cookie';
import { hasConsoleSession } from '@/server/http/console-session';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Log in' };

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const next = safeNextPath((await searchParams).next);
  if (await hasConsoleSession()) redirect(next);
  return (
    <main className="login-page">
      <ApiProvider initialProject={DEFAULT_PROJECT}>
        <LoginForm next={next} />
      </ApiProvider>
    </main>
  );
}
