'use client';

import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/components/providers/trpc';
import { ErrorMessage } from '@/components/ui/error-message';
import { Loading } from '@/components/ui/loading';
import { PairTable } from './evidence';
import type { Suggestion } from './types';
import { plural } from '@/components/ui/format';

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** What approving the rule would do now, computed by the server on the current data. */
export function PreviewPanel({ s, type, id }: { s: Suggestion; type: string; id: string }) {
  const trpc = useTRPC();
  // Always fresh: the data may have changed since the analysis.
  const preview = useQuery(trpc.suggestions.preview.queryOptions({ id: s.id }, { staleTime: 0 }));
  return (
    <div id={id} className="suggestion-preview" data-testid="suggestion-preview">
      {preview.isPending ? <Loading label="Computing the preview…" /> : null}
      {preview.isError ? <ErrorMessage error={preview.error} title="The preview could not be computed." /> : null}
      {preview.data ? (
        <>
          <p>
            <strong>Approval creates {plural(preview.data.create, 'relationship')}</strong>
            {preview.data.existing > 0 ? ` (${plural(preview.data.existing, 'exists', 'exist')} already)` : ''}, each{' '}
            <span className="mono">
              ({s.source.label}) -[{type.trim() || s.type}]→ ({s.target.label})
            </span>
            , and links {s.source.label} records written later.
          </p>
          {preview.data.samples.length > 0 ? (
            <PairTable
              caption={`Relationships approval creates between ${s.source.label} and ${s.target.label}`}
              source={s.source.label}
              target={s.target.label}
              rows={preview.data.samples.map((p) => ({
                sourceId: p.source.id,
                value: show(p.source.value),
                targetId: p.target.id,
              }))}
            />
          ) : null}
        </>
      ) : null}
    </div>
  );
}
