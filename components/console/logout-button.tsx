'use client';

import { useMutation } from '@tanstack/react-query';
import { useTRPC } from '@/components/providers/trpc';
import { ErrorMessage } from '@/components/ui/error-message';

export function LogoutButton() {
  const trpc = useTRPC();
  const logout = useMutation(
    trpc.auth.logout.mutationOptions({
      // A full page load, not router.push: it drops the query cache and the router's cached pages with the
      // session, so Back cannot bring console data back on screen.
      // eslint-disable-next-line @next/next/no-location-assign-relative-destination
      onSuccess: () => window.location.assign('/login'),
    }),
  );
  return (
    <div className="logout">
      <button
        type="button"
        className="button button-quiet"
        onClick={() => logout.mutate()}
        disabled={logout.isPending || logout.isSuccess}
      >
        {logout.isPending ? 'Logging out…' : 'Log out'}
      </button>
      {logout.isError ? <ErrorMessage error={logout.error} /> : null}
    </div>
  );
}
