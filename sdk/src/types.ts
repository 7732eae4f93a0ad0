import type { z } from 'zod';
import type { Contract, Operation, ZHit } from '../../server/contract';
import type { ZFieldOperators, ZRelation, ZScalar } from '../../server/domain/query/language';
import type { ZRecordOutput } from '../../server/domain/records/records.schema';

/**
 * Every type here is read off the API contract's zod schemas (server/contract): what a call accepts is
 * z.input of its operation's input schema, what it returns is z.output of its output schema. There is no
 * second, hand-written description of the API.
 */
export type { Contract, Operation };
export type Input<O extends Operation> = z.input<O['input']>;
export type Output<O extends Operation> = z.output<O['output']>;

type Ops = Contract;
type ListItem<O extends Operation> = Output<O> extends { items: (infer T)[] } ? T : never;

/** A record as the server returns it: system fields, then properties (typed as T when you know them). */
export type EngramRecord<T extends object = Record<string, unknown>> = z.output<typeof ZRecordOutput> & T;
/** A search hit: a record with its score. */
export type SearchHit<T extends object = Record<string, unknown>> = z.output<typeof ZHit> & T;

// ---- The filter language, typed -------------------------------------------------------------------------

type Scalar = z.input<typeof ZScalar>;
type FieldOperators = Required<z.input<typeof ZFieldOperators>>;
type OperatorKey = keyof FieldOperators;
type Relation = z.input<typeof ZRelation>;
type ListLogicKey = '$and' | '$or' | '$nor' | '$xor';
type IdCondition = string | { $eq?: string; $ne?: string; $in?: string[]; $nin?: string[] };

type CheckList<L> = { [I in keyof L]: CheckWhere<L[I]> };

/**
 * Checks a filter written as a literal, key by key: the logic keys, the operators of the language and
 * `$relation` / `$alias` take their own shapes; any other key that starts with `$` is not part of the
 * language and types as `never`, so `{ age: { $gtt: 5 } }` is a compile error at `$gtt`. Other keys are
 * property names or labels: a value, operators, or a block about related records. A filter whose type is
 * not a literal (a Record<string, unknown> built at run time) is left to the server's check.
 */
export type CheckWhere<W> = W extends readonly unknown[]
  ? CheckList<W>
  : W extends object
    ? string extends keyof W
      ? W // a filter built at run time (Record<string, unknown>): the server checks it
      : {
          [K in keyof W]: K extends ListLogicKey
            ? W[K] extends readonly unknown[]
              ? CheckList<W[K]>
              : CheckWhere<W[K]>
            : K extends '$not'
              ? CheckWhere<W[K]>
              : K extends '$id'
                ? IdCondition
                : K extends OperatorKey
                  ? FieldOperators[K]
                  : K extends '$relation'
                    ? Relation
                    : K extends '$alias'
                      ? `$${string}`
                      : K extends `$${string}`
                        ? never
                        : unknown extends W[K]
                          ? W[K]
                          : W[K] extends Scalar
                            ? W[K]
                            : CheckWhere<W[K]>;
        }
    : W extends Scalar
      ? W
      : never;

/** A filter: any object, checked by CheckWhere where the SDK's methods take it. */
export type Where = Record<string, unknown>;

type WithWhere<T, W> = Omit<T, 'where'> & { where?: W & CheckWhere<W> };

/** The SearchQuery of POST /records/search, with a checked `where`. */
export type SearchQuery<W = Where> = WithWhere<Input<Ops['records']['search']>, W>;
/** A query that only finds records (no select / groupBy). */
export type FindQuery<W = Where> = Omit<SearchQuery<W>, 'select' | 'groupBy'>;
export type FilterQuery<W = Where> = WithWhere<Input<Ops['labels']['search']>, W>;
export type SemanticSearch<W = Where> = WithWhere<Input<Ops['ai']['search']>, W>;
export type DeleteQuery<W = Where> = WithWhere<Input<Ops['records']['deleteMany']>, W>;
export type ExportQuery<W = Where> = WithWhere<Input<Ops['records']['exportCsv']>, W>;

// ---- Inputs and outputs, by operation -------------------------------------------------------------------

export type CreateRecordInput = Input<Ops['records']['create']>;
export type ImportJsonInput = Input<Ops['records']['importJson']>;
export type ImportCsvInput = Input<Ops['records']['importCsv']>;
export type ImportResult = Output<Ops['records']['importJson']>;
export type RecordRelationship = Output<Ops['records']['relationships']>[number];
export type RecordVersion = ListItem<Ops['records']['history']>;
export type RelationshipEvent = ListItem<Ops['records']['relationshipHistory']>;
export type NeighborsInput = Input<Ops['records']['neighbors']>;
export type Neighbors = Output<Ops['records']['neighbors']>;
export type SelectRow = Record<string, unknown>;

export type AttachInput = Input<Ops['relationships']['attach']>;
export type DetachInput = Input<Ops['relationships']['detach']>;
export type RelationshipSearchInput = Input<Ops['relationships']['search']>;
export type Edge = ListItem<Ops['relationships']['search']>;
export type GraphInput = Input<Ops['relationships']['graph']>;
export type Graph = Output<Ops['relationships']['graph']>;

export type PropertyInfo = Output<Ops['properties']['search']>[number];
export type PropertyValuesInput = Input<Ops['schema']['propertyValues']>;
export type PropertyValues = Output<Ops['schema']['propertyValues']>;
export type SchemaInput = NonNullable<Input<Ops['schema']['get']>>;
export type Schema = Output<Ops['schema']['get']>;

export type CreateIndexInput = Input<Ops['ai']['indexes']['create']>;
export type EmbeddingIndex = Output<Ops['ai']['indexes']['get']>;
export type VectorsInput = Input<Ops['ai']['indexes']['vectors']>;

export type Suggestion = Output<Ops['suggestions']['get']>;
export type ListSuggestionsInput = Input<Ops['suggestions']['list']>;
export type Analysis = Output<Ops['suggestions']['analysis']>;
export type AnalyzeInput = NonNullable<Input<Ops['suggestions']['analyze']>>;
export type Preview = Output<Ops['suggestions']['preview']>;
export type ApproveInput = Input<Ops['suggestions']['approve']>;
export type Approval = Output<Ops['suggestions']['approve']>;
export type WithdrawInput = Input<Ops['suggestions']['delete']>;

export type TransactionInfo = Output<Ops['tx']['get']>;
export type TransactionOutcome = Output<Ops['tx']['commit']>;
export type BeginInput = NonNullable<Input<Ops['tx']['begin']>>;
export type BatchOp = Input<Ops['batch']['run']>['ops'][number];
export type BatchResult = Output<Ops['batch']['run']>;

export type Project = Output<Ops['projects']['create']>;
export type ProjectCurrent = Output<Ops['projects']['current']>;
export type CreateProjectInput = Input<Ops['projects']['create']>;
export type ApiKey = Output<Ops['keys']['revoke']>;
export type CreatedApiKey = Output<Ops['keys']['create']>;
export type CreateApiKeyInput = Input<Ops['keys']['create']>;
