import type { ProjectDeps } from '../deps';
import { SuggestionAnalyzer } from './analyzer';
import type { TAnalysis, TAnalyzeInput } from './suggestions.schema';

/** The project's latest analysis and its progress (`idle` when it was never analyzed). */
export async function getAnalysis(deps: ProjectDeps): Promise<TAnalysis> {
  const a = await deps.db.suggestionAnalysis.findUnique({ where: { projectId: deps.projectId } });
  if (!a)
    return {
      status: 'idle',
      trigger: null,
      progress: { done: 0, total: 0 },
      found: 0,
      error: null,
      startedAt: null,
      finishedAt: null,
    };
  return {
    status: a.status as TAnalysis['status'],
    trigger: a.trigger as TAnalysis['trigger'],
    progress: { done: a.done, total: a.total },
    found: a.found,
    error: a.error,
    startedAt: a.startedAt.toISOString(),
    finishedAt: a.finishedAt?.toISOString() ?? null,
  };
}

/**
 * Analyze now (POST …/suggestions/analyze): joins a running analysis of the project rather than
 * starting a second. Without `wait` it answers as soon as the analysis is under way.
 */
export async function analyzeSuggestions(deps: ProjectDeps, q: TAnalyzeInput = {}): Promise<TAnalysis> {
  const handle = deps.suggestions ?? new SuggestionAnalyzer(deps.db, { debounceMs: 0 });
  const run = handle.run(deps.projectId, 'manual');
  await (q.wait ? run.finished : run.started);
  return getAnalysis(deps);
}
