/**
 * The query builder's model: a tree of groups, property conditions, related-label blocks and raw JSON
 * conditions, and the two ways between it and a SearchQuery `where` (see server/domain/query/parse.ts
 * for the grammar). `buildWhere` also reports what cannot be sent yet and where each row's part sits in
 * the JSON, so an error the server reports at a path can be shown on the row it came from.
 */
import { DEFAULT_OPERATOR, ID_PROP, operandOf, operatorById, operatorByKey, textOf, type OperatorId } from './filter';

export type Where = Record<string, unknown>;
export type Path = (string | number)[];

export type GroupNode = { kind: 'group'; id: string; op: 'and' | 'or'; not: boolean; items: QueryNode[] };
export type ConditionNode = { kind: 'cond'; id: string; prop: string; op: OperatorId; value: string };
export type Direction = 'any' | 'out' | 'in';
export type RelatedNode = {
  kind: 'related';
  id: string;
  label: string;
  type: string;
  direction: Direction;
  hops: number;
  where: GroupNode;
};
/** A condition the builder has no row for ($xor, $alias, hop ranges…), kept as JSON and sent as is. */
export type RawNode = { kind: 'raw'; id: string; text: string };
export type QueryNode = GroupNode | ConditionNode | RelatedNode | RawNode;

export const MAX_HOPS = 3;

// Ids are for React keys and error lookup. Trees parsed from a query number their nodes from 1 on every
// call, so the server render and the browser agree; nodes the user adds get ids of their own.
let created = 0;
const newId = () => `n${++created}`;

export const newCondition = (prop = ''): ConditionNode => ({
  kind: 'cond',
  id: newId(),
  prop,
  op: DEFAULT_OPERATOR,
  value: '',
});
export const newGroup = (items: QueryNode[] = [newCondition()], op: 'and' | 'or' = 'and'): GroupNode => ({
  kind: 'group',
  id: newId(),
  op,
  not: false,
  items,
});
export const newRelated = (): RelatedNode => ({
  kind: 'related',
  id: newId(),
  label: '',
  type: '',
  direction: 'any',
  hops: 1,
  where: newGroup(),
});
/** An empty builder: one blank condition, ready to fill in. */
export const emptyTree = (): GroupNode => newGroup();

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const LOGIC = ['$and', '$or', '$not', '$nor', '$xor'];

/** The server's rule: an object is a related-records block unless it holds operators only. */
export function isRelationBlock(v: unknown): v is Record<string, unknown> {
  if (!isObject(v)) return false;
  const keys = Object.keys(v);
  return (
    keys.length === 0 ||
    keys.some((k) => !k.startsWith('$') || k === '$relation' || k === '$alias' || LOGIC.includes(k) || k === '$id')
  );
}

// ——— tree → where ———

export type BuildError = { id: string; field: 'prop' | 'value' | 'label' | 'json'; message: string };
export type Built = {
  /** undefined when no row says anything yet. */
  where: Where | undefined;
  /** Rows that cannot be sent as they are. */
  errors: BuildError[];
  /** Where each row's condition sits in the query (from `where`), deepest rows last. */
  paths: { id: string; path: Path }[];
};

type Part = { where: Where; paths: { id: string; path: Path }[] };

const prefix = (p: Part, by: Path): Part['paths'] => p.paths.map(({ id, path }) => ({ id, path: [...by, ...path] }));

/**
 * Entries of an AND group in one object when no two write the same key (two operator objects on one
 * property merge: `{ age: { $gte: 30, $lt: 50 } }`); undefined when they collide.
 */
