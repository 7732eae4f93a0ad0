'use client';

import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useRef, useState } from 'react';
import { useTRPC } from '@/components/providers/trpc';
import { ErrorMessage } from '@/components/ui/error-message';
import { Loading } from '@/components/ui/loading';
import { LabelCard } from './label-card';
import { SchemaMarkdown } from './schema-markdown';

const TABS = [
  { id: 'labels', label: 'Labels' },
  { id: 'markdown', label: 'Markdown' },
] as const;
type Tab = (typeof TABS)[number]['id'];

/** The Schema page: a card per label, or the whole schema as Markdown. */
export function SchemaView() {
  const trpc = useTRPC();
  const schema = useQuery(trpc.schema.get.queryOptions());
  const [tab, setTab] = useState<Tab>('labels');
  const tabRefs = useRef<Record<Tab, HTMLButtonElement | null>>({ labels: null, markdown: null });

  // Label names are free text: anchors use their position, never the name itself.
  const anchors = useMemo(
    () => new Map(schema.data?.labels.map((l, i) => [l.name, `schema-label-${i}`]) ?? []),
    [schema.data],
  );
  const anchorOf = (name: string) => anchors.get(name);

  const labels = schema.data?.labels ?? [];
  const records = labels.reduce((n, l) => n + l.count, 0);

  return (
    <>
      <header className="page-header">
        <h1>Schema</h1>
        <p className="muted">
          The live schema, computed from the records themselves: labels, properties with their types and coverage, and
          the relationships between labels.
        </p>
      </header>

      {schema.isPending ? <Loading label="Loading schema…" /> : null}
      {schema.isError ? <ErrorMessage error={schema.error} title="The schema could not be loaded." /> : null}

      {schema.data && labels.length === 0 ? (
        <div className="empty-state">
          <h2>No records yet</h2>
          <p>
            The schema appears as soon as the project has records. <Link href="/import">Import JSON, JSONL or CSV</Link>
            .
          </p>
        </div>
      ) : null}

      {labels.length > 0 ? (
        <>
          <div className="schema-toolbar">
            <p className="muted">
              {labels.length.toLocaleString()} {labels.length === 1 ? 'label' : 'labels'}, {records.toLocaleString()}{' '}
              {records === 1 ? 'record' : 'records'}
            </p>
            <div role="tablist" aria-label="Schema view" className="tabs">
              {TABS.map((t, i) => (
                <button
                  key={t.id}
                  ref={(el) => {
                    tabRefs.current[t.id] = el;
                  }}
                  type="button"
                  role="tab"
                  id={`schema-tab-${t.id}`}
                  aria-selected={tab === t.id}
                  aria-controls={`schema-panel-${t.id}`}
                  tabIndex={tab === t.id ? 0 : -1}
                  className="tab"
                  onClick={() => setTab(t.id)}
                  onKeyDown={(e) => {
                    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
                    const next = TABS[(i + (e.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length]!.id;
                    setTab(next);
                    tabRefs.current[next]?.focus();
                  }}
                >
                  {t.label}
                </button>
              ))}
            </div>
          </div>

          {tab === 'labels' ? (
            <div role="tabpanel" id="schema-panel-labels" aria-labelledby="schema-tab-labels">
              <nav aria-label="Labels" className="schema-index">
                {labels.map((l) => (
                  <a key={l.name} href={`#${anchorOf(l.name)}`} className="chip chip-link">
                    {l.name} <span className="count">{l.count.toLocaleString()}</span>
                  </a>
                ))}
              </nav>
              {labels.map((l) => (
                <LabelCard key={l.name} label={l} anchorOf={anchorOf} />
              ))}
            </div>
          ) : (
            <div role="tabpanel" id="schema-panel-markdown" aria-labelledby="schema-tab-markdown">
              <SchemaMarkdown />
            </div>
          )}
        </>
      ) : null}
    </>
  );
}
