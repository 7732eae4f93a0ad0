import {
  BaseStore,
  getTextAtPath,
  validateNamespace,
  type GetOperation,
  type Item,
  type ListNamespacesOperation,
  type MatchCondition,
  type Operation,
  type OperationResults,
  type PutOperation,
  type SearchItem,
  type SearchOperation,
} from '@langchain/langgraph-checkpoint';
import type { Engram } from './client';
import type { BatchOp, EngramRecord } from './types';

/**
 * LangGraph.js's long-term memory store (`BaseStore`) on Engram. An item is one record of `label`
 * (default LG_ITEM) with:
 *
 * - `ns` (the namespace joined by ":", which LangGraph forbids inside labels), `ns0`…`nsN` (one property per
 *   level, so a prefix is an exact equality per level) and `ns_depth`;
 * - `key`, and `value`: the item's value as JSON text, returned verbatim;
 * - `value.<field>` for each top-level scalar of the value, so `filter` maps exactly onto `where` (LangGraph's
 *   operators $eq $ne $gt $gte $lt $lte $in $nin are Engram's);
 * - `search_text`: the text of the indexed fields (LangGraph's `fields` paths, default the whole value), which an
 *   Engram embedding index on (label, search_text) makes searchable the moment the put commits. `put(…, false)`
 *   leaves an item out of semantic search.
 *
 * Reads of one batch see the store as it was before the batch; its puts (last one per key wins) then commit
 * together, atomically. Items are created once: an update keeps `createdAt` and moves `updatedAt`.
 */
export type EngramStoreOptions = {
  label?: string;
  /** Value paths whose text is embedded (LangGraph's IndexConfig.fields); default ["$"], the whole value. */
  fields?: string[];
  /** How a search with `query` ranks (default hybrid). */
  mode?: 'semantic' | 'hybrid' | 'keyword';
  /**
   * Fixed properties every item of this store carries and every read is confined to (e.g. { tenant: 'acme' }):
   * a caller of this store cannot read or overwrite another scope's items.
   */
  scope?: Record<string, string | number | boolean>;
};

const SEP = ':';
const TEXT = 'search_text';
const fieldProp = (field: string) => `value.${field}`;
const isScalar = (v: unknown): v is string | number | boolean =>
  typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean';

export class EngramStore extends BaseStore {
  readonly label: string;
  private readonly fields: string[];
  private readonly mode: 'semantic' | 'hybrid' | 'keyword';
  private readonly scope: Record<string, string | number | boolean>;
  private ready?: Promise<void>;

  constructor(
    private readonly db: Engram,
    options: EngramStoreOptions = {},
  ) {
    super();
    this.label = options.label ?? 'LG_ITEM';
    this.fields = options.fields ?? ['$'];
    this.mode = options.mode ?? 'hybrid';
    this.scope = options.scope ?? {};
  }

  /** Creates the embedding index the store searches with (once; a second store on the label finds it). */
  setup(): Promise<void> {
    this.ready ??= (async () => {
      const existing = await this.db.ai.indexes.list();
      if (existing.some((i) => i.label === this.label && i.propertyName === TEXT)) return;
      await this.db.ai.indexes.create({ label: this.label, propertyName: TEXT }).catch(async (e: unknown) => {
        // Another process created it between the list and the create.
        const again = await this.db.ai.indexes.list();
        if (!again.some((i) => i.label === this.label && i.propertyName === TEXT)) throw e;
      });
    })();
    this.ready.catch(() => (this.ready = undefined));
    return this.ready;
  }

  override start(): Promise<void> {
    return this.setup();
  }

  async batch<Op extends Operation[]>(operations: Op): Promise<OperationResults<Op>> {
    await this.setup();
    const results: unknown[] = new Array(operations.length).fill(null);
    const reads: Promise<void>[] = [];
    const puts = new Map<string, PutOperation>();
    operations.forEach((op, i) => {
      if ('value' in op) {
        validateNamespace(op.namespace);
        puts.set(JSON.stringify([op.namespace, op.key]), op);
      } else if ('namespacePrefix' in op) {
        reads.push(this.search_(op).then((r) => void (results[i] = r)));
      } else if ('key' in op) {
        validateNamespace(op.namespace, { allowEmpty: true, allowReservedRoot: true });
        reads.push(this.get_(op).then((r) => void (results[i] = r)));
      } else {
        reads.push(this.listNamespaces_(op).then((r) => void (results[i] = r)));
      }
    });
    await Promise.all(reads);
    if (puts.size > 0) await this.applyPuts([...puts.values()]);
    return results as OperationResults<Op>;
  }

  // ---- reads ----

  private nsWhere(namespace: string[], exact: boolean): Record<string, unknown> {
    const where: Record<string, unknown> = { ...this.scope };
    if (exact) where.ns = namespace.join(SEP);
    else namespace.forEach((label, i) => (where[`ns${i}`] = label));
    return where;
  }

