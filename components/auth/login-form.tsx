'use client';

import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '@/components/providers/trpc';
import { ErrorMessage } from '@/components/ui/error-message';

export function LoginForm({ next }: { next: string }) {
  const trpc = useTRPC();
  const [masterKey, setMasterKey] = useState('');
  // A full page load, so the console layout checks the new session cookie on the server.
  const login = useMutation(trpc.auth.login.mutationOptions({ onSuccess: () => window.location.assign(next) }));

  return (
    <form
      className="card login-card"
      onSubmit={(e) => {
        e.preventDefault();
        login.mutate({ masterKey });
      }}
    >
      <p className="brand">Engram</p>
      <h1>Log in to the console</h1>
      <div className="field">
        <label htmlFor="master-key">Master key</label>
        <input
          id="master-key"
          type="password"
          autoComplete="current-password"
          required
          autoFocus
          value={masterKey}
          onChange={(e) => setMasterKey(e.target.value)}
          aria-describedby="master-key-hint"
          aria-invalid={login.isError || undefined}
        />
        <p id="master-key-hint" className="hint">
          Printed once when the server first started, and saved as <code>master.key</code> in the data folder (or set
          with <code>ENGRAM_MASTER_KEY</code>).
        </p>
      </div>
      {login.isError ? <ErrorMessage error={login.error} /> : null}
      <button
        type="submit"
        className="button button-primary button-block"
        disabled={login.isPending || login.isSuccess}
      >
        {login.isPending || login.isSuccess ? 'Logging in…' : 'Log in'}
      </button>
    </form>
  );
}
