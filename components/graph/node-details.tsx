'use client';

import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/components/providers/trpc';
import { PropValue } from '@/components/records/prop-value';
import { propertiesOf } from '@/components/records/types';
import { recordHref } from '@/components/records/use-records-view';
import { ErrorMessage } from '@/components/ui/error-message';
import { Loading } from '@/components/ui/loading';
import { MoreButton } from './graph-lists';
import { nodeName, type GraphNode } from './types';

/** Properties shown here at most; the Records page shows the whole record. */
const MAX_PROPERTIES = 12;

/** The selected node: label, id, its first properties, how many relationships are not shown, and a link to the record. */
export function NodeDetails({
  node,
  canRaise,
  onExpand,
  onRaise,
  onClose,
}: {
  node: GraphNode;
  canRaise: boolean;
  onExpand: (id: string) => void;
  onRaise: () => void;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const record = useQuery(trpc.records.get.queryOptions({ id: node.id }));
  const props = record.data ? Object.entries(propertiesOf(record.data)).sort(([a], [b]) => a.localeCompare(b)) : [];
  return (
    <section className="graph-details card" aria-labelledby="graph-details-heading">
      <div className="graph-details-head">
        <div>
          <p className="eyebrow">{node.label}</p>
          <h2 id="graph-details-heading">{nodeName(node)}</h2>
        </div>
        <button type="button" className="button button-quiet button-small" onClick={onClose} aria-label="Close details">
          ✕
        </button>
      </div>
      <p className="mono muted graph-details-id">{node.id}</p>
      <p>
        <Link href={recordHref(node.label, node.id)}>Open in Records</Link>
        {node.hidden > 0 ? ' · ' : null}
        <MoreButton node={node} canRaise={canRaise} onExpand={onExpand} onRaise={onRaise} />
      </p>
      {record.isPending ? <Loading label="Loading properties…" /> : null}
      {record.isError ? <ErrorMessage error={record.error} title="The record could not be loaded." /> : null}
      {record.data && props.length === 0 ? <p className="muted">No properties.</p> : null}
      {props.length > 0 ? (
        <dl className="graph-props" aria-label="Properties">
          {props.slice(0, MAX_PROPERTIES).map(([name, value]) => (
            <div key={name}>
              <dt>{name}</dt>
              <dd>
                <PropValue value={value} type={record.data?.__proptypes[name]} maxLength={80} />
              </dd>
            </div>
          ))}
        </dl>
      ) : null}
      {props.length > MAX_PROPERTIES ? (
        <p className="muted">and {props.length - MAX_PROPERTIES} more in Records.</p>
      ) : null}
    </section>
  );
}
