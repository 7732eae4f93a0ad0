'use client';

import Link from 'next/link';
import { recordsHref } from '@/components/records/use-records-view';
import { ImportForm } from './import-form';

/** The Import section: the same form as the Records page's Import dialog, on a page of its own. */
export function ImportPage() {
  return (
    <>
      <header className="page-header">
        <h1>Import</h1>
        <p className="muted">
          Paste or upload JSON, JSONL or CSV. Nested objects become child records linked to their parent. An import is
          atomic: if one value is invalid, nothing is written, and the error names its path.
        </p>
      </header>
      <section className="card import-card" aria-label="Import data">
        <ImportForm
          renderDone={(done, reset) => (
            <div className="row">
              <Link className="button button-primary" href={recordsHref(done.label)}>
                {done.label ? `Show ${done.label} records` : 'Show records'}
              </Link>
              <button type="button" className="button" onClick={reset}>
                Import more
              </button>
            </div>
          )}
        />
      </section>
    </>
  );
}
