'use client';

import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/components/providers/trpc';
import { ErrorMessage } from '@/components/ui/error-message';
import { Loading } from '@/components/ui/loading';

/** Every label of the project with its record count, plus "All"; the current one is marked. */
export function LabelSidebar({
  current,
  onSelect,
}: {
  current: string | null;
  onSelect: (label: string | null) => void;
}) {
  const trpc = useTRPC();
  const counts = useQuery(trpc.labels.search.queryOptions({}));
  const entries = counts.data ? Object.entries(counts.data).sort(([a], [b]) => a.localeCompare(b)) : [];
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  // A label in the URL that has no records (deleted, or typed by hand) still shows, so the view explains itself.
  if (counts.data && current !== null && !(current in counts.data)) entries.push([current, 0]);

  const item = (label: string | null, name: string, count: number) => (
    <li key={label ?? ''}>
      <button
        type="button"
        className="label-item"
        aria-current={current === label ? 'true' : undefined}
        onClick={() => onSelect(label)}
      >
        <span className="label-name">{name}</span>
        <span className="label-count">{count.toLocaleString()}</span>
      </button>
    </li>
  );

  return (
    <nav aria-labelledby="labels-heading" className="label-sidebar">
      <h2 id="labels-heading" className="sidebar-heading">
        Labels
      </h2>
      {counts.isPending ? <Loading label="Loading labels…" /> : null}
      {counts.isError ? <ErrorMessage error={counts.error} title="Labels could not be loaded." /> : null}
      {counts.data ? (
        <ul>
          {item(null, 'All records', total)}
          {entries.map(([label, n]) => item(label, label, n))}
        </ul>
      ) : null}
    </nav>
  );
}
