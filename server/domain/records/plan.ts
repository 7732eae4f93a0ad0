import { uuidv7 } from 'uuidv7';
import { DomainError } from '@/server/errors';
import { LIMITS } from './limits';
import { ZPropertyName, type TWriteOptions } from './records.schema';
import { coerceToType, inferType, type JsonPath, type PropType } from './types';

/**
 * Turns JSON documents into the rows one write inserts: records with their types, and the parent ->
 * child edges of nested objects. Pure: validates everything (names, types, limits) before any SQL runs,
 * so an invalid document anywhere in a batch writes nothing.
 */
export type PlannedRecord = {
  id: string;
  label: string;
  data: Record<string, unknown>;
  types: Record<string, PropType>;
  /** Index of the top-level document this record came from; children share their root's index. */
  root: number;
  /** True for top-level records (the ones mergeBy applies to). */
  top: boolean;
};
export type PlannedEdge = {
  sourceId: string;
  targetId: string;
  type: string;
  sourceLabel: string;
  targetLabel: string;
};
export type WritePlan = { records: PlannedRecord[]; edges: PlannedEdge[] };

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' &&
  v !== null &&
  !Array.isArray(v) &&
  (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);

export const defaultChildType = (childLabel: string) => `HAS_${childLabel.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`;

function checkName(name: string, path: JsonPath): void {
  const r = ZPropertyName.safeParse(name);
  if (!r.success) {
    throw new DomainError(
      'INVALID',
      `Invalid property name "${name.slice(0, 80)}" at ${path.join('.')}: ${r.error.issues[0]?.message}`,
      {
        path,
        expected: `1-${LIMITS.propertyNameLength} characters, not starting with "__" or "$"`,
        got: name.slice(0, 80),
      },
    );
  }
}

function checkLabel(label: string, path: JsonPath): void {
  if (label.length < 1 || label.length > LIMITS.labelLength) {
    throw new DomainError(
      'INVALID',
      `Invalid label at ${path.join('.')}: labels have 1-${LIMITS.labelLength} characters`,
      {
        path,
        expected: `1-${LIMITS.labelLength} characters`,
        got: label.slice(0, 80),
      },
    );
  }
}

export class Planner {
  readonly records: PlannedRecord[] = [];
  readonly edges: PlannedEdge[] = [];
  private roots = 0;

  constructor(private readonly options: TWriteOptions = {}) {}

  private count(path: JsonPath) {
    if (this.records.length >= LIMITS.recordsPerWrite) {
      throw new DomainError(
        'LIMIT_EXCEEDED',
        `One write may create at most ${LIMITS.recordsPerWrite} records (nested children included)`,
        { path, limit: LIMITS.recordsPerWrite },
        { tooLarge: true },
      );
    }
  }

  /** A JSON object: properties plus nested children. Returns the new record's id. */
  addDocument(label: string, doc: unknown, path: JsonPath): string {
    const root = this.roots++;
    return this.addObject(label, doc, path, 1, root, true);
  }

  private addObject(label: string, doc: unknown, path: JsonPath, depth: number, root: number, top: boolean): string {
    checkLabel(label, path);
    if (!isPlainObject(doc)) {
      throw new DomainError('INVALID', `Expected a JSON object at ${path.join('.') || '(root)'}`, {
        path,
        expected: 'object',
        got: Array.isArray(doc) ? 'array' : doc === null ? 'null' : typeof doc,
      });
    }
    if (depth > LIMITS.depth) {
      throw new DomainError('LIMIT_EXCEEDED', `Nesting deeper than ${LIMITS.depth} levels at ${path.join('.')}`, {
        path,
        limit: LIMITS.depth,
      });
    }
    const keys = Object.keys(doc);
    if (keys.length > LIMITS.propertiesPerRecord) {
      throw new DomainError(
        'LIMIT_EXCEEDED',
        `More than ${LIMITS.propertiesPerRecord} properties at ${path.join('.') || '(root)'}`,
        { path, limit: LIMITS.propertiesPerRecord },
      );
    }
    this.count(path);
    const record: PlannedRecord = { id: uuidv7(), label, data: {}, types: {}, root, top };
    this.records.push(record);
    for (const key of keys) {
      const value = doc[key];
      const at = [...path, key];
      checkName(key, at);
      if (isPlainObject(value)) {
        this.addChild(record, key, value, at, depth);
      } else if (Array.isArray(value) && value.length > 0 && value.some(isPlainObject)) {
        value.forEach((el, i) => {
          if (!isPlainObject(el)) {
            throw new DomainError(
              'INVALID',
              `A mixed array: objects and ${Array.isArray(el) ? 'arrays' : typeof el} at ${[...at, i].join('.')}`,
              { path: [...at, i], expected: 'object', got: el === null ? 'null' : typeof el },
            );
          }
          this.addChild(record, key, el, [...at, i], depth);
        });
      } else if (value === undefined) {
        continue; // only reachable from in-process callers; JSON has no undefined
      } else {
        record.types[key] = inferType(value, at);
        record.data[key] = value;
      }
    }
    return record.id;
  }

  private addChild(parent: PlannedRecord, key: string, value: unknown, path: JsonPath, depth: number) {
    const childId = this.addObject(key, value, path, depth + 1, parent.root, false);
    this.edges.push({
      sourceId: parent.id,
      targetId: childId,
      type: this.options.relationshipType ?? defaultChildType(key),
      sourceLabel: parent.label,
      targetLabel: key,
    });
  }

  /** A record given as explicitly typed properties (no nesting). */
  addTyped(label: string, properties: { name: string; type: PropType; value: unknown }[], path: JsonPath): string {
    checkLabel(label, path);
    this.count(path);
    const record: PlannedRecord = { id: uuidv7(), label, data: {}, types: {}, root: this.roots++, top: true };
    properties.forEach((p, i) => {
      const at = [...path, i];
      checkName(p.name, [...at, 'name']);
      if (p.name in record.types)
        throw new DomainError('INVALID', `Property "${p.name}" is given twice`, { path: [...at, 'name'], got: p.name });
      record.data[p.name] = coerceToType(p.type, p.value, [...at, 'value']);
      record.types[p.name] = p.type;
    });
    this.records.push(record);
    return record.id;
  }

  plan(): WritePlan {
    return { records: this.records, edges: this.edges };
  }
}

/** Flat properties for update/set: nested objects are refused (children are made on create/import). */
export function planProperties(
  data: Record<string, unknown>,
  path: JsonPath,
): { data: Record<string, unknown>; types: Record<string, PropType> } {
  const keys = Object.keys(data);
  if (keys.length > LIMITS.propertiesPerRecord) {
    throw new DomainError('LIMIT_EXCEEDED', `More than ${LIMITS.propertiesPerRecord} properties`, {
      path,
      limit: LIMITS.propertiesPerRecord,
    });
  }
  const out: Record<string, unknown> = {};
  const types: Record<string, PropType> = {};
  for (const key of keys) {
    const at = [...path, key];
    checkName(key, at);
    const value = data[key];
    if (value === undefined) continue;
    if (isPlainObject(value) || (Array.isArray(value) && value.some(isPlainObject))) {
      throw new DomainError(
        'INVALID',
        `Nested objects are accepted on create and import, not on update, at ${at.join('.')}`,
        { path: at, expected: 'a property value', got: 'object' },
      );
    }
    types[key] = inferType(value, at);
    out[key] = value;
  }
  return { data: out, types };
}

export { isPlainObject };
