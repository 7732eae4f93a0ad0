'use client';

import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import { createContext, useCallback, useContext, useMemo, useState } from 'react';
import type { AppRouter } from '@/server/trpc/routers/_app';
import { loginUrl } from '@/components/auth/next-path';
import { PROJECT_HEADER, writeProjectCookie } from './project-cookie';
import { TRPCProvider } from './trpc';

type ProjectState = { project: string; setProject: (name: string) => void };
const ProjectContext = createContext<ProjectState | null>(null);

export function useProject(): ProjectState {
  const state = useContext(ProjectContext);
  if (!state) throw new Error('useProject() needs an <ApiProvider>');
  return state;
}

const statusOf = (e: unknown): number | undefined =>
  e instanceof TRPCClientError ? (e.data as { httpStatus?: number } | undefined)?.httpStatus : undefined;

function makeQueryClient(redirectOnUnauthorized: boolean): QueryClient {
  // An expired session surfaces as UNAUTHORIZED on whatever call comes next: send the user to log in
  // and bring them back to this page afterwards.
  const onError = (e: unknown) => {
    if (redirectOnUnauthorized && statusOf(e) === 401) {
      window.location.assign(loginUrl(window.location.pathname + window.location.search));
    }
  };
  return new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        // 4xx answers will not change on retry; show them at once.
        retry: (failures, e) => failures < 2 && (statusOf(e) ?? 500) >= 500,
      },
    },
  });
}

/** tRPC + React Query for the console, with the selected project sent on every call. */
export function ApiProvider({
  initialProject,
  redirectOnUnauthorized = false,
  children,
}: {
  initialProject: string;
  redirectOnUnauthorized?: boolean;
  children: React.ReactNode;
}) {
  const [project, setProjectState] = useState(initialProject);
  const [queryClient] = useState(() => makeQueryClient(redirectOnUnauthorized));
  const trpcClient = useMemo(
    () =>
      createTRPCClient<AppRouter>({
        links: [httpBatchLink({ url: '/api/trpc', headers: { [PROJECT_HEADER]: project } })],
      }),
    [project],
  );
  const setProject = useCallback((name: string) => {
    writeProjectCookie(name);
    setProjectState(name);
  }, []);
  const projectState = useMemo(() => ({ project, setProject }), [project, setProject]);

  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient} keyPrefix={project}>
        <ProjectContext.Provider value={projectState}>{children}</ProjectContext.Provider>
      </TRPCProvider>
    </QueryClientProvider>
  );
}
