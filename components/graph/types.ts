import type { inferRouterInputs } from '@trpc/server';
import type { RouterOutputs } from '@/components/providers/trpc';
import { shortId } from '@/components/records/types';
import type { AppRouter } from '@/server/trpc/routers/_app';

export type Graph = RouterOutputs['relationships']['graph'];
export type GraphNode = Graph['nodes'][number];
export type GraphEdge = Graph['edges'][number];
export type GraphInput = inferRouterInputs<AppRouter>['relationships']['graph'];

/** One edge per (source, type, target), as the database keeps them. */
export const edgeKey = (e: GraphEdge) => `${e.sourceId}|${e.type}|${e.targetId}`;

/** What a node is called on the canvas and in the lists: its caption, else the tail of its id. */
export const nodeName = (n: Pick<GraphNode, 'caption' | 'id'>) => n.caption ?? `…${shortId(n.id)}`;
