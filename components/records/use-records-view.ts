'use client';

import { usePathname, useSearchParams } from 'next/navigation';
import { useCallback, useMemo } from 'react';

/**
 * What the Records page shows, kept in the URL (label, query, sort, page, open record) so that reload,
 * Back and a shared link all land on the same view. `q` is the query's `where` as JSON.
 */
export type RecordsView = {
  label: string | null;
  q: string | null;
  sort: string | null;
  dir: 'asc' | 'desc';
  skip: number;
  limit: number;
  record: string | null;
};

export const PAGE_SIZES = [25, 50, 100] as const;
export const DEFAULT_LIMIT = 50;

const int = (s: string | null, fallback: number, max: number) => {
  const n = s === null ? NaN : Number(s);
  return Number.isInteger(n) && n >= 0 ? Math.min(n, max) : fallback;
};

export function readView(params: URLSearchParams): RecordsView {
  const limit = int(params.get('limit'), DEFAULT_LIMIT, 1000);
  return {
    label: params.get('label') || null,
    q: params.get('q') || null,
    sort: params.get('sort') || null,
    dir: params.get('dir') === 'asc' ? 'asc' : 'desc',
    skip: int(params.get('skip'), 0, 1_000_000),
    limit: limit === 0 ? DEFAULT_LIMIT : limit,
    record: params.get('record') || null,
  };
}

export function viewSearch(view: RecordsView): string {
  const p = new URLSearchParams();
  if (view.label) p.set('label', view.label);
  if (view.q) p.set('q', view.q);
  if (view.sort) p.set('sort', view.sort);
  if (view.dir === 'asc') p.set('dir', 'asc');
  if (view.skip > 0) p.set('skip', String(view.skip));
  if (view.limit !== DEFAULT_LIMIT) p.set('limit', String(view.limit));
  if (view.record) p.set('record', view.record);
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** The link to a label's records (used by the Schema page and the Import page). */
export const recordsHref = (label: string | null) =>
  `/records${viewSearch({ ...readView(new URLSearchParams()), label })}`;

/** The link to one record: its label's records with its drawer open (search hits, graph nodes, suggestion samples). */
export const recordHref = (label: string, id: string) =>
  `/records${viewSearch({ ...readView(new URLSearchParams()), label, record: id })}`;

/**
 * The view and a way to change it. Changes go through history.pushState, which Next.js syncs with
 * useSearchParams: no server round trip, and each change is a Back step.
 */
export function useRecordsView(): [RecordsView, (patch: Partial<RecordsView>) => void] {
  const params = useSearchParams();
  const pathname = usePathname();
  const view = useMemo(() => readView(new URLSearchParams(params.toString())), [params]);
  const navigate = useCallback(
    (patch: Partial<RecordsView>) => {
      const next = { ...view, ...patch };
      window.history.pushState(null, '', `${pathname}${viewSearch(next)}`);
    },
    [view, pathname],
  );
  return [view, navigate];
}
