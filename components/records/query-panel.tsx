'use client';

import { TRPCClientError } from '@trpc/client';
import { useId, useMemo, useRef, useState } from 'react';
import { useProject } from '@/components/providers/api-provider';
import { errorText } from '@/components/ui/error-message';
import { ErrorWithPath } from './error-with-path';
import { QueryBuilder } from './query-builder';
import { curlCommand, sdkCall, type SearchQuery } from './query-export';
import { QueryJson } from './query-json';
import {
  buildWhere,
  countConditions,
  emptyTree,
  nodeAtPath,
  treeFromWhere,
  updateNode,
  type BuildError,
  type Path,
  type Where,
} from './query-model';
import { DEFAULT_LIMIT, type RecordsView } from './use-records-view';
import { useSchemaHints } from './use-schema-hints';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The `where` in the URL's `q`, or why it cannot be read. */
export function parseQ(q: string | null): { where?: Where; error?: string } {
  if (!q) return {};
  try {
    const where: unknown = JSON.parse(q);
    return isObject(where) ? { where } : { error: 'The query in the address (q) is not a JSON object.' };
  } catch (e) {
    return { error: `The query in the address (q) is not valid JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
}

const treeOf = (q: string | null) => {
  const { where } = parseQ(q);
  return where ? treeFromWhere(where) : emptyTree();
};

/** The view for a SearchQuery edited as JSON, or why the Records page cannot show it. */
function viewOfQuery(value: unknown): { patch: Partial<RecordsView>; where?: Where } | { error: string } {
  if (!isObject(value)) return { error: 'The query must be a JSON object.' };
  const extra = Object.keys(value).filter((k) => !['labels', 'where', 'orderBy', 'skip', 'limit'].includes(k));
  if (extra.length > 0) {
    return {
      error: `The Records page runs labels, where, orderBy, skip and limit; remove ${extra.join(', ')}${extra.some((k) => k === 'select' || k === 'groupBy') ? ' (select and groupBy are for the API)' : ''}.`,
    };
  }
  const { labels, where, orderBy, skip, limit } = value;
  if (
    labels !== undefined &&
    !(Array.isArray(labels) && labels.length <= 1 && labels.every((l) => typeof l === 'string' && l !== ''))
  ) {
    return { error: 'labels is a list of at most one label here (the page shows one label at a time).' };
  }
  if (where !== undefined && !isObject(where))
    return { error: 'where must be an object, such as { "age": { "$gte": 30 } }.' };
  let sort: string | null = null;
  let dir: 'asc' | 'desc' = 'desc';
  if (orderBy === 'asc' || orderBy === 'desc') dir = orderBy;
  else if (isObject(orderBy) && Object.keys(orderBy).length === 1) {
    const [key, d] = Object.entries(orderBy)[0]!;
    if (d !== 'asc' && d !== 'desc') return { error: `orderBy.${key} is "asc" or "desc".` };
    sort = key === '$id' || key === '__id' ? null : key;
    dir = d;
  } else if (orderBy !== undefined)
    return { error: 'orderBy is "asc", "desc" or one { property: "asc" | "desc" } here.' };
  const int = (v: unknown, min: number, max: number) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
  if (skip !== undefined && !int(skip, 0, 1_000_000)) return { error: 'skip is a whole number from 0 to 1,000,000.' };
  if (limit !== undefined && !int(limit, 1, 1000)) return { error: 'limit is a whole number from 1 to 1,000.' };
  const w = where && Object.keys(where).length > 0 ? where : undefined;
  return {
    where: w,
    patch: {
      label: (labels as string[] | undefined)?.[0] ?? null,
      q: w ? JSON.stringify(w) : null,
      sort,
      dir,
      skip: (skip as number | undefined) ?? 0,
      limit: (limit as number | undefined) ?? DEFAULT_LIMIT,
    },
  };
}

const pathOf = (error: unknown): Path | undefined =>
  error instanceof TRPCClientError
    ? (error.data as { domain?: { details?: { path?: Path } } } | undefined)?.domain?.details?.path
    : undefined;

type Copied = { what: string; text: string; ok: boolean } | null;

/**
 * The Records page's query: the builder (a draft until Apply), its JSON, copy as curl / SDK call, and
 * the server's error next to it (on the row its path points to when the draft is what ran).
 */
export function QueryPanel({
  view,
  query,
  error,
  navigate,
}: {
  view: RecordsView;
  /** What the table runs now (the applied `where`, the label, order and page). */
  query: SearchQuery;
  error: unknown;
  navigate: (patch: Partial<RecordsView>) => void;
}) {
  const id = useId();
  const { project } = useProject();
  const hints = useSchemaHints(view.label);
  const [draft, setDraft] = useState(() => ({ q: view.q, tree: treeOf(view.q) }));
  const [attempted, setAttempted] = useState(false);
  // The URL changed under the builder (Back, a link, the sidebar's Import): start again from it.
  if (draft.q !== view.q) {
    setDraft({ q: view.q, tree: treeOf(view.q) });
    setAttempted(false);
  }
  const [showJson, setShowJson] = useState(false);
  const [copied, setCopied] = useState<Copied>(null);
  const panel = useRef<HTMLFormElement>(null);

  const applied = useMemo(() => parseQ(view.q), [view.q]);
  const built = useMemo(() => buildWhere(draft.tree, hints.propTypes), [draft.tree, hints]);
  const errors = useMemo(() => {
    const m = new Map<string, BuildError[]>();
    for (const e of built.errors) m.set(e.id, [...(m.get(e.id) ?? []), e]);
    return m;
  }, [built.errors]);
  // Compared as the builder would write it, so a query applied as JSON does not look changed.
  const appliedWhere = useMemo(() => JSON.stringify(buildWhere(treeOf(view.q)).where ?? null), [view.q]);
  const dirty = JSON.stringify(built.where ?? null) !== appliedWhere;

  const { labels, orderBy, skip, limit } = query;
  const draftQuery: SearchQuery = {
    ...(labels ? { labels } : {}),
    ...(built.where ? { where: built.where } : {}),
    orderBy,
    skip,
    limit,
  };

  const errorPath = pathOf(error);
  const flaggedId = error && !dirty && errorPath ? nodeAtPath(built, errorPath) : undefined;
  const flagged = flaggedId ? { id: flaggedId, message: errorText(error) } : null;

  const update = (nodeId: string, fn: Parameters<typeof updateNode>[2]) =>
    setDraft((d) => ({ ...d, tree: updateNode(d.tree, nodeId, fn) }));

  function apply() {
    if (built.errors.length > 0) {
      setAttempted(true);
      // Focus the first field that needs fixing (after React has marked it).
      requestAnimationFrame(() => panel.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    setAttempted(false);
    const q = built.where ? JSON.stringify(built.where) : null;
    setDraft((d) => ({ ...d, q }));
    navigate({ q, skip: 0 });
  }

  function clear() {
    setAttempted(false);
    setDraft({ q: null, tree: emptyTree() });
    navigate({ q: null, skip: 0 });
  }

  function applyJson(value: unknown): string | null {
    const result = viewOfQuery(value);
    if ('error' in result) return result.error;
    setAttempted(false);
    setDraft({ q: result.patch.q ?? null, tree: result.where ? treeFromWhere(result.where) : emptyTree() });
    navigate(result.patch);
    return null;
  }

  async function copy(what: string, text: string) {
    try {
      // navigator.clipboard exists only in secure contexts (https or localhost).
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(text);
      setCopied({ what, text, ok: true });
    } catch {
      setCopied({ what, text, ok: false });
    }
  }

  const conditions = countConditions(draft.tree);
  const blocked = attempted && built.errors.length > 0;

  return (
    <section className="query-panel" aria-labelledby={`${id}-heading`}>
      <form
        ref={panel}
        aria-labelledby={`${id}-heading`}
        onSubmit={(e) => {
          e.preventDefault();
          apply();
        }}
      >
        <h3 id={`${id}-heading`} className="query-heading">
          Query
        </h3>
        <QueryBuilder
          tree={draft.tree}
          hints={hints}
          errors={errors}
          attempted={attempted}
          flagged={flagged}
          update={update}
        />
        {blocked ? (
          <p role="alert" className="alert alert-error">
            {built.errors.length === 1 ? 'One condition needs fixing' : `${built.errors.length} conditions need fixing`}{' '}
            before the query can run.
          </p>
        ) : null}
        <div className="query-actions">
          <button type="submit" className="button button-primary button-small">
            Apply
          </button>
          {view.q || conditions > 0 ? (
            <button type="button" className="button button-small" onClick={clear}>
              Clear
            </button>
          ) : null}
          <span className="query-state muted" aria-live="polite">
            {dirty ? 'Changes not applied yet.' : view.q ? `Showing records that match.` : ''}
          </span>
          <span className="query-tools">
            <button
              type="button"
              className="button button-small"
              aria-expanded={showJson}
              aria-controls={`${id}-json`}
              onClick={() => setShowJson((s) => !s)}
            >
              {showJson ? 'Hide JSON' : 'JSON'}
            </button>
            <button
              type="button"
              className="button button-small"
              onClick={() => void copy('curl command', curlCommand(window.location.origin, project, draftQuery))}
            >
              Copy as curl
            </button>
            <button
              type="button"
              className="button button-small"
              onClick={() => void copy('SDK call', sdkCall(draftQuery))}
            >
              Copy as SDK call
            </button>
          </span>
        </div>
        <p role="status" className="hint query-copied">
          {copied
            ? copied.ok
              ? `The ${copied.what} is on the clipboard${copied.what === 'curl command' ? ' (set ENGRAM_KEY to an API key first)' : ''}.`
              : `Copying is not available here: select the ${copied.what} below and press Ctrl+C (⌘C).`
            : ''}
        </p>
        {copied && !copied.ok ? (
          <pre className="query-json-text" tabIndex={0} aria-label={copied.what}>
            {copied.text}
          </pre>
        ) : null}
      </form>
      {applied.error ? (
        <div role="alert" className="alert alert-error">
          {applied.error}{' '}
          <button type="button" className="link-button" onClick={clear}>
            Clear the query
          </button>
        </div>
      ) : null}
      {error ? <ErrorWithPath error={error} title="The query could not run." /> : null}
      {showJson ? (
        <div id={`${id}-json`}>
          <QueryJson key={JSON.stringify(draftQuery)} query={draftQuery} onApply={applyJson} />
        </div>
      ) : null}
    </section>
  );
}