function mergeAll(parts: Part[]): Where | undefined {
  const out: Where = {};
  for (const part of parts) {
    for (const [key, value] of Object.entries(part.where)) {
      if (!(key in out)) {
        out[key] = value;
        continue;
      }
      const prev = out[key];
      const asOps = (v: unknown) =>
        isObject(v)
          ? isRelationBlock(v) || key.startsWith('$')
            ? undefined
            : v
          : key.startsWith('$')
            ? undefined
            : { $eq: v };
      const a = asOps(prev);
      const b = asOps(value);
      if (!a || !b || Object.keys(b).some((k) => k in a)) return undefined;
      out[key] = { ...a, ...b };
    }
  }
  return out;
}

function relationOf(r: RelatedNode): unknown {
  const type = r.type.trim();
  if (r.direction === 'any' && r.hops === 1) return type ? type : undefined;
  return {
    ...(type ? { type } : {}),
    ...(r.direction !== 'any' ? { direction: r.direction } : {}),
    ...(r.hops !== 1 ? { hops: r.hops } : {}),
  };
}

/** The `where` a tree asks for, what is wrong with it, and where each row sits in it. */
export function buildWhere(
  root: GroupNode,
  propTypes?: (prop: string, scope: string | null) => readonly string[] | undefined,
): Built {
  const errors: BuildError[] = [];

  const group = (g: GroupNode, scope: string | null): Part | undefined => {
    const parts = g.items.map((n) => node(n, scope)).filter((p): p is Part => p !== undefined);
    if (parts.length === 0) return undefined;
    let body: Part;
    if (g.op === 'or') {
      const key = g.not ? '$nor' : '$or';
      return {
        where: { [key]: parts.map((p) => p.where) },
        paths: [{ id: g.id, path: [key] }, ...parts.flatMap((p, i) => prefix(p, [key, i]))],
      };
    }
    const merged = mergeAll(parts);
    if (merged) body = { where: merged, paths: parts.flatMap((p) => p.paths) };
    else body = { where: { $and: parts.map((p) => p.where) }, paths: parts.flatMap((p, i) => prefix(p, ['$and', i])) };
    if (!g.not) return { where: body.where, paths: [{ id: g.id, path: [] }, ...body.paths] };
    return { where: { $not: body.where }, paths: [{ id: g.id, path: ['$not'] }, ...prefix(body, ['$not'])] };
  };

  const node = (n: QueryNode, scope: string | null): Part | undefined => {
    switch (n.kind) {
      case 'group':
        return group(n, scope);
      case 'cond': {
        const prop = n.prop.trim();
        if (prop === '' && n.value.trim() === '') return undefined;
        if (prop === '') {
          errors.push({ id: n.id, field: 'prop', message: 'Choose a property.' });
          return undefined;
        }
        if (prop.startsWith('$') && prop !== ID_PROP)
          errors.push({ id: n.id, field: 'prop', message: `A property name cannot start with $ (only ${ID_PROP}).` });
        const op = operatorById(n.op) ?? operatorById(DEFAULT_OPERATOR)!;
        const operand = operandOf(op.id as OperatorId, n.value, propTypes?.(prop, scope));
        if (!operand.ok) errors.push({ id: n.id, field: 'value', message: operand.error });
        if (op.id === 'eq' && !isObject(operand.value))
          return { where: { [prop]: operand.value }, paths: [{ id: n.id, path: [prop] }] };
        return { where: { [prop]: { [op.key]: operand.value } }, paths: [{ id: n.id, path: [prop, op.key] }] };
      }
      case 'related': {
        const label = n.label.trim();
        if (label === '') {
          errors.push({ id: n.id, field: 'label', message: 'Choose the related label.' });
          return undefined;
        }
        if (label.startsWith('$')) errors.push({ id: n.id, field: 'label', message: 'A label cannot start with $.' });
        const inner = group(n.where, label);
        const relation = relationOf(n);
        const block: Where = { ...(relation !== undefined ? { $relation: relation } : {}), ...(inner?.where ?? {}) };
        return {
          where: { [label]: block },
          paths: [{ id: n.id, path: [label] }, ...(inner ? prefix(inner, [label]) : [])],
        };
      }
      case 'raw': {
        if (n.text.trim() === '') return undefined;
        let value: unknown;
        try {
          value = JSON.parse(n.text);
        } catch (e) {
          errors.push({
            id: n.id,
            field: 'json',
            message: `Not valid JSON: ${e instanceof Error ? e.message : String(e)}`,
          });
          return undefined;
        }
        if (!isObject(value) || Object.keys(value).length === 0) {
          errors.push({ id: n.id, field: 'json', message: 'Enter a JSON object, such as { "age": { "$gte": 30 } }.' });
          return undefined;
        }
        return {
          where: value,
          paths: [{ id: n.id, path: [] }, ...Object.keys(value).map((k) => ({ id: n.id, path: [k] }))],
        };
      }
    }
  };

  const part = group(root, null);
  return { where: part?.where, errors, paths: part ? prefix(part, ['where']) : [] };
}

