import type { GraphInput } from './types';

/**
 * What the Graph page shows, kept in the URL so that reload, Back (which undoes an expansion) and links
 * from other pages land on the same graph: `?label=` and `?id=` start it, `expand` lists the nodes
 * expanded since, `hideType` / `hideLabel` are the unticked filters, `limit` the node budget. Filters
 * are kept as what is hidden, so a type or label that appears later shows by default.
 */
export type GraphView = {
  label: string | null;
  ids: string[];
  expanded: string[];
  hideTypes: string[];
  hideLabels: string[];
  limit: number;
};

export const DEFAULT_LIMIT = 100;
export const LIMIT_STEP = 100;
export const MAX_LIMIT = 500;
/** Start and expanded records at most (together): the console sends the graph's input in a GET URL. */
export const MAX_IDS = 100;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isRecordId = (s: string) => UUID.test(s.trim());

const unique = (xs: string[]) => [...new Set(xs)];
const listOf = (params: URLSearchParams, key: string) =>
  unique(
    params
      .getAll(key)
      .flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter(Boolean),
  );

const recordIds = (params: URLSearchParams, key: string) =>
  unique(
    listOf(params, key)
      .filter(isRecordId)
      .map((id) => id.toLowerCase()),
  );

export function readGraphView(params: URLSearchParams): GraphView {
  const n = Number(params.get('limit'));
  const ids = recordIds(params, 'id').slice(0, MAX_IDS);
  return {
    label: params.get('label') || null,
    ids,
    expanded: recordIds(params, 'expand')
      .filter((id) => !ids.includes(id))
      .slice(0, MAX_IDS - ids.length),
    hideTypes: listOf(params, 'hideType'),
    hideLabels: listOf(params, 'hideLabel'),
    limit: Number.isInteger(n) && n > 0 ? Math.min(n, MAX_LIMIT) : DEFAULT_LIMIT,
  };
}

export function graphViewSearch(view: GraphView): string {
  const p = new URLSearchParams();
  if (view.label) p.set('label', view.label);
  for (const id of view.ids) p.append('id', id);
  for (const id of view.expanded) p.append('expand', id);
  for (const t of view.hideTypes) p.append('hideType', t);
  for (const l of view.hideLabels) p.append('hideLabel', l);
  if (view.limit !== DEFAULT_LIMIT) p.set('limit', String(view.limit));
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** A link to the graph around one record (the record drawer and other pages use it). */
export const graphHref = (start: { id?: string; label?: string }) =>
  `/graph${graphViewSearch({ label: start.label ?? null, ids: start.id ? [start.id] : [], expanded: [], hideTypes: [], hideLabels: [], limit: DEFAULT_LIMIT })}`;

/**
 * The API input for a view, given every relationship type and label the project has (the filter
 * options); null until the view names a start.
 */
export function graphInputOf(view: GraphView, options: { types: string[]; labels: string[] }): GraphInput | null {
  const ids = [...view.ids, ...view.expanded];
  if (!view.label && ids.length === 0) return null;
  const shown = (all: string[], hidden: string[]) =>
    hidden.length > 0 ? all.filter((x) => !hidden.includes(x)) : undefined;
  const types = shown(options.types, view.hideTypes);
  const labels = shown(options.labels, view.hideLabels);
  return {
    ...(view.label ? { label: view.label } : {}),
    ...(ids.length > 0 ? { ids } : {}),
    ...(types ? { types } : {}),
    ...(labels ? { labels } : {}),
    limit: view.limit,
  };
}
