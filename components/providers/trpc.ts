import { createTRPCContext } from '@trpc/tanstack-react-query';
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@/server/trpc/routers/_app';

/**
 * Query keys are prefixed with the selected project, so data cached for one project is never shown
 * while another is selected.
 */
export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter, { keyPrefix: true }>();

export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type ApiKey = RouterOutputs['keys']['list']['items'][number];
export type CreatedApiKey = RouterOutputs['keys']['create'];
