import { contract } from '../../server/contract';
import { ConflictError, makeError } from './errors';
import { Transport, type CallOptions, type FetchLike } from './transport';
import type {
  Analysis,
  AnalyzeInput,
  ApiKey,
  Approval,
  ApproveInput,
  AttachInput,
  BatchOp,
  BatchResult,
  BeginInput,
  CreateApiKeyInput,
  CreatedApiKey,
  CreateIndexInput,
  CreateProjectInput,
  CreateRecordInput,
  DeleteQuery,
  DetachInput,
  Edge,
  EmbeddingIndex,
  EngramRecord,
  ExportQuery,
  FilterQuery,
  FindQuery,
  Graph,
  GraphInput,
  ImportCsvInput,
  ImportJsonInput,
  ImportResult,
  ListSuggestionsInput,
  Neighbors,
  NeighborsInput,
  Preview,
  Project,
  ProjectCurrent,
  PropertyInfo,
  PropertyValues,
  PropertyValuesInput,
  RecordRelationship,
  RecordVersion,
  RelationshipEvent,
  RelationshipSearchInput,
  Schema,
  SchemaInput,
  SearchHit,
  SearchQuery,
  SelectRow,
  SemanticSearch,
  Suggestion,
  TransactionInfo,
  TransactionOutcome,
  VectorsInput,
  WithdrawInput,
} from './types';

export type EngramOptions = {
  /** The server, e.g. http://localhost:3000 (the SDK adds /api/v1). */
  url: string;
  /** An API key, or the master key (then `project` picks the project; default "default"). */
  apiKey: string;
  project?: string;
  /** Per call, default 30 000 ms. */
  timeoutMs?: number;
  /** Retries of reads on network errors, timeouts, 429 and 503 (default 2; 0 turns them off). */
  retries?: number;
  /** A fetch to send requests with (default globalThis.fetch). */
  fetch?: FetchLike;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
};

/** A page of results: the items, the total the query matches, and the next page. */
export type Page<T> = {
  items: T[];
  total: number;
  skip: number;
  /** Whether more items follow this page. */
  hasMore: boolean;
  /** The next page, or null after the last. */
  next: () => Promise<Page<T> | null>;
};

type List<T> = { items: T[]; total: number };
type Props = Record<string, unknown>;

/** Options of records.upsert: match on mergeBy (default: every property given), merge or replace. */
export type UpsertInput = {
  label: string;
  data: Props;
  options?: { mergeBy?: string[]; mergeStrategy?: 'append' | 'rewrite' };
};

export type TxRunOptions = BeginInput & {
  /** Runs of the function after a serialization conflict (409, reason "serialization"), default 3. */
  retries?: number;
};

const ops = contract;
const DEFAULT_PAGE = 100;

function makePage<T>(
  fetchPage: (skip: number, limit: number | undefined) => Promise<List<T>>,
  skip: number,
  limit: number | undefined,
  list: List<T>,
): Page<T> {
  const end = skip + list.items.length;
  const hasMore = list.items.length > 0 && end < list.total;
  return {
    items: list.items,
    total: list.total,
    skip,
    hasMore,
    next: async () => (hasMore ? makePage(fetchPage, end, limit, await fetchPage(end, limit)) : null),
  };
}

type Call = <T>(op: Parameters<Transport['call']>[0], input: unknown, o?: CallOptions) => Promise<T>;

/** A paged list operation: the input's own skip and limit start it; next() moves skip on. */
async function pagedCall<T>(
  call: Call,
  op: Parameters<Transport['call']>[0],
  input: object,
  o?: CallOptions,
): Promise<Page<T>> {
  const given = input as { skip?: number | string; limit?: number | string };
  const fetchPage = (skip: number, limit: number | undefined) =>
    call<List<T>>(op, { ...input, skip, ...(limit ? { limit } : {}) }, o);
  const skip = Number(given.skip ?? 0);
  const limit = given.limit === undefined ? undefined : Number(given.limit);
  return makePage(fetchPage, skip, limit, await fetchPage(skip, limit));
}

