'use client';

import Link from 'next/link';
import { keepPreviousData, skipToken, useQuery } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';
import { useTRPC, type RouterOutputs } from '@/components/providers/trpc';
import { ErrorMessage } from '@/components/ui/error-message';
import { Loading } from '@/components/ui/loading';
import { GraphCanvas } from './graph-canvas';
import { GraphFilters, type FilterOption } from './graph-filters';
import { labelColors } from './graph-style';
import { GraphLists } from './graph-lists';
import { graphInputOf, LIMIT_STEP, MAX_IDS, MAX_LIMIT } from './graph-params';
import { NodeDetails } from './node-details';
import { StartForm } from './start-form';
import { useGraphView } from './use-graph-view';

type Schema = RouterOutputs['schema']['get'];

/** Filter options: every label, and every relationship type (counted once, from its source side). */
function optionsOf(schema: Schema | undefined): { types: FilterOption[]; labels: FilterOption[] } {
  const labels = (schema?.labels ?? [])
    .map((l) => ({ name: l.name, count: l.count }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const types = new Map<string, number>();
  for (const l of schema?.labels ?? [])
    for (const r of l.relationships) if (r.direction === 'out') types.set(r.type, (types.get(r.type) ?? 0) + r.count);
  return {
    labels,
    types: [...types].map(([name, count]) => ({ name, count })).sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/**
 * The Graph page: start from a label or a record, tap (or use the list's "+k more") to expand a node,
 * filter relationship types and labels. The view lives in the URL; the canvas is drawn by Cytoscape and
 * everything on it is listed beside it.
 */
export function GraphView() {
  const trpc = useTRPC();
  const [view, navigate] = useGraphView();
  const [selected, setSelected] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const schema = useQuery(trpc.schema.get.queryOptions());
  const options = useMemo(() => optionsOf(schema.data), [schema.data]);
  const colorOf = useMemo(() => labelColors(options.labels.map((l) => l.name)), [options]);
  const input = schema.data
    ? graphInputOf(view, { types: options.types.map((o) => o.name), labels: options.labels.map((o) => o.name) })
    : null;
  const graph = useQuery(
    trpc.relationships.graph.queryOptions(input ?? skipToken, { placeholderData: keepPreviousData }),
  );
  const data = input ? graph.data : undefined;
  const canRaise = view.limit < MAX_LIMIT;

  const expand = useCallback(
    (id: string) => {
      if (view.ids.includes(id) || view.expanded.includes(id)) return;
      if (view.ids.length + view.expanded.length >= MAX_IDS)
        return setNotice(`At most ${MAX_IDS} records can be expanded at once. Start again from one of them.`);
      setNotice(null);
      navigate({ expanded: [...view.expanded, id] });
    },
    [view.ids, view.expanded, navigate],
  );
  const raise = () => navigate({ limit: Math.min(MAX_LIMIT, view.limit + LIMIT_STEP) });
  const onTap = useCallback(
    (id: string | null) => {
      setSelected(id);
      const node = id ? data?.nodes.find((n) => n.id === id) : undefined;
      if (node && !node.start && node.hidden > 0) expand(node.id);
    },
    [data, expand],
  );
  const selectedNode = data?.nodes.find((n) => n.id === selected);

  return (
    <>
      <header className="page-header">
        <h1>Graph</h1>
        <p className="muted">
          Start from a label or a record, then tap a node to expand its neighbours. Filter by relationship type and
          label.
        </p>
      </header>

      {schema.isPending ? <Loading label="Loading labels…" /> : null}
      {schema.isError ? <ErrorMessage error={schema.error} title="The labels could not be loaded." /> : null}
      {schema.data && options.labels.length === 0 ? (
        <div className="empty-state">
          <h2>No records yet</h2>
          <p>
            The graph draws records and their relationships. <Link href="/import">Import JSON, JSONL or CSV</Link>;
            nested objects become linked records.
          </p>
        </div>
      ) : null}

      {schema.data && options.labels.length > 0 ? (
        <StartForm
          key={`${view.label}|${view.ids[0]}`}
          labels={options.labels}
          label={view.label}
          id={view.ids[0] ?? null}
          onStart={(s) => {
            setSelected(null);
            navigate({ label: s.label, ids: s.id ? [s.id] : [], expanded: [] });
          }}
        />
      ) : null}
      {schema.data && options.labels.length > 0 && !input ? (
        <p className="hint">Choose a label or paste a record id, then press Show graph.</p>
      ) : null}

      {input && graph.isPending ? <Loading label="Loading the graph…" /> : null}
      {input && graph.isError ? <ErrorMessage error={graph.error} title="The graph could not be loaded." /> : null}

      {data && schema.data ? (
        <>
          <GraphFilters
            colorOf={colorOf}
            types={options.types}
            labels={options.labels}
            hideTypes={view.hideTypes}
            hideLabels={view.hideLabels}
            onChange={navigate}
          />
          <div className="graph-status">
            <p role="status">
              Showing {data.nodes.length.toLocaleString()} {data.nodes.length === 1 ? 'node' : 'nodes'} and{' '}
              {data.edges.length.toLocaleString()} {data.edges.length === 1 ? 'relationship' : 'relationships'}.
              {graph.isFetching ? ' Updating…' : ''}
            </p>
            {data.truncated ? (
              <p className="warning">
                Not everything fits in {view.limit.toLocaleString()} nodes.{' '}
                {canRaise ? (
                  <button type="button" className="link-button" onClick={raise}>
                    Show up to {Math.min(MAX_LIMIT, view.limit + LIMIT_STEP).toLocaleString()} nodes
                  </button>
                ) : (
                  'Narrow it with the filters.'
                )}
              </p>
            ) : null}
            {notice ? <p className="warning">{notice}</p> : null}
          </div>

          {data.nodes.length === 0 ? (
            <div className="empty-state">
              <h2>{view.label ? `No ${view.label} records` : 'Nothing to show'}</h2>
              <p>Choose another label or paste a record id.</p>
            </div>
          ) : (
            <>
              {data.edges.length === 0 ? (
                <p className="hint">
                  {options.types.length === 0
                    ? 'This project has no relationships yet: nested objects, POST /relationships/{id} and approved suggestions make them.'
                    : 'These records have no relationships within the filters.'}
                </p>
              ) : null}
              <div className="graph-layout">
                <GraphCanvas graph={data} colorOf={colorOf} selected={selectedNode?.id ?? null} onTap={onTap} />
                <aside className="graph-side" aria-label="Graph contents" aria-busy={graph.isFetching}>
                  {selectedNode ? (
                    <NodeDetails
                      node={selectedNode}
                      canRaise={canRaise}
                      onExpand={expand}
                      onRaise={raise}
                      onClose={() => setSelected(null)}
                    />
                  ) : (
                    <p className="hint">Select a node on the canvas or in the list to see its properties.</p>
                  )}
                  <GraphLists
                    graph={data}
                    colorOf={colorOf}
                    expanded={view.expanded}
                    selected={selectedNode?.id ?? null}
                    canRaise={canRaise}
                    onSelect={setSelected}
                    onExpand={expand}
                    onRaise={raise}
                  />
                </aside>
              </div>
            </>
          )}
        </>
      ) : null}
    </>
  );
}
