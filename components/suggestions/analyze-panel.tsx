'use client';

import { ErrorMessage } from '@/components/ui/error-message';
import { formatDateTime } from '@/components/ui/format';
import type { AnalysisState } from './use-analysis';
import { progressPercent, type Analysis } from './types';
import { plural } from '@/components/ui/format';

const TRIGGER_TEXT = { manual: 'on demand', writes: 'after writes' } as const;

function Progress({ a }: { a: Analysis }) {
  const pct = progressPercent(a.progress);
  const text =
    a.progress.total === 0
      ? 'Starting…'
      : `${a.progress.done.toLocaleString()} / ${a.progress.total.toLocaleString()} steps (${pct}%)`;
  return (
    <div className="index-progress">
      <div
        className="progress-bar"
        role="progressbar"
        aria-label="Analysis progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        aria-valuetext={text}
      >
        <span style={{ width: `${pct}%` }} />
      </div>
      <span className="progress-text">{text}</span>
    </div>
  );
}

/** One line for the live region: not analyzed, analyzing, or when the last analysis ran and what it found. */
function Summary({ a }: { a: Analysis }) {
  if (a.status === 'idle') return <>Not analyzed yet.</>;
  if (a.status === 'running') return <>{a.trigger === 'writes' ? 'Analyzing after recent writes…' : 'Analyzing…'}</>;
  if (a.status === 'error') return null;
  return (
    <>
      Last analyzed {a.finishedAt ? <time dateTime={a.finishedAt}>{formatDateTime(a.finishedAt)}</time> : null}
      {a.trigger ? ` (${TRIGGER_TEXT[a.trigger]})` : ''}: found {plural(a.found, 'rule')}.
    </>
  );
}

/** "Analyze now" with the running analysis' progress, or when the last one ran and what it found. */
export function AnalyzePanel({ state }: { state: AnalysisState }) {
  const { analysis, analyze } = state;
  const a = analysis.data;
  const running = a?.status === 'running';
  return (
    <section className="card suggestion-analysis" aria-labelledby="analysis-heading">
      <div className="suggestion-analysis-head">
        <h2 id="analysis-heading">Analysis</h2>
        <button
          type="button"
          className="button button-primary"
          disabled={running || analyze.isPending || analysis.isPending}
          onClick={() => analyze.mutate({})}
        >
          {running ? 'Analyzing…' : analyze.isPending ? 'Starting…' : 'Analyze now'}
        </button>
      </div>
      {/* The live region says when an analysis starts and ends; the bar's every step is not announced. */}
      <p role="status" className="muted suggestion-analysis-summary">
        {a ? <Summary a={a} /> : null}
      </p>
      {a?.status === 'running' ? <Progress a={a} /> : null}
      {a?.status === 'error' ? (
        <div role="alert" className="alert alert-error">
          <strong>The last analysis failed{a.trigger ? ` (${TRIGGER_TEXT[a.trigger]})` : ''}:</strong>{' '}
          {a.error ?? 'no reason recorded.'}
        </div>
      ) : null}
      {analysis.isError ? (
        <ErrorMessage error={analysis.error} title="The analysis state could not be loaded." />
      ) : null}
      {analyze.isError ? <ErrorMessage error={analyze.error} title="The analysis did not start." /> : null}
    </section>
  );
}