/**
 * The namespaces of a client, every call bound to `base` options (a transaction's calls carry its id).
 * One implementation for the client and for a transaction: `tx.records.create(...)` is
 * `db.records.create(..., { tx })`.
 */
function namespaces(t: Transport, base: CallOptions) {
  const call: Call = (op, input, o) => t.call(op, input, { ...base, ...o });

  const find = <T extends object = Props, W = object>(query: FindQuery<W> = {} as FindQuery<W>, o?: CallOptions) =>
    pagedCall<EngramRecord<T>>(call, ops.records.search, query, o);

  const records = {
    /** Create a record; nested objects become linked child records. */
    create: <T extends object = Props>(input: CreateRecordInput, o?: CallOptions) =>
      call<EngramRecord<T>>(ops.records.create, input, o),
    /** Create many records of one label in one atomic import. */
    createMany: (input: { label: string; data: Props[]; options?: ImportJsonInput['options'] }, o?: CallOptions) =>
      call<ImportResult>(ops.records.importJson, input, o),
    importJson: (input: ImportJsonInput, o?: CallOptions) => call<ImportResult>(ops.records.importJson, input, o),
    importCsv: (input: ImportCsvInput, o?: CallOptions) => call<ImportResult>(ops.records.importCsv, input, o),
    /** Update the record of `label` whose mergeBy properties equal these, or create it. */
    upsert: <T extends object = Props>(input: UpsertInput, o?: CallOptions) =>
      call<EngramRecord<T>>(
        ops.records.create,
        {
          label: input.label,
          data: input.data,
          options: {
            mergeBy: input.options?.mergeBy ?? Object.keys(input.data),
            ...(input.options?.mergeStrategy ? { mergeStrategy: input.options.mergeStrategy } : {}),
          },
        },
        o,
      ),
    /** A record; with `asOf`, as it was at that time (NOT_FOUND if it did not exist then). */
    get: <T extends object = Props>(id: string, opts: CallOptions & { asOf?: string | Date } = {}) => {
      const { asOf, ...o } = opts;
      const at = asOf instanceof Date ? asOf.toISOString() : asOf;
      return call<EngramRecord<T>>(ops.records.get, { id, ...(at ? { asOf: at } : {}) }, o);
    },
    /** A record's versions, newest first: its properties after each change, the operation, who and when. */
    history: (id: string, opts: CallOptions & { skip?: number; limit?: number } = {}) => {
      const { skip, limit, ...o } = opts;
      return pagedCall<RecordVersion>(call, ops.records.history, { id, skip, limit }, o);
    },
    /** The attaches, property changes and detaches of a record's relationships, newest first. */
    relationshipHistory: (id: string, opts: CallOptions & { skip?: number; limit?: number } = {}) => {
      const { skip, limit, ...o } = opts;
      return pagedCall<RelationshipEvent>(call, ops.records.relationshipHistory, { id, skip, limit }, o);
    },
    /** Makes a version current again (a deleted record comes back with its id). */
    restore: <T extends object = Props>(id: string, version: number, o?: CallOptions) =>
      call<EngramRecord<T>>(ops.records.restore, { id, version }, o),
    /** A page of the records a query matches; `await page.next()` for the following one. */
    find,
    /** The first record the query matches, or null. */
    findOne: async <T extends object = Props, W = object>(
      query: FindQuery<W> = {} as FindQuery<W>,
      o?: CallOptions,
    ): Promise<EngramRecord<T> | null> =>
      (await find<T, W>({ ...query, limit: 1 } as FindQuery<W>, o)).items[0] ?? null,
    /** The one record the query matches, or null; more than one is a ConflictError. */
    findUniq: async <T extends object = Props, W = object>(
      query: FindQuery<W> = {} as FindQuery<W>,
      o?: CallOptions,
    ): Promise<EngramRecord<T> | null> => {
      const page = await find<T, W>({ ...query, limit: 2 } as FindQuery<W>, o);
      if (page.items.length > 1)
        throw makeError('CONFLICT', `findUniq: the query matches ${page.total} records, not one`, {
          status: 0,
          details: { reason: 'not-unique', total: page.total },
          operation: 'records.findUniq',
        });
      return page.items[0] ?? null;
    },
    /** Every record a query matches, page by page (`pageSize` per request, default 100). */
    iterate: async function* <T extends object = Props, W = object>(
      query: FindQuery<W> = {} as FindQuery<W>,
      opts: CallOptions & { pageSize?: number } = {},
    ): AsyncGenerator<EngramRecord<T>> {
      const { pageSize, ...o } = opts;
      const size = pageSize ?? (query as { limit?: number }).limit ?? DEFAULT_PAGE;
      let page: Page<EngramRecord<T>> | null = await find<T, W>({ ...query, limit: size } as FindQuery<W>, o);
      while (page) {
        yield* page.items;
        page = await page.next();
      }
    },
    /** Aggregations: a SearchQuery with select (and groupBy); rows of the named expressions. */
    aggregate: <W = object>(query: SearchQuery<W>, o?: CallOptions) =>
      pagedCall<SelectRow>(call, ops.records.search, query, o),
    /** Merge properties into a record. */
    update: <T extends object = Props>(id: string, data: Props, o?: CallOptions) =>
      call<EngramRecord<T>>(ops.records.update, { id, data }, o),
    /** Replace a record's properties. */
    set: <T extends object = Props>(id: string, data: Props, o?: CallOptions) =>
      call<EngramRecord<T>>(ops.records.set, { id, data }, o),
    /** Delete the records a query matches (an empty filter needs force: true). */
    delete: <W = object>(query: DeleteQuery<W>, o?: CallOptions) =>
      call<{ deleted: number }>(ops.records.deleteMany, query, o),
    /** Delete records by id (one call; several ids are deleted atomically). */
    deleteById: (id: string | string[], opts: CallOptions & { cascade?: boolean } = {}) => {
      const { cascade, ...o } = opts;
      if (Array.isArray(id))
        return call<{ deleted: number }>(ops.records.deleteMany, { where: { $id: { $in: id } }, force: false }, o);
      return call<{ deleted: number }>(ops.records.delete, { id, ...(cascade ? { cascade } : {}) }, o);
    },
    /** The records a query matches as CSV text. */
    exportCsv: <W = object>(query: ExportQuery<W> = {} as ExportQuery<W>, o?: CallOptions) =>
      call<string>(ops.records.exportCsv, query, o),
    /** A record's relationships in and out. */
    relationships: (id: string, o?: CallOptions) => call<RecordRelationship[]>(ops.records.relationships, { id }, o),
  };

  const relationships = {
    attach: (input: AttachInput, o?: CallOptions) => call<{ attached: number }>(ops.relationships.attach, input, o),
    detach: (input: DetachInput, o?: CallOptions) => call<{ detached: number }>(ops.relationships.detach, input, o),
    find: (input: RelationshipSearchInput = {}, o?: CallOptions) =>
      pagedCall<Edge>(call, ops.relationships.search, input, o),
    /** Records around a record, up to 3 hops. */
    neighbors: (input: NeighborsInput, o?: CallOptions) => call<Neighbors>(ops.records.neighbors, input, o),
    /** A bounded graph around records or a label. */
    graph: (input: GraphInput, o?: CallOptions) => call<Graph>(ops.relationships.graph, input, o),
  };

  const ai = {
    indexes: {
      create: (input: CreateIndexInput, o?: CallOptions) => call<EmbeddingIndex>(ops.ai.indexes.create, input, o),
      list: async (o?: CallOptions) => (await call<List<EmbeddingIndex>>(ops.ai.indexes.list, undefined, o)).items,
      get: (id: string, o?: CallOptions) => call<EmbeddingIndex>(ops.ai.indexes.get, { id }, o),
      delete: (id: string, o?: CallOptions) => call<EmbeddingIndex>(ops.ai.indexes.delete, { id }, o),
      retry: (id: string, o?: CallOptions) => call<EmbeddingIndex>(ops.ai.indexes.retry, { id }, o),
      /** Write vectors to an external index. */
      upsertVectors: (input: VectorsInput, o?: CallOptions) =>
        call<{ upserted: number }>(ops.ai.indexes.vectors, input, o),
    },
    /** Records ranked by meaning (semantic, keyword or hybrid) inside an exact filter. */
    search: <T extends object = Props, W = object>(input: SemanticSearch<W>, o?: CallOptions) =>
      pagedCall<SearchHit<T>>(call, ops.ai.search, input, o),
  };

  return {
    records,
    relationships,
    labels: {
      /** Record counts per label among the records a filter matches. */
      find: <W = object>(query: FilterQuery<W> = {} as FilterQuery<W>, o?: CallOptions) =>
        call<Record<string, number>>(ops.labels.search, query, o),
    },
    properties: {
      find: <W = object>(query: FilterQuery<W> = {} as FilterQuery<W>, o?: CallOptions) =>
        call<PropertyInfo[]>(ops.properties.search, query, o),
      /** Distinct values of a property, most frequent first. */
      values: (input: PropertyValuesInput, o?: CallOptions) =>
        call<PropertyValues>(ops.schema.propertyValues, input, o),
    },
    schema: {
      get: (input?: SchemaInput, o?: CallOptions) => call<Schema>(ops.schema.get, input, o),
      /** The live schema as Markdown, for an LLM prompt. */
      markdown: (input?: SchemaInput, o?: CallOptions) => call<string>(ops.schema.markdown, input, o),
    },
    ai,
    /** Run create/update/set/delete/attach/detach/upsert ops atomically; `{ $op: n }` names op n's record. */
    batch: (ops_: BatchOp[], o?: CallOptions) => call<BatchResult>(ops.batch.run, { ops: ops_ }, o),
  };
}

