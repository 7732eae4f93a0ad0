'use client';

import Link from 'next/link';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTRPC } from '@/components/providers/trpc';
import { ErrorWithPath } from '@/components/records/error-with-path';
import { indexName, SIMILARITY_LABELS, type EmbeddingIndex, type Similarity } from './types';

const TEXT_TYPES = new Set(['string', 'string[]']);
const MAX_DIMENSIONS = 2000;

/**
 * Create an embedding index: a label from the live schema, one of its text properties, the similarity,
 * and optionally "external" (the caller brings vectors of the given dimensions).
 */
export function CreateIndexForm({
  existing,
  onCreated,
}: {
  existing: EmbeddingIndex[];
  onCreated: (ix: EmbeddingIndex) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const schema = useQuery(trpc.schema.get.queryOptions());
  const [label, setLabel] = useState('');
  const [property, setProperty] = useState('');
  const [similarity, setSimilarity] = useState<Similarity>('cosine');
  const [external, setExternal] = useState(false);
  const [dimensions, setDimensions] = useState('');
  const hintId = useId();
  const create = useMutation(
    trpc.ai.indexes.create.mutationOptions({
      onSuccess: async (ix) => {
        await queryClient.invalidateQueries({ queryKey: trpc.ai.indexes.list.queryKey() });
        setProperty('');
        onCreated(ix);
      },
    }),
  );

  const labels = schema.data?.labels ?? [];
  const chosen = labels.find((l) => l.name === label);
  const textProperties = chosen?.properties.filter((p) => p.types.some((t) => TEXT_TYPES.has(t))) ?? [];
  const indexed = new Set(existing.filter((ix) => ix.label === label).map((ix) => ix.propertyName));

  if (schema.data && labels.length === 0) {
    return (
      <section className="card" aria-labelledby="create-index-heading">
        <h2 id="create-index-heading">Create an index</h2>
        <p className="muted">
          An index is built on a text property of a label, and this project has no records yet.{' '}
          <Link href="/import">Import some records</Link> first.
        </p>
      </section>
    );
  }

  return (
    <section className="card" aria-labelledby="create-index-heading">
      <h2 id="create-index-heading">Create an index</h2>
      <form
        className="form-row index-form"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({
            label,
            propertyName: property,
            similarity,
            ...(external ? { external: true, dimensions: Number(dimensions) } : {}),
          });
        }}
      >
        <div className="field">
          <label htmlFor="index-label">Label</label>
          <select
            id="index-label"
            value={label}
            required
            disabled={schema.isPending}
            onChange={(e) => {
              setLabel(e.target.value);
              setProperty('');
              create.reset();
            }}
          >
            <option value="">{schema.isPending ? 'Loading labels…' : 'Choose a label'}</option>
            {labels.map((l) => (
              <option key={l.name} value={l.name}>
                {l.name} ({l.count.toLocaleString()})
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="index-property">Text property</label>
          <select
            id="index-property"
            value={property}
            required
            disabled={!chosen || textProperties.length === 0}
            aria-describedby={hintId}
            onChange={(e) => {
              setProperty(e.target.value);
              create.reset();
            }}
          >
            <option value="">
              {chosen && textProperties.length === 0 ? 'No text properties' : 'Choose a property'}
            </option>
            {textProperties.map((p) => (
              <option key={p.name} value={p.name} disabled={indexed.has(p.name)}>
                {p.name}
                {indexed.has(p.name) ? ' (indexed)' : ''}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="index-similarity">Similarity</label>
          <select
            id="index-similarity"
            value={similarity}
            onChange={(e) => setSimilarity(e.target.value as Similarity)}
          >
            {(Object.keys(SIMILARITY_LABELS) as Similarity[]).map((s) => (
              <option key={s} value={s}>
                {SIMILARITY_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        <div className="field field-action">
          <label className="checkbox">
            <input type="checkbox" checked={external} onChange={(e) => setExternal(e.target.checked)} /> External
            vectors
          </label>
        </div>
        {external ? (
          <div className="field index-dimensions">
            <label htmlFor="index-dimensions">Dimensions</label>
            <input
              id="index-dimensions"
              type="number"
              inputMode="numeric"
              min={1}
              max={MAX_DIMENSIONS}
              step={1}
              required
              value={dimensions}
              onChange={(e) => setDimensions(e.target.value)}
              placeholder="e.g. 1536"
            />
          </div>
        ) : null}
        <div className="field field-action">
          <button type="submit" className="button button-primary" disabled={create.isPending || !label || !property}>
            {create.isPending ? 'Creating…' : 'Create index'}
          </button>
        </div>
      </form>
      <p id={hintId} className="hint">
        {external
          ? 'External: Engram embeds nothing; your app writes vectors with POST /api/v1/ai/indexes/{id}/vectors and searches with a queryVector.'
          : chosen && textProperties.length === 0
            ? `${chosen.name} has no string properties to embed.`
            : 'Engram embeds the property with the server’s embedding model: existing records are backfilled, new and changed ones are embedded as they are written.'}
      </p>
      {create.isError ? (
        <ErrorWithPath
          error={create.error}
          title={`The index on ${indexName({ label, propertyName: property || '…' })} was not created.`}
        />
      ) : null}
    </section>
  );
}
