import {
  getSchema,
  getSchemaMarkdown,
  listPropertyValues,
  ZGetSchemaInput,
  ZPropertyValues,
  ZPropertyValuesInput,
  ZSchema,
  ZSchemaMarkdown,
} from '@/server/domain/schema';
import { router } from '../init';
import { projectProcedure } from '../procedures';

export const schemaRouter = router({
  get: projectProcedure('read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/schema',
        summary: 'The live schema: labels, properties with types and coverage, relationships',
        tags: ['schema'],
      },
    })
    .input(ZGetSchemaInput.optional())
    .output(ZSchema)
    .query(({ ctx, input }) => getSchema(ctx.deps, input)),

  markdown: projectProcedure('read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/schema/markdown',
        summary: 'The live schema as Markdown, ready for an LLM prompt',
        tags: ['schema'],
        raw: { contentType: 'text/markdown', field: 'markdown' },
      },
    })
    .input(ZGetSchemaInput.optional())
    .output(ZSchemaMarkdown)
    .query(({ ctx, input }) => getSchemaMarkdown(ctx.deps, input)),

  propertyValues: projectProcedure('read')
    .meta({
      openapi: {
        method: 'POST',
        path: '/properties/values',
        summary: 'Distinct values of a property, most frequent first',
        tags: ['schema'],
        envelope: 'list',
      },
    })
    .input(ZPropertyValuesInput)
    .output(ZPropertyValues)
    .query(({ ctx, input }) => listPropertyValues(ctx.deps, input)),
});
