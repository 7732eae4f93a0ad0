import type { inferRouterInputs } from '@trpc/server';
import type { RouterOutputs } from '@/components/providers/trpc';
import type { AppRouter } from '@/server/trpc/routers/_app';

export type SearchInput = inferRouterInputs<AppRouter>['ai']['search'];
export type SearchHit = RouterOutputs['ai']['search']['items'][number];
export type SearchMode = NonNullable<SearchInput['mode']>;

export const MODES: { id: SearchMode; label: string; summary: string }[] = [
  { id: 'hybrid', label: 'Hybrid', summary: 'meaning and keywords, fused by rank (the default)' },
  { id: 'semantic', label: 'Semantic', summary: 'meaning only: nearest vectors' },
  { id: 'keyword', label: 'Keyword', summary: 'words only: BM25 full-text ranking' },
];
export const DEFAULT_MODE: SearchMode = 'hybrid';
/** Hybrid: the keyword leg's weight in the fusion (the vector leg gets 1 − it); the server's default. */
export const DEFAULT_KEYWORD_WEIGHT = 0.8;
export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 1000;
/**
 * The console's search is a tRPC query, so its input travels in the request URL, and the page's URL
 * (which keeps the search) travels again as the Referer: a query vector longer than this, URL-encoded,
 * would overflow the server's header limit (16 KB), so the page offers the SDK and curl calls instead.
 */
export const MAX_URL_VECTOR_CHARS = 6_000;
export const vectorTooLong = (text: string) => encodeURIComponent(text.trim()).length > MAX_URL_VECTOR_CHARS;

/**
 * A search as the page's URL keeps it, so reload, Back and a shared link show the same results:
 * `?label=Note&property=text&q=…&mode=semantic&where={…}&limit=50`. `where` stays the text typed.
 */
export type SearchView = {
  label: string | null;
  property: string | null;
  q: string;
  mode: SearchMode;
  where: string;
  limit: number;
  /** Hybrid only: the keyword leg's weight, 0..1. */
  keywordWeight: number;
};

/** A keyword weight as typed: a number in 0..1, else the default; two decimals. */
export function clampWeight(text: string | null): number {
  const n = Number(text);
  if (text === null || text.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) return DEFAULT_KEYWORD_WEIGHT;
  return Math.round(n * 100) / 100;
}

export const clampLimit = (text: string) => Math.min(Math.max(Math.trunc(Number(text)) || DEFAULT_LIMIT, 1), MAX_LIMIT);

export function readSearchView(params: URLSearchParams): SearchView {
  const mode = params.get('mode');
  const limit = Number(params.get('limit'));
  return {
    label: params.get('label') || null,
    property: params.get('property') || null,
    q: params.get('q') ?? '',
    mode: MODES.some((m) => m.id === mode) ? (mode as SearchMode) : DEFAULT_MODE,
    where: params.get('where') ?? '',
    limit: Number.isInteger(limit) && limit >= 1 ? Math.min(limit, MAX_LIMIT) : DEFAULT_LIMIT,
    keywordWeight: clampWeight(params.get('kw')),
  };
}

export function searchViewQuery(view: SearchView): string {
  const p = new URLSearchParams();
  if (view.label) p.set('label', view.label);
  if (view.property) p.set('property', view.property);
  if (view.q) p.set('q', view.q);
  if (view.mode !== DEFAULT_MODE) p.set('mode', view.mode);
  if (view.where.trim()) p.set('where', view.where.trim());
  if (view.limit !== DEFAULT_LIMIT) p.set('limit', String(view.limit));
  if (view.mode === 'hybrid' && view.keywordWeight !== DEFAULT_KEYWORD_WEIGHT) p.set('kw', String(view.keywordWeight));
  const s = p.toString();
  return s ? `?${s}` : '';
}

export type WhereCheck = { ok: true; where: Record<string, unknown> | undefined } | { ok: false; message: string };

/** The where filter as typed: empty is no filter; otherwise a JSON object (the query language checks the rest). */
export function parseWhere(text: string): WhereCheck {
  if (!text.trim()) return { ok: true, where: undefined };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, message: `Not valid JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, message: 'The filter is a JSON object, such as { "user": "alice" }.' };
  }
  return { ok: true, where: Object.keys(value).length > 0 ? (value as Record<string, unknown>) : undefined };
}

/** A value typed in the filter helper: JSON when it reads as a number, boolean or null, otherwise the text itself. */
export function helperValue(text: string): unknown {
  const t = text.trim();
  if (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(t) || t === 'true' || t === 'false' || t === 'null') return JSON.parse(t);
  return text;
}

/** Adds `{ prop: value }` to the filter text; an existing condition on the same property is replaced. */
export function addCondition(whereText: string, prop: string, value: unknown): string | null {
  const check = parseWhere(whereText);
  if (!check.ok) return null;
  return JSON.stringify({ ...(check.where ?? {}), [prop]: value }, null, 2);
}

export type VectorCheck = { ok: true; vector: number[] } | { ok: false; message: string };

/** An external index is searched with a vector: a JSON array of finite numbers. */
export function parseVector(text: string): VectorCheck {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return {
      ok: false,
      message: 'An external index is searched with a vector: a JSON array of numbers, such as [0.12, -0.4, …].',
    };
  }
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    return { ok: false, message: 'The query vector is a JSON array of finite numbers.' };
  }
  return { ok: true, vector: value as number[] };
}

/**
 * The tRPC/REST input for a view, or null when it cannot run yet (no index, no query, a filter or vector
 * that does not parse). An external index is searched with `q` read as a vector, in semantic mode.
 */
export function searchInputOf(view: SearchView, external = false): SearchInput | null {
  if (!view.label || !view.property) return null;
  const where = parseWhere(view.where);
  if (!where.ok) return null;
  const text = view.q.trim();
  if (!text) return null;
  let query: Pick<SearchInput, 'query' | 'queryVector'>;
  if (external) {
    const vector = parseVector(text);
    if (!vector.ok) return null;
    query = { queryVector: vector.vector };
  } else {
    query = { query: text };
  }
  return {
    labels: [view.label],
    propertyName: view.property,
    ...query,
    ...(where.where ? { where: where.where as SearchInput['where'] } : {}),
    mode: external ? 'semantic' : view.mode,
    limit: view.limit,
    ...(!external && view.mode === 'hybrid' && view.keywordWeight !== DEFAULT_KEYWORD_WEIGHT
      ? { weights: { keyword: view.keywordWeight, semantic: Math.round((1 - view.keywordWeight) * 100) / 100 } }
      : {}),
  };
}
