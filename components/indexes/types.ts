import type { RouterOutputs } from '@/components/providers/trpc';

import { percentOf } from '@/components/ui/format';
export type EmbeddingIndex = RouterOutputs['ai']['indexes']['list']['items'][number];
export type IndexList = RouterOutputs['ai']['indexes']['list'];
export type Similarity = EmbeddingIndex['similarity'];

export const SIMILARITY_LABELS: Record<Similarity, string> = {
  cosine: 'cosine',
  euclidean: 'euclidean (L2)',
  inner: 'inner product',
};

/** Still building: pending (queued) or indexing (backfill running). */
export const isBuilding = (ix: EmbeddingIndex) => ix.status === 'pending' || ix.status === 'indexing';

/**
 * React Query's refetchInterval for the index list: every second while some index is still building,
 * no polling once every index is ready or failed.
 */
export const pollWhileBuilding = (query: { state: { data?: IndexList } }): number | false =>
  query.state.data?.items.some(isBuilding) ? 1_000 : false;

/** `Note.text`, how an index is named on screen. */
export const indexName = (ix: Pick<EmbeddingIndex, 'label' | 'propertyName'>) => `${ix.label}.${ix.propertyName}`;

/** Percent done, 0–100, rounded down so 100% means every record is in. */
export const percentDone = ({ indexed, total }: EmbeddingIndex['progress']) => percentOf(indexed, total);

/** The link that opens the Search page on this index. */
export const searchHref = (ix: Pick<EmbeddingIndex, 'label' | 'propertyName'>) =>
  `/search?${new URLSearchParams({ label: ix.label, property: ix.propertyName }).toString()}`;