type Namespaces = ReturnType<typeof namespaces>;

/**
 * An open cross-call transaction. Its namespaces run inside it (`tx.records.create(...)`), as does any
 * client call given `{ tx }`. It ends with commit() or rollback(), or at its TTL (rolled back).
 */
export class Transaction implements Namespaces {
  readonly id: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly ttlMs: number;
  readonly records: Namespaces['records'];
  readonly relationships: Namespaces['relationships'];
  readonly labels: Namespaces['labels'];
  readonly properties: Namespaces['properties'];
  readonly schema: Namespaces['schema'];
  readonly ai: Namespaces['ai'];
  readonly batch: Namespaces['batch'];

  constructor(
    private readonly t: Transport,
    info: TransactionInfo,
  ) {
    this.id = info.id;
    this.createdAt = info.createdAt;
    this.expiresAt = info.expiresAt;
    this.ttlMs = info.ttlMs;
    const n = namespaces(t, { tx: info.id });
    this.records = n.records;
    this.relationships = n.relationships;
    this.labels = n.labels;
    this.properties = n.properties;
    this.schema = n.schema;
    this.ai = n.ai;
    this.batch = n.batch;
  }

  commit(o?: Omit<CallOptions, 'tx'>): Promise<TransactionOutcome> {
    return this.t.call(ops.tx.commit, { id: this.id }, o);
  }
  rollback(o?: Omit<CallOptions, 'tx'>): Promise<TransactionOutcome> {
    return this.t.call(ops.tx.rollback, { id: this.id }, o);
  }
  /** The transaction as the server sees it (NOT_FOUND once it has ended). */
  get(o?: Omit<CallOptions, 'tx'>): Promise<TransactionInfo> {
    return this.t.call(ops.tx.get, { id: this.id }, o);
  }
}

