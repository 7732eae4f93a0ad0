import { z } from 'zod';
import {
  analyzeSuggestions,
  approveSuggestion,
  deleteSuggestion,
  getAnalysis,
  getSuggestion,
  listSuggestions,
  previewSuggestion,
  rejectSuggestion,
  ZAnalysis,
  ZAnalyzeInput,
  ZApproveInput,
  ZDeleteSuggestionInput,
  ZListSuggestionsInput,
  ZPreview,
  ZSuggestion,
  ZSuggestionId,
} from '@/server/domain/suggestions';
import { router } from '../init';
import { projectProcedure } from '../procedures';

const tags = ['suggestions'];
const base = '/relationships/suggestions';

export const suggestionsRouter = router({
  list: projectProcedure('read')
    .meta({
      openapi: {
        method: 'GET',
        path: base,
        summary: 'Suggested relationship rules (or approved / rejected ones), most confident first',
        tags,
        envelope: 'list',
      },
    })
    .input(ZListSuggestionsInput)
    .output(z.object({ items: z.array(ZSuggestion), total: z.number().int() }))
    .query(({ ctx, input }) => listSuggestions(ctx.deps, input)),

  analysis: projectProcedure('read')
    .meta({
      openapi: { method: 'GET', path: `${base}/analysis`, summary: 'The latest analysis and its progress', tags },
    })
    .input(z.object({}).strict().optional())
    .output(ZAnalysis)
    .query(({ ctx }) => getAnalysis(ctx.deps)),

  analyze: projectProcedure('write', { transactional: false })
    .meta({
      openapi: {
        method: 'POST',
        path: `${base}/analyze`,
        summary: 'Look for relationship rules in the data now',
        tags,
        status: 202,
      },
    })
    .input(ZAnalyzeInput.optional())
    .output(ZAnalysis)
    .mutation(({ ctx, input }) => analyzeSuggestions(ctx.deps, input)),

  get: projectProcedure('read')
    .meta({ openapi: { method: 'GET', path: `${base}/{id}`, summary: 'A relationship rule with its evidence', tags } })
    .input(ZSuggestionId)
    .output(ZSuggestion)
    .query(({ ctx, input }) => getSuggestion(ctx.deps, input)),

  preview: projectProcedure('read')
    .meta({
      openapi: {
        method: 'GET',
        path: `${base}/{id}/preview`,
        summary: 'What approving the rule would create now',
        tags,
      },
    })
    .input(ZSuggestionId)
    .output(ZPreview)
    .query(({ ctx, input }) => previewSuggestion(ctx.deps, input)),

  approve: projectProcedure('write')
    .meta({
      openapi: {
        method: 'POST',
        path: `${base}/{id}/approve`,
        summary: 'Create every matching edge and keep the rule for later writes',
        tags,
      },
    })
    .input(ZApproveInput)
    .output(z.object({ suggestion: ZSuggestion, created: z.number().int().describe('edges created by this call') }))
    .mutation(({ ctx, input }) => approveSuggestion(ctx.deps, input)),

  reject: projectProcedure('write')
    .meta({
      openapi: {
        method: 'POST',
        path: `${base}/{id}/reject`,
        summary: 'Reject a suggested rule; it is never suggested again',
        tags,
      },
    })
    .input(ZSuggestionId)
    .output(ZSuggestion)
    .mutation(({ ctx, input }) => rejectSuggestion(ctx.deps, input)),

  delete: projectProcedure('write')
    .meta({
      openapi: {
        method: 'DELETE',
        path: `${base}/{id}`,
        summary: 'Withdraw a rule, optionally with the edges it made',
        tags,
      },
    })
    .input(ZDeleteSuggestionInput)
    .output(z.object({ deleted: z.boolean(), edgesDeleted: z.number().int() }))
    .mutation(({ ctx, input }) => deleteSuggestion(ctx.deps, input)),
});