/**
 * The row a server error at `path` (such as ["where", "$or", 0, "city"]) belongs to: the deepest row
 * whose part the path is inside (on a tie the outer one, so a $relation error lands on its related row).
 */
export function nodeAtPath(built: Built, path: Path): string | undefined {
  let best: { id: string; length: number } | undefined;
  for (const { id, path: p } of built.paths) {
    if (p.length <= path.length && p.every((k, i) => k === path[i]) && (!best || p.length > best.length))
      best = { id, length: p.length };
  }
  return best?.id;
}

// ——— where → tree ———

/** A tree for a `where` (any `where`: what the builder has no row for becomes a JSON row). */
export function treeFromWhere(where: unknown): GroupNode {
  let n = 0;
  const id = () => `q${++n}`;
  const raw = (key: string, value: unknown): RawNode => ({
    kind: 'raw',
    id: id(),
    text: JSON.stringify({ [key]: value }),
  });
  const group = (items: QueryNode[], op: 'and' | 'or' = 'and', not = false): GroupNode => ({
    kind: 'group',
    id: id(),
    op,
    not,
    items,
  });

  /** The rows of one where object (its entries are ANDed). */
  const rows = (w: Where): QueryNode[] => Object.entries(w).flatMap(([k, v]) => entry(k, v));
  /** One element of an $or: a single row, or an AND group of several. */
  const one = (w: unknown, key: string): QueryNode => {
    if (!isObject(w)) return raw(key, [w]);
    const r = rows(w);
    return r.length === 1 ? r[0]! : group(r);
  };
  const list = (v: unknown): unknown[] | undefined =>
    Array.isArray(v) ? v : isObject(v) ? Object.entries(v).map(([k, x]) => ({ [k]: x })) : undefined;

  const entry = (key: string, value: unknown): QueryNode[] => {
    switch (key) {
      case '$and': {
        const items = list(value);
        return items && items.every(isObject) ? items.flatMap((w) => rows(w as Where)) : [raw(key, value)];
      }
      case '$or':
      case '$nor': {
        const items = list(value);
        return items && items.every(isObject)
          ? [
              group(
                items.map((w) => one(w, key)),
                'or',
                key === '$nor',
              ),
            ]
          : [raw(key, value)];
      }
      case '$not': {
        if (!isObject(value)) return [raw(key, value)];
        const r = rows(value);
        const only = r.length === 1 ? r[0] : undefined;
        if (only?.kind === 'group' && !only.not) return [{ ...only, not: true }];
        return [group(r, 'and', true)];
      }
      case ID_PROP: {
        if (typeof value === 'string') return [{ kind: 'cond', id: id(), prop: ID_PROP, op: 'eq', value }];
        if (isObject(value) && Object.keys(value).length === 1) {
          const [k, v] = Object.entries(value)[0]!;
          const op = operatorByKey(k);
          const text = op && ['eq', 'ne', 'in', 'nin'].includes(op.id) ? textOf(op.id as OperatorId, v) : undefined;
          if (op && text !== undefined)
            return [{ kind: 'cond', id: id(), prop: ID_PROP, op: op.id as OperatorId, value: text }];
        }
        return [raw(key, value)];
      }
    }
    if (key.startsWith('$')) return [raw(key, value)];
    if (isRelationBlock(value)) return [related(key, value) ?? raw(key, value)];
    // A property: a value (equality) or an object of operators, one row each.
    if (!isObject(value)) {
      const text = textOf('eq', value);
      return text === undefined ? [raw(key, value)] : [{ kind: 'cond', id: id(), prop: key, op: 'eq', value: text }];
    }
    const conds: ConditionNode[] = [];
    for (const [k, v] of Object.entries(value)) {
      const op = operatorByKey(k);
      const text = op ? textOf(op.id as OperatorId, v) : undefined;
      if (!op || text === undefined) return [raw(key, value)];
      conds.push({ kind: 'cond', id: id(), prop: key, op: op.id as OperatorId, value: text });
    }
    return conds;
  };

  const related = (label: string, block: Record<string, unknown>): RelatedNode | undefined => {
    const { $relation: rel, ...rest } = block;
    if ('$alias' in rest) return undefined;
    let type = '';
    let direction: Direction = 'any';
    let hops = 1;
    if (typeof rel === 'string') type = rel;
    else if (isObject(rel)) {
      if (Object.keys(rel).some((k) => !['type', 'direction', 'hops'].includes(k))) return undefined;
      if (rel.type !== undefined) {
        if (typeof rel.type !== 'string' || rel.type === '') return undefined;
        type = rel.type;
      }
      if (rel.direction !== undefined) {
        if (rel.direction !== 'in' && rel.direction !== 'out') return undefined;
        direction = rel.direction;
      }
      if (rel.hops !== undefined) {
        const h =
          isObject(rel.hops) && Object.keys(rel.hops).length === 2 && rel.hops.min === rel.hops.max
            ? rel.hops.min
            : rel.hops;
        if (typeof h !== 'number' || !Number.isInteger(h) || h < 1 || h > MAX_HOPS) return undefined;
        hops = h;
      }
    } else if (rel !== undefined) return undefined;
    const r = rows(rest);
    const only = r.length === 1 ? r[0] : undefined;
    const where = only?.kind === 'group' ? only : group(r);
    return { kind: 'related', id: id(), label, type, direction, hops, where };
  };

  if (!isObject(where) || Object.keys(where).length === 0) return group([]);
  const r = rows(where);
  const only = r.length === 1 ? r[0] : undefined;
  return only?.kind === 'group' ? only : group(r);
}

// ——— editing ———

/** The tree with the node `id` replaced by what `fn` returns (or removed when it returns null). */
export function updateNode(root: GroupNode, id: string, fn: (n: QueryNode) => QueryNode | null): GroupNode {
  const visit = (n: QueryNode): QueryNode | null => {
    if (n.id === id) return fn(n);
    if (n.kind === 'group') {
      const items = n.items.map(visit).filter((x): x is QueryNode => x !== null);
      return items.length === n.items.length && items.every((x, i) => x === n.items[i]) ? n : { ...n, items };
    }
    if (n.kind === 'related') {
      const where = visit(n.where);
      return where === n.where ? n : { ...n, where: (where as GroupNode | null) ?? newGroup([]) };
    }
    return n;
  };
  return (visit(root) as GroupNode | null) ?? newGroup([]);
}

/** How many rows say something (blank rows are not counted). */
export function countConditions(n: QueryNode): number {
  switch (n.kind) {
    case 'group':
      return n.items.reduce((s, x) => s + countConditions(x), 0);
    case 'related':
      return 1 + countConditions(n.where);
    case 'cond':
      return n.prop.trim() !== '' ? 1 : 0;
    case 'raw':
      return n.text.trim() !== '' ? 1 : 0;
  }
}