/** The client. `new Engram({ url, apiKey })` for a server; `await Engram.embedded({ dataDir })` in-process. */
export class Engram implements Namespaces {
  readonly records: Namespaces['records'];
  readonly relationships: Namespaces['relationships'];
  readonly labels: Namespaces['labels'];
  readonly properties: Namespaces['properties'];
  readonly schema: Namespaces['schema'];
  readonly ai: Namespaces['ai'];
  readonly batch: Namespaces['batch'];
  readonly tx: {
    begin: (input?: BeginInput, o?: Omit<CallOptions, 'tx'>) => Promise<Transaction>;
    get: (id: string, o?: Omit<CallOptions, 'tx'>) => Promise<TransactionInfo>;
    commit: (tx: Transaction | string, o?: Omit<CallOptions, 'tx'>) => Promise<TransactionOutcome>;
    rollback: (tx: Transaction | string, o?: Omit<CallOptions, 'tx'>) => Promise<TransactionOutcome>;
    /** The project's open transactions (admin). */
    list: (o?: Omit<CallOptions, 'tx'>) => Promise<(TransactionInfo & { principal: string })[]>;
    /**
     * Runs fn in a transaction: commits when it returns, rolls back when it throws, and runs it again
     * (in a new transaction) after a serialization conflict, at most `retries` more times.
     */
    run: <T>(fn: (tx: Transaction) => Promise<T>, opts?: TxRunOptions) => Promise<T>;
  };
  readonly suggestions: {
    list: (input?: ListSuggestionsInput, o?: CallOptions) => Promise<Page<Suggestion>>;
    get: (id: string, o?: CallOptions) => Promise<Suggestion>;
    /** Look for relationship rules in the data now (answers at once; poll analysis() for progress). */
    analyze: (input?: AnalyzeInput, o?: CallOptions) => Promise<Analysis>;
    analysis: (o?: CallOptions) => Promise<Analysis>;
    preview: (id: string, o?: CallOptions) => Promise<Preview>;
    approve: (input: ApproveInput, o?: CallOptions) => Promise<Approval>;
    reject: (id: string, o?: CallOptions) => Promise<Suggestion>;
    /** Withdraw a rule, optionally with the edges it made. */
    withdraw: (input: WithdrawInput, o?: CallOptions) => Promise<{ deleted: boolean; edgesDeleted: number }>;
  };
  /** Master key only. */
  readonly projects: {
    list: (o?: CallOptions) => Promise<Project[]>;
    create: (input: CreateProjectInput, o?: CallOptions) => Promise<Project>;
    current: (o?: CallOptions) => Promise<ProjectCurrent>;
  };
  /** Admin keys and the master key. */
  readonly keys: {
    create: (input: CreateApiKeyInput, o?: CallOptions) => Promise<CreatedApiKey>;
    list: (o?: CallOptions) => Promise<ApiKey[]>;
    revoke: (id: string, o?: CallOptions) => Promise<ApiKey>;
  };

