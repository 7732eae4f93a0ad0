import { z } from 'zod';
import { LIMITS, ZLabel, ZRecordId, ZRelationshipType } from '../records/records.schema';

export const GRAPH_LIMITS = {
  defaultNodes: 100,
  maxNodes: LIMITS.neighborsLimit,
  /** Edges among the nodes shown; a denser graph is cut here and says `truncated`. */
  maxEdges: 5_000,
  maxFilters: 1_000,
  captionChars: 80,
} as const;

export const ZGraphInput = z
  .object({
    label: ZLabel.optional().describe('start from the first records of this label (oldest first)'),
    ids: z
      .array(ZRecordId)
      .min(1)
      .max(GRAPH_LIMITS.maxNodes)
      .optional()
      .describe('start from (or expand) these records'),
    types: z
      .array(ZRelationshipType)
      .max(GRAPH_LIMITS.maxFilters)
      .optional()
      .describe('only relationships of these types (default all; [] none)'),
    labels: z
      .array(ZLabel)
      .max(GRAPH_LIMITS.maxFilters)
      .optional()
      .describe('only neighbours of these labels (default all); start records always show'),
    limit: z.coerce
      .number<number | string>()
      .int()
      .min(1)
      .max(GRAPH_LIMITS.maxNodes)
      .optional()
      .describe(`most nodes returned, default ${GRAPH_LIMITS.defaultNodes}, max ${GRAPH_LIMITS.maxNodes}`),
  })
  .strict()
  .refine((v) => v.label !== undefined || v.ids !== undefined, {
    message: 'give a label, ids, or both',
    path: ['label'],
  });
export type TGraphInput = z.output<typeof ZGraphInput>;

export const ZGraphNode = z.object({
  id: z.uuid(),
  label: z.string(),
  caption: z
    .string()
    .nullable()
    .describe('a short text to show: the first of name, title, text, … (null when the record has none)'),
  start: z.boolean().describe('a start record (from ids or the label), whose neighbours were looked up'),
  hidden: z.number().int().describe('relationships of this node (within the filters) not among the edges shown'),
});
export type TGraphNode = z.infer<typeof ZGraphNode>;

export const ZGraphEdge = z.object({ sourceId: z.uuid(), targetId: z.uuid(), type: z.string() });
export type TGraphEdge = z.infer<typeof ZGraphEdge>;

export const ZGraph = z.object({
  nodes: z.array(ZGraphNode),
  edges: z.array(ZGraphEdge),
  truncated: z.boolean().describe('more records or edges matched than the limits allow'),
});
export type TGraph = z.infer<typeof ZGraph>;
