'use client';

import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { useProject } from '@/components/providers/api-provider';
import { useTRPC } from '@/components/providers/trpc';
import { ErrorMessage } from '@/components/ui/error-message';
import { formatDateTime } from '@/components/ui/format';
import { Loading } from '@/components/ui/loading';

const COUNT_LABELS: Record<string, string> = { apiKeys: 'Active API keys' };
// Later issues add counts (records, labels, relationships…); show them even before a label is chosen here.
const labelOf = (key: string) =>
  COUNT_LABELS[key] ?? key.replace(/([A-Z])/g, ' $1').replace(/^./, (c) => c.toUpperCase());

export function ProjectOverview() {
  const trpc = useTRPC();
  const { project } = useProject();
  const current = useQuery(trpc.projects.current.queryOptions());

  return (
    <>
      <header className="page-header">
        <p className="eyebrow">Project</p>
        <h1>{current.data?.project.name ?? project}</h1>
        {current.data ? (
          <p className="muted">
            Created {formatDateTime(current.data.project.createdAt)} · id <code>{current.data.project.id}</code>
          </p>
        ) : null}
      </header>

      <section aria-labelledby="counts-heading">
        <h2 id="counts-heading">Counts</h2>
        {current.isPending ? <Loading label="Loading project…" /> : null}
        {current.isError ? <ErrorMessage error={current.error} title="The project could not be loaded." /> : null}
        {current.data ? (
          <dl className="stats">
            {Object.entries(current.data.counts).map(([key, value]) => (
              <div className="stat" key={key}>
                <dt>{labelOf(key)}</dt>
                <dd>{value.toLocaleString()}</dd>
              </div>
            ))}
          </dl>
        ) : null}
      </section>

      <section aria-labelledby="next-heading">
        <h2 id="next-heading">Connect an app</h2>
        <p>
          Apps and agents reach this project through the REST API at <code>/api/v1</code> or tRPC, with an API key.{' '}
          <Link href="/settings/keys">Create an API key</Link>.
        </p>
      </section>
    </>
  );
}
