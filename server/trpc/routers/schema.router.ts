import { getSchema, getSchemaMarkdown, listPropertyValues } from '@/server/domain/schema';
import { contract } from '@/server/contract';
import { router } from '../init';
import { projectProcedure } from '../procedures';

export const schemaRouter = router({
  get: projectProcedure('read')
    .meta({ openapi: contract.schema.get.openapi })
    .input(contract.schema.get.input)
    .output(contract.schema.get.output)
    .query(({ ctx, input }) => getSchema(ctx.deps, input)),

  markdown: projectProcedure('read')
    .meta({ openapi: contract.schema.markdown.openapi })
    .input(contract.schema.markdown.input)
    .output(contract.schema.markdown.output)
    .query(({ ctx, input }) => getSchemaMarkdown(ctx.deps, input)),

  propertyValues: projectProcedure('read')
    .meta({ openapi: contract.schema.propertyValues.openapi })
    .input(contract.schema.propertyValues.input)
    .output(contract.schema.propertyValues.output)
    .query(({ ctx, input }) => listPropertyValues(ctx.deps, input)),
});
