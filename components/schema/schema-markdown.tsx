'use client';

import { useQuery } from '@tanstack/react-query';
import { useRef } from 'react';
import { useTRPC } from '@/components/providers/trpc';
import { ErrorMessage } from '@/components/ui/error-message';
import { Loading } from '@/components/ui/loading';
import { useCopy } from '@/components/ui/use-copy';

/** The schema as Markdown (what `GET /api/v1/schema/markdown` returns), to paste into an LLM prompt. */
export function SchemaMarkdown() {
  const trpc = useTRPC();
  const markdown = useQuery(trpc.schema.markdown.queryOptions());
  const pre = useRef<HTMLPreElement>(null);
  const [copied, copy] = useCopy<'markdown'>();

  if (markdown.isPending) return <Loading label="Loading Markdown…" />;
  if (markdown.isError) return <ErrorMessage error={markdown.error} title="The Markdown could not be loaded." />;
  return (
    <div className="markdown-view">
      <div className="markdown-toolbar">
        <p className="muted">
          The same text as <code>GET /api/v1/schema/markdown</code>: give it to an LLM so it knows what it can query.
        </p>
        <button
          type="button"
          className="button button-primary"
          onClick={() => void copy('markdown', markdown.data.markdown, pre.current)}
        >
          {copied?.result === 'copied' ? 'Copied' : 'Copy'}
        </button>
      </div>
      <p role="status" className="hint">
        {copied?.result === 'copied'
          ? 'Copied to the clipboard.'
          : copied?.result === 'manual'
            ? 'Copying is not available here: the text is selected, press Ctrl+C (⌘C).'
            : ''}
      </p>
      {/* Focusable so keyboard users can scroll it and select its text. */}
      <pre
        ref={pre}
        className="markdown-text"
        tabIndex={0}
        aria-label="Schema as Markdown"
        data-testid="schema-markdown"
      >
        {markdown.data.markdown}
      </pre>
    </div>
  );
}
