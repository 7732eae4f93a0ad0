'use client';

import Link from 'next/link';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import { graphHref } from '@/components/graph/graph-params';
import { useTRPC } from '@/components/providers/trpc';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { ErrorMessage } from '@/components/ui/error-message';
import { Loading } from '@/components/ui/loading';
import { PropValue, TypeBadge } from './prop-value';
import { RecordEditor } from './record-editor';
import { RecordHistory } from './record-history';
import { RecordRelationships } from './record-relationships';
import { RecordTimestamps } from './timestamps';
import { propertiesOf, type RecordItem } from './types';
import { useRefreshData } from './use-refresh-data';

function PropertiesTable({ record }: { record: RecordItem }) {
  const names = Object.keys(propertiesOf(record)).sort((a, b) => a.localeCompare(b));
  if (names.length === 0) return <p className="muted">This record has no properties.</p>;
  return (
    <div className="table-wrap">
      <table className="table properties-table" aria-label="Properties">
        <thead>
          <tr>
            <th scope="col">Property</th>
            <th scope="col">Type</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          {names.map((name) => (
            <tr key={name}>
              <th scope="row">{name}</th>
              <td>
                <TypeBadge type={record.__proptypes[name] ?? 'unknown'} />
              </td>
              <td className="value-cell">
                <PropValue value={record[name]} type={record.__proptypes[name]} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The open record: loaded by id, so following a relationship opens the other end in place. */
function DrawerBody({
  id,
  headingId,
  onOpen,
  onClose,
}: {
  id: string;
  headingId: string;
  onOpen: (id: string) => void;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const refresh = useRefreshData();
  const record = useQuery(trpc.records.get.queryOptions({ id }));
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [cascade, setCascade] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const remove = useMutation(
    trpc.records.delete.mutationOptions({
      onSuccess: async () => {
        setDeleting(false);
        onClose();
        await refresh();
      },
    }),
  );

  // Following a relationship replaces what the focused button belonged to: start reading from the top.
  useEffect(() => {
    heading.current?.focus();
  }, [id]);

  const r = record.data;
  return (
    <>
      <header className="drawer-header">
        <div>
          <p className="eyebrow">{r ? r.__label : 'Record'}</p>
          <h2 id={headingId} ref={heading} tabIndex={-1} className="mono drawer-title">
            {id}
          </h2>
        </div>
        <button type="button" className="button button-quiet" onClick={onClose} aria-label="Close record">
          ✕
        </button>
      </header>
      {record.isPending ? <Loading label="Loading record…" /> : null}
      {record.isError ? <ErrorMessage error={record.error} title="The record could not be loaded." /> : null}
      {r ? (
        <>
          <div className="drawer-actions">
            {!editing ? (
              <button type="button" className="button" onClick={() => setEditing(true)}>
                Edit
              </button>
            ) : null}
            <Link href={graphHref({ id })} className="button">
              Show in graph
            </Link>
            <button
              type="button"
              className="button button-danger-quiet"
              onClick={() => {
                remove.reset();
                setCascade(false);
                setDeleting(true);
              }}
            >
              Delete…
            </button>
          </div>
          <RecordTimestamps record={r} />
          <section aria-labelledby="drawer-props-heading" className="drawer-section">
            <h3 id="drawer-props-heading">Properties</h3>
            {editing ? <RecordEditor record={r} onDone={() => setEditing(false)} /> : <PropertiesTable record={r} />}
          </section>
          <RecordRelationships id={id} onOpen={onOpen} />
          <RecordHistory id={id} />
          <ConfirmDialog
            open={deleting}
            title="Delete this record?"
            confirmLabel="Delete record"
            busyLabel="Deleting…"
            busy={remove.isPending}
            error={remove.isError ? remove.error : undefined}
            onConfirm={() => remove.mutate({ id, cascade })}
            onCancel={() => setDeleting(false)}
          >
            <p>
              The {r.__label} record <code>{id}</code> and its relationships are deleted. This cannot be undone.
            </p>
            <label className="checkbox">
              <input type="checkbox" checked={cascade} onChange={(e) => setCascade(e.target.checked)} />
              Also delete its child records (made from its nested objects)
            </label>
          </ConfirmDialog>
        </>
      ) : null}
    </>
  );
}

/**
 * The record drawer: a modal dialog at the side (native <dialog>: focus kept inside, Escape closes,
 * focus goes back to the row's button on close).
 */
export function RecordDrawer({
  id,
  onOpen,
  onClose,
}: {
  id: string | null;
  onOpen: (id: string) => void;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const headingId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (id && !dialog.open) dialog.showModal();
    if (!id && dialog.open) dialog.close();
  }, [id]);

  return (
    <dialog
      ref={ref}
      className="drawer"
      aria-labelledby={headingId}
      onCancel={(e) => {
        // A nested confirmation handles its own Escape.
        if (e.target !== e.currentTarget) return;
        e.preventDefault();
        onClose();
      }}
      onClick={(e) => {
        // A click on the backdrop lands on the <dialog> itself, outside its inner panel.
        if (e.target === e.currentTarget) onClose();
      }}
    >
      <div className="drawer-panel">
        {id ? <DrawerBody key={id} id={id} headingId={headingId} onOpen={onOpen} onClose={onClose} /> : null}
      </div>
    </dialog>
  );
}
