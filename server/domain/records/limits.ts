/**
 * Explicit limits on what one request may write or ask for. Each is answered with a clear
 * LIMIT_EXCEEDED (413 when it is about the size of the request) before anything is written.
 * The README's limits table mirrors this object.
 */
export const LIMITS = {
  labelLength: 128,
  propertyNameLength: 256,
  propertiesPerRecord: 1_000,
  /** Nesting depth of a JSON document: the top record is depth 1. */
  depth: 16,
  /** Records one write may create or update, nested children included. */
  recordsPerWrite: 50_000,
  /** UTF-8 bytes of one string value. */
  stringBytes: 1_048_576,
  arrayLength: 10_000,
  relationshipTypeLength: 128,
  targetIdsPerCall: 1_000,
  /** Rows one search returns at most. */
  searchLimit: 1_000,
  /** Records returned by an import when asked for. */
  importReturnRecords: 1_000,
  mergeByKeys: 16,
  csvColumns: 1_000,
  neighborsLimit: 500,
  neighborsDepth: 3,
} as const;