  /** The options this client was made with (fetch resolved). */
  readonly options: Readonly<EngramOptions & { fetch: FetchLike }>;
  protected readonly transport: Transport;
  private closer?: () => Promise<void>;

  constructor(options: EngramOptions) {
    if (!options?.url) throw makeError('INVALID', 'new Engram({ url, apiKey }): url is required', { status: 0 });
    if (!options.apiKey) throw makeError('INVALID', 'new Engram({ url, apiKey }): apiKey is required', { status: 0 });
    const fetchImpl = options.fetch ?? ((req: Request) => globalThis.fetch(req));
    this.options = { ...options, fetch: fetchImpl };
    const t = (this.transport = new Transport({
      url: options.url,
      apiKey: options.apiKey,
      project: options.project,
      timeoutMs: options.timeoutMs ?? 30_000,
      retries: options.retries ?? 2,
      fetch: fetchImpl,
      headers: options.headers,
    }));
    const n = namespaces(t, {});
    this.records = n.records;
    this.relationships = n.relationships;
    this.labels = n.labels;
    this.properties = n.properties;
    this.schema = n.schema;
    this.ai = n.ai;
    this.batch = n.batch;

    const idOf = (tx: Transaction | string) => (typeof tx === 'string' ? tx : tx.id);
    const begin = async (input?: BeginInput, o?: Omit<CallOptions, 'tx'>) =>
      new Transaction(t, await t.call<TransactionInfo>(ops.tx.begin, input ?? {}, o));
    this.tx = {
      begin,
      get: (id, o) => t.call(ops.tx.get, { id }, o),
      commit: (tx, o) => t.call(ops.tx.commit, { id: idOf(tx) }, o),
      rollback: (tx, o) => t.call(ops.tx.rollback, { id: idOf(tx) }, o),
      list: async (o) => (await t.call<List<TransactionInfo & { principal: string }>>(ops.tx.list, undefined, o)).items,
      run: async <T>(fn: (tx: Transaction) => Promise<T>, opts: TxRunOptions = {}): Promise<T> => {
        const { retries = 3, ...beginInput } = opts;
        for (let attempt = 0; ; attempt++) {
          const tx = await begin(beginInput);
          let result: T;
          try {
            result = await fn(tx);
          } catch (e) {
            await tx.rollback().catch(() => undefined); // it may already have ended (TTL, conflict)
            if (e instanceof ConflictError && e.retryable && attempt < retries) continue;
            throw e;
          }
          try {
            await tx.commit();
          } catch (e) {
            if (e instanceof ConflictError && e.retryable && attempt < retries) continue;
            throw e;
          }
          return result;
        }
      },
    };

    const sug = ops.suggestions;
    this.suggestions = {
      list: (input = {}, o) => pagedCall<Suggestion>((op, i, c) => t.call(op, i, c), sug.list, input, o),
      get: (id, o) => t.call(sug.get, { id }, o),
      analyze: (input, o) => t.call(sug.analyze, input ?? {}, o),
      analysis: (o) => t.call(sug.analysis, undefined, o),
      preview: (id, o) => t.call(sug.preview, { id }, o),
      approve: (input, o) => t.call(sug.approve, input, o),
      reject: (id, o) => t.call(sug.reject, { id }, o),
      withdraw: (input, o) => t.call(sug.delete, input, o),
    };
    this.projects = {
      list: async (o) => (await t.call<List<Project>>(ops.projects.list, undefined, o)).items,
      create: (input, o) => t.call(ops.projects.create, input, o),
      current: (o) => t.call(ops.projects.current, undefined, o),
    };
    this.keys = {
      create: (input, o) => t.call(ops.keys.create, input, o),
      list: async (o) => (await t.call<List<ApiKey>>(ops.keys.list, undefined, o)).items,
      revoke: (id, o) => t.call(ops.keys.revoke, { id }, o),
    };
  }

