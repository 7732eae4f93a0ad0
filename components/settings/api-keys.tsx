'use client';

import Link from 'next/link';
import { useState } from 'react';
import type { CreatedApiKey } from '@/components/providers/trpc';
import { CreateKeyForm } from './create-key-form';
import { KeysTable } from './keys-table';
import { NewKeyPanel } from './new-key-panel';

export function ApiKeys() {
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  return (
    <>
      <header className="page-header">
        <nav aria-label="Breadcrumb" className="breadcrumb">
          <Link href="/settings">Settings</Link> <span aria-hidden="true">/</span>
        </nav>
        <h1>API keys</h1>
        <p className="muted">
          Keys let apps and agents call this project with <code>Authorization: Bearer &lt;key&gt;</code>.{' '}
          <strong>read</strong> queries and searches, <strong>write</strong> also changes records,{' '}
          <strong>admin</strong> also manages keys.
        </p>
      </header>
      {created ? <NewKeyPanel created={created} onDismiss={() => setCreated(null)} /> : null}
      <CreateKeyForm onCreated={setCreated} />
      <KeysTable />
    </>
  );
}
