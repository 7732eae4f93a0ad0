'use client';

import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/components/providers/trpc';
import { ErrorMessage } from '@/components/ui/error-message';
import { Loading } from '@/components/ui/loading';
import { shortId, type Relationship } from './types';

function RelationshipList({
  title,
  items,
  onOpen,
}: {
  title: string;
  items: Relationship[];
  onOpen: (id: string) => void;
}) {
  return (
    <div className="relationship-group">
      <h4>
        {title} <span className="count">({items.length})</span>
      </h4>
      {items.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <ul className="relationship-list">
          {items.map((r) => (
            <li key={`${r.direction}-${r.type}-${r.otherId}`}>
              <span className="rel-type">{r.direction === 'out' ? `${r.type} →` : `← ${r.type}`}</span>
              <button
                type="button"
                className="link-button rel-link"
                onClick={() => onOpen(r.otherId)}
                aria-label={`Open ${r.otherLabel} record ${r.otherId}`}
              >
                <span className="label-tag">{r.otherLabel}</span>
                <span className="mono">{shortId(r.otherId)}</span>
              </button>
              {Object.keys(r.properties).length > 0 ? (
                <code className="rel-props">{JSON.stringify(r.properties)}</code>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** A record's relationships, outgoing then incoming; each end opens in the drawer. */
export function RecordRelationships({ id, onOpen }: { id: string; onOpen: (id: string) => void }) {
  const trpc = useTRPC();
  const rels = useQuery(trpc.records.relationships.queryOptions({ id }));
  return (
    <section aria-labelledby="drawer-rels-heading" className="drawer-section">
      <h3 id="drawer-rels-heading">Relationships</h3>
      {rels.isPending ? <Loading label="Loading relationships…" /> : null}
      {rels.isError ? <ErrorMessage error={rels.error} title="Relationships could not be loaded." /> : null}
      {rels.data ? (
        <>
          <RelationshipList title="Outgoing" items={rels.data.filter((r) => r.direction === 'out')} onOpen={onOpen} />
          <RelationshipList title="Incoming" items={rels.data.filter((r) => r.direction === 'in')} onOpen={onOpen} />
        </>
      ) : null}
    </section>
  );
}