  /** A client with some options changed (another key, project, timeout…), on the same server or engine. */
  with(overrides: Partial<EngramOptions>): Engram {
    return new Engram({ ...this.options, ...overrides });
  }

  /** A client for another project of the same server (master key, console). */
  withProject(project: string): Engram {
    return this.with({ project });
  }

  /** Ends an in-process engine (Engram.embedded); a no-op for a server client. */
  async close(): Promise<void> {
    const close = this.closer;
    this.closer = undefined;
    await close?.();
  }

  /** @internal: Engram.embedded hands the engine's shutdown to the client. */
  protected onClose(close: () => Promise<void>): void {
    this.closer = close;
  }

  /**
   * The engine in this process, on a data folder (PGlite) or a PostgreSQL URL: the same API and results as
   * a server, with no HTTP. The folder's lock is held while the client is open: a second owner (a server
   * or another embedded client) is refused with the same message a second server gets. Call close().
   */
  static async embedded(options: EmbeddedOptions): Promise<Engram> {
    const { startEmbedded } = await import('./engine');
    const engine = await startEmbedded(options);
    const client = new EmbeddedEngram({
      url: 'http://engram.embedded',
      apiKey: engine.masterKey,
      project: options.project,
      fetch: engine.fetch,
      timeoutMs: options.timeoutMs ?? 300_000,
      retries: 0,
    });
    client.attach(engine.close);
    return client;
  }
}

export type EmbeddedOptions = {
  /** Folder of the embedded database (created if missing). */
  dataDir?: string;
  /** Or a PostgreSQL URL. */
  databaseUrl?: string;
  project?: string;
  timeoutMs?: number;
  /** Server settings (ENGRAM_* variables) for the engine, e.g. { ENGRAM_EMBEDDINGS_PROVIDER: 'fake' }. */
  env?: Record<string, string>;
};

class EmbeddedEngram extends Engram {
  attach(close: () => Promise<void>) {
    this.onClose(close);
  }
}
