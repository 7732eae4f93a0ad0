'use client';

import { useEffect, useId, useRef } from 'react';
import { ImportForm } from './import-form';

/**
 * The Import form in a modal <dialog> (focus kept inside, Escape closes, focus back on the opener).
 * The form is mounted only while open, so each opening starts a fresh one.
 */
export function ImportDialog({
  open,
  onClose,
  onImported,
}: {
  open: boolean;
  onClose: () => void;
  onImported?: (label: string | null) => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <dialog
      ref={ref}
      className="dialog dialog-wide"
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <div className="dialog-title-row">
        <h2 id={titleId}>Import data</h2>
        <button type="button" className="button button-quiet" onClick={onClose} aria-label="Close import">
          ✕
        </button>
      </div>
      {open ? (
        <ImportForm
          renderDone={(done, reset) => (
            <div className="row">
              <button
                type="button"
                className="button button-primary"
                onClick={() => {
                  onImported?.(done.label);
                  onClose();
                }}
              >
                {done.label ? `Show ${done.label} records` : 'Close'}
              </button>
              <button type="button" className="button" onClick={reset}>
                Import more
              </button>
            </div>
          )}
        />
      ) : null}
    </dialog>
  );
}
