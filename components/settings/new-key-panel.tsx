'use client';

import { useEffect, useRef, useState } from 'react';
import type { CreatedApiKey } from '@/components/providers/trpc';

type CopyState = 'idle' | 'copied' | 'manual';

/** Shows a new key's secret, the only time it exists outside the caller: Engram keeps just a hash. */
export function NewKeyPanel({ created, onDismiss }: { created: CreatedApiKey; onDismiss: () => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [copy, setCopy] = useState<CopyState>('idle');

  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, [created.key]);

  async function copySecret() {
    try {
      // navigator.clipboard exists only in secure contexts (https or localhost).
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(created.key);
      setCopy('copied');
    } catch {
      input.current?.select();
      setCopy('manual');
    }
  }

  return (
    <section className="card card-success" aria-labelledby="new-key-heading">
      <h2 id="new-key-heading">Key “{created.name}” created</h2>
      <p className="warning">
        <strong>Copy the secret now.</strong> It is shown only this once and cannot be shown again; if it is lost,
        revoke the key and create a new one.
      </p>
      <div className="field">
        <label htmlFor="new-key-secret">Secret key</label>
        <div className="copy-row">
          <input
            id="new-key-secret"
            ref={input}
            className="mono"
            readOnly
            value={created.key}
            onFocus={(e) => e.currentTarget.select()}
          />
          <button type="button" className="button button-primary" onClick={() => void copySecret()}>
            {copy === 'copied' ? 'Copied' : 'Copy'}
          </button>
        </div>
        <p role="status" className="hint">
          {copy === 'copied'
            ? 'Copied to the clipboard.'
            : copy === 'manual'
              ? 'Copying is not available here: press Ctrl+C (⌘C) to copy the selected secret.'
              : ''}
        </p>
      </div>
      <button type="button" className="button" onClick={onDismiss}>
        Done, I have saved it
      </button>
    </section>
  );
}
