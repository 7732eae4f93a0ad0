'use client';

import { useRef, useSyncExternalStore } from 'react';
import { useProject } from '@/components/providers/api-provider';
import { searchCurl, searchSdkCall } from './search-export';
import type { SearchInput } from './search-params';
import { useCopy } from '@/components/ui/use-copy';

type Kind = 'sdk' | 'curl';
const COPIED: Record<Kind, string> = {
  sdk: 'The SDK call is on the clipboard.',
  curl: 'The curl command is on the clipboard.',
};

const noSubscribe = () => () => {};
/** The page's origin; empty while rendering on the server. */
const useOrigin = () =>
  useSyncExternalStore(
    noSubscribe,
    () => window.location.origin,
    () => '',
  );

/** The search just run, as an SDK call and as curl, each with a copy button. */
export function CodePanel({ input }: { input: SearchInput }) {
  const { project } = useProject();
  const origin = useOrigin();
  const sdkRef = useRef<HTMLPreElement>(null);
  const curlRef = useRef<HTMLPreElement>(null);
  const [copied, copy] = useCopy<Kind>();
  const sdk = searchSdkCall(input);
  const curl = searchCurl(origin, project, input);

  return (
    <section className="card search-code" aria-labelledby="search-code-heading">
      <h2 id="search-code-heading">The same search from code</h2>
      <div className="code-block">
        <div className="code-block-head">
          <h3 id="search-sdk-heading">TypeScript SDK</h3>
          <button type="button" className="button button-small" onClick={() => void copy('sdk', sdk, sdkRef.current)}>
            Copy SDK call
          </button>
        </div>
        <pre
          ref={sdkRef}
          className="code-text"
          tabIndex={0}
          aria-labelledby="search-sdk-heading"
          data-testid="search-sdk"
        >
          {sdk}
        </pre>
      </div>
      <div className="code-block">
        <div className="code-block-head">
          <h3 id="search-curl-heading">curl</h3>
          <button
            type="button"
            className="button button-small"
            onClick={() => void copy('curl', curl, curlRef.current)}
          >
            Copy curl
          </button>
        </div>
        <pre
          ref={curlRef}
          className="code-text"
          tabIndex={0}
          aria-labelledby="search-curl-heading"
          data-testid="search-curl"
        >
          {curl}
        </pre>
      </div>
      <p role="status" className="hint">
        {copied?.result === 'copied'
          ? COPIED[copied.kind]
          : copied?.result === 'manual'
            ? 'Copying is not available here: the text is selected, press Ctrl+C (⌘C).'
            : ''}
      </p>
      <p className="hint">
        The key is read from <code>$ENGRAM_KEY</code>: create one under Settings → API keys. The REST answer is{' '}
        <code>{'{ "data": [ … ] }'}</code>; each record carries <code>__score</code>
        {input.mode === 'hybrid' ? (
          <>
            {' '}
            and <code>__scores</code>
          </>
        ) : null}
        .
      </p>
    </section>
  );
}
