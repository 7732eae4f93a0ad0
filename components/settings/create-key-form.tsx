'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC, type CreatedApiKey } from '@/components/providers/trpc';
import { ErrorMessage } from '@/components/ui/error-message';

type Scope = 'read' | 'write' | 'admin';

/** `YYYY-MM-DD` in local time, for the date input's `min`. */
const localDate = (d: Date) =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

export function CreateKeyForm({ onCreated }: { onCreated: (key: CreatedApiKey) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [scope, setScope] = useState<Scope>('read');
  const [expires, setExpires] = useState('');
  const create = useMutation(
    trpc.keys.create.mutationOptions({
      onSuccess: (key) => {
        void queryClient.invalidateQueries({ queryKey: trpc.keys.list.queryKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.projects.current.queryKey() });
        setName('');
        setScope('read');
        setExpires('');
        onCreated(key);
      },
    }),
  );

  return (
    <section className="card" aria-labelledby="create-key-heading">
      <h2 id="create-key-heading">Create a key</h2>
      <form
        className="form-row"
        onSubmit={(e) => {
          e.preventDefault();
          // The key works through the whole chosen day, local time.
          const expiresAt = expires ? new Date(`${expires}T23:59:59.999`).toISOString() : undefined;
          create.mutate({ name: name.trim(), scope, ...(expiresAt ? { expiresAt } : {}) });
        }}
      >
        <div className="field field-grow">
          <label htmlFor="key-name">Name</label>
          <input
            id="key-name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            maxLength={100}
            placeholder="e.g. support-bot production"
          />
        </div>
        <div className="field">
          <label htmlFor="key-scope">Scope</label>
          <select id="key-scope" value={scope} onChange={(e) => setScope(e.target.value as Scope)}>
            <option value="read">read</option>
            <option value="write">write</option>
            <option value="admin">admin</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="key-expires">Expires (optional)</label>
          <input
            id="key-expires"
            type="date"
            value={expires}
            min={localDate(new Date())}
            onChange={(e) => setExpires(e.target.value)}
          />
        </div>
        <div className="field field-action">
          <button type="submit" className="button button-primary" disabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'Create key'}
          </button>
        </div>
      </form>
      {create.isError ? <ErrorMessage error={create.error} title="The key was not created." /> : null}
    </section>
  );
}
