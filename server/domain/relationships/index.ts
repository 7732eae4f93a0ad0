export {
  attachRelationships,
  detachRelationships,
  searchRelationships,
  getNeighbors,
  listRecordRelationships,
  type TRecordEdge,
} from './relationships';
export * from './relationships.schema';
export { getGraph } from './graph';
export * from './graph.schema';
