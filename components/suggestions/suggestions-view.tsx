'use client';

import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '@/components/providers/trpc';
import { ErrorMessage } from '@/components/ui/error-message';
import { Loading } from '@/components/ui/loading';
import { AnalyzePanel } from './analyze-panel';
import { ApprovedList } from './approved-list';
import { RejectedList } from './rejected-list';
import { panelId, StatusTabs, tabId } from './status-tabs';
import { SuggestedList } from './suggested-list';
import { LIST_LIMIT, type Analysis, type SuggestionStatus } from './types';
import { useAnalysis } from './use-analysis';

function Empty({ status, analysis }: { status: SuggestionStatus; analysis: Analysis | undefined }) {
  if (status === 'approved')
    return (
      <EmptyState title="No approved rules">
        Approve a suggestion to create its relationships; the rule then links records written later too.
      </EmptyState>
    );
  if (status === 'rejected')
    return <EmptyState title="No rejected rules">A rejected rule is never suggested again.</EmptyState>;
  if (analysis?.status === 'running')
    return <EmptyState title="Analyzing…">Suggestions appear here when the analysis finishes.</EmptyState>;
  if (analysis?.status === 'done') {
    return (
      <EmptyState title="No suggestions">
        The last analysis found no new references between labels. Approved and rejected rules are in their tabs.
      </EmptyState>
    );
  }
  return (
    <EmptyState title="No suggestions yet">
      Engram looks for references between labels — a property such as <code>customer_id</code> whose values match
      another label’s key — a few seconds after records are written. Nothing changes until you approve a rule.{' '}
      <strong>Analyze now</strong> (above) looks at the data at once.
    </EmptyState>
  );
}

const EmptyState = ({ title, children }: { title: string; children: React.ReactNode }) => (
  <div className="empty-state">
    <h3>{title}</h3>
    <p>{children}</p>
  </div>
);

/**
 * The Suggestions page: relationship rules the analysis found, with their evidence, to preview and
 * approve (with an editable type) or reject, one by one or in bulk; the approved rules (withdraw) and the
 * rejected ones; and "analyze now" with its progress.
 */
export function SuggestionsView() {
  const trpc = useTRPC();
  const analysis = useAnalysis();
  const [tab, setTab] = useState<SuggestionStatus>('suggested');
  const [notice, setNotice] = useState('');
  // The open tab's rules in full; the other tabs need only their counts (a one-row page carries the total).
  const list = useQuery(trpc.suggestions.list.queryOptions({ status: tab, limit: LIST_LIMIT }));
  const counts = {
    suggested: useQuery(trpc.suggestions.list.queryOptions({ status: 'suggested', limit: 1 })).data?.total,
    approved: useQuery(trpc.suggestions.list.queryOptions({ status: 'approved', limit: 1 })).data?.total,
    rejected: useQuery(trpc.suggestions.list.queryOptions({ status: 'rejected', limit: 1 })).data?.total,
  };
  const items = list.data?.items ?? [];

  return (
    <>
      <header className="page-header">
        <h1>Suggestions</h1>
        <p className="muted">
          Relationship rules Engram found in your data from property names and values — no LLM. Each says which records
          would point at which, with the evidence; approving one creates the relationships and keeps linking records
          written later.
        </p>
      </header>

      <AnalyzePanel state={analysis} />
      <p role="status" className="hint suggestion-notice">
        {notice}
      </p>

      <StatusTabs tab={tab} onTab={setTab} counts={counts} />
      <div role="tabpanel" id={panelId(tab)} aria-labelledby={tabId(tab)} className="suggestion-panel">
        {list.isPending ? <Loading label="Loading rules…" /> : null}
        {list.isError ? <ErrorMessage error={list.error} title="The rules could not be loaded." /> : null}
        {list.data && items.length === 0 ? <Empty status={tab} analysis={analysis.analysis.data} /> : null}
        {items.length > 0 && tab === 'suggested' ? <SuggestedList items={items} onNotice={setNotice} /> : null}
        {items.length > 0 && tab === 'approved' ? <ApprovedList items={items} onNotice={setNotice} /> : null}
        {items.length > 0 && tab === 'rejected' ? <RejectedList items={items} onNotice={setNotice} /> : null}
        {list.data && list.data.total > items.length ? (
          <p className="hint">
            Showing the {items.length.toLocaleString()} most confident of {list.data.total.toLocaleString()} rules.
          </p>
        ) : null}
      </div>
    </>
  );
}
