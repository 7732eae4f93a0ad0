import {
  analyzeSuggestions,
  approveSuggestion,
  deleteSuggestion,
  getAnalysis,
  getSuggestion,
  listSuggestions,
  previewSuggestion,
  rejectSuggestion,
} from '@/server/domain/suggestions';
import { contract } from '@/server/contract';
import { router } from '../init';
import { projectProcedure } from '../procedures';

export const suggestionsRouter = router({
  list: projectProcedure('read')
    .meta({ openapi: contract.suggestions.list.openapi })
    .input(contract.suggestions.list.input)
    .output(contract.suggestions.list.output)
    .query(({ ctx, input }) => listSuggestions(ctx.deps, input)),

  analysis: projectProcedure('read')
    .meta({ openapi: contract.suggestions.analysis.openapi })
    .input(contract.suggestions.analysis.input)
    .output(contract.suggestions.analysis.output)
    .query(({ ctx }) => getAnalysis(ctx.deps)),

  analyze: projectProcedure('write', { transactional: false })
    .meta({ openapi: contract.suggestions.analyze.openapi })
    .input(contract.suggestions.analyze.input)
    .output(contract.suggestions.analyze.output)
    .mutation(({ ctx, input }) => analyzeSuggestions(ctx.deps, input)),

  get: projectProcedure('read')
    .meta({ openapi: contract.suggestions.get.openapi })
    .input(contract.suggestions.get.input)
    .output(contract.suggestions.get.output)
    .query(({ ctx, input }) => getSuggestion(ctx.deps, input)),

  preview: projectProcedure('read')
    .meta({ openapi: contract.suggestions.preview.openapi })
    .input(contract.suggestions.preview.input)
    .output(contract.suggestions.preview.output)
    .query(({ ctx, input }) => previewSuggestion(ctx.deps, input)),

  approve: projectProcedure('write')
    .meta({ openapi: contract.suggestions.approve.openapi })
    .input(contract.suggestions.approve.input)
    .output(contract.suggestions.approve.output)
    .mutation(({ ctx, input }) => approveSuggestion(ctx.deps, input)),

  reject: projectProcedure('write')
    .meta({ openapi: contract.suggestions.reject.openapi })
    .input(contract.suggestions.reject.input)
    .output(contract.suggestions.reject.output)
    .mutation(({ ctx, input }) => rejectSuggestion(ctx.deps, input)),

  delete: projectProcedure('write')
    .meta({ openapi: contract.suggestions.delete.openapi })
    .input(contract.suggestions.delete.input)
    .output(contract.suggestions.delete.output)
    .mutation(({ ctx, input }) => deleteSuggestion(ctx.deps, input)),
});