  private toItem(r: EngramRecord): Item {
    return {
      namespace: String(r.ns).split(SEP),
      key: String(r.key),
      value: JSON.parse(String(r.value)) as Record<string, unknown>,
      createdAt: new Date(r.__createdAt),
      updatedAt: new Date(r.__updatedAt),
    };
  }

  private async get_(op: GetOperation): Promise<Item | null> {
    const r = await this.db.records.findOne({
      labels: [this.label],
      where: { ...this.nsWhere(op.namespace, true), key: op.key },
    });
    return r ? this.toItem(r) : null;
  }

  private async search_(op: SearchOperation): Promise<SearchItem[]> {
    if (op.namespacePrefix.length > 0) validateNamespace(op.namespacePrefix, { allowReservedRoot: true });
    const where = this.nsWhere(op.namespacePrefix, false);
    for (const [field, cond] of Object.entries(op.filter ?? {})) where[fieldProp(field)] = cond;
    const limit = op.limit ?? 10;
    const skip = op.offset ?? 0;
    if (op.query) {
      const hits = await this.db.ai.search({
        labels: [this.label],
        propertyName: TEXT,
        query: op.query,
        where,
        limit,
        skip,
        mode: this.mode,
      });
      return hits.items.map((h) => ({ ...this.toItem(h), score: h.__score }));
    }
    const page = await this.db.records.find({
      labels: [this.label],
      where,
      orderBy: { __updatedAt: 'desc' },
      limit,
      skip,
    });
    return page.items.map((r) => ({ ...this.toItem(r), score: undefined }));
  }

  private async listNamespaces_(op: ListNamespacesOperation): Promise<string[][]> {
    const all: string[][] = [];
    for (let skip = 0; ; skip += 1000) {
      const page = await this.db.properties.values({ label: this.label, property: 'ns', limit: 1000, skip });
      // A scoped store lists only namespaces that hold items of its scope.
      for (const v of page.items) all.push(String(v.value).split(SEP));
      if (skip + page.items.length >= page.total || page.items.length === 0) break;
    }
    let namespaces = all;
    if (Object.keys(this.scope).length > 0) {
      const inScope = await Promise.all(
        namespaces.map(
          async (ns) =>
            (await this.db.records.findOne({ labels: [this.label], where: this.nsWhere(ns, true) })) !== null,
        ),
      );
      namespaces = namespaces.filter((_, i) => inScope[i]);
    }
    const matches = (c: MatchCondition, ns: string[]) => {
      if (c.path.length > ns.length) return false;
      const offset = c.matchType === 'suffix' ? ns.length - c.path.length : 0;
      return c.path.every((p, i) => p === '*' || ns[offset + i] === p);
    };
    if (op.matchConditions?.length)
      namespaces = namespaces.filter((ns) => op.matchConditions!.every((c) => matches(c, ns)));
    if (op.maxDepth !== undefined) namespaces = namespaces.map((ns) => ns.slice(0, op.maxDepth));
    const unique = [...new Map(namespaces.map((ns) => [ns.join(SEP), ns])).values()];
    unique.sort((a, b) => a.join(SEP).localeCompare(b.join(SEP)));
    const offset = op.offset ?? 0;
    return unique.slice(offset, offset + (op.limit ?? unique.length));
  }

  // ---- writes ----

  private text(op: PutOperation): string | undefined {
    if (op.index === false || op.value === null) return undefined;
    const paths = op.index ?? this.fields;
    const value = op.value;
    const texts = paths.flatMap((p) => (p === '$' ? [JSON.stringify(value)] : getTextAtPath(value, p)));
    const text = texts.join('\n').trim();
    return text === '' ? undefined : text.slice(0, 100_000);
  }

  private async applyPuts(ops: PutOperation[]): Promise<void> {
    const batch: BatchOp[] = [];
    for (const op of ops) {
      if (op.value === null) {
        const found = await this.db.records.findOne({
          labels: [this.label],
          where: { ...this.nsWhere(op.namespace, true), key: op.key },
        });
        if (found) batch.push({ op: 'delete', id: found.__id });
        continue;
      }
      const data: Record<string, unknown> = {
        ...Object.fromEntries(
          Object.entries(op.value)
            .filter(([, v]) => isScalar(v))
            .map(([k, v]) => [fieldProp(k), v]),
        ),
        ...this.scope,
        ns: op.namespace.join(SEP),
        ns_depth: op.namespace.length,
        ...Object.fromEntries(op.namespace.map((label, i) => [`ns${i}`, label])),
        key: op.key,
        value: JSON.stringify(op.value),
      };
      const text = this.text(op);
      if (text !== undefined) data[TEXT] = text;
      batch.push({
        op: 'upsert',
        label: this.label,
        data,
        mergeBy: [...Object.keys(this.scope), 'ns', 'key'],
        mergeStrategy: 'rewrite',
      });
    }
    if (batch.length > 0) await this.db.batch(batch);
  }
}
