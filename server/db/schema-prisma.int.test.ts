import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engram } from '@/server/engram';
import { backendName, startTestEngram } from '@/server/test/harness';

/**
 * The SQL migrations are the source of truth for the database; prisma/schema.prisma only describes it
 * to Prisma's client. This holds the two together: every model's table and columns exist after the
 * migrations with the type, nullability and primary key the model declares, and every column of a
 * mapped table is in the model (a migration adding a column must update the schema too).
 */
type Field = { name: string; column: string; type: string; optional: boolean; id: boolean };
type Model = { name: string; table: string; fields: Field[]; primaryKey: string[] };

const SCALARS = new Set(['String', 'Int', 'BigInt', 'Float', 'Boolean', 'DateTime', 'Json', 'Decimal', 'Bytes']);

function parseSchema(text: string): Model[] {
  const models: Model[] = [];
  for (const m of text.matchAll(/^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm)) {
    const [, name, body] = m as unknown as [string, string, string];
    const fields: Field[] = [];
    let table = name;
    let compositeId: string[] | null = null;
    for (const raw of body.split('\n')) {
      const line = raw.replace(/\/\/.*$/, '').trim();
      if (!line) continue;
      const map = /^@@map\("([^"]+)"\)/.exec(line);
      if (map) table = map[1]!;
      const id = /^@@id\(\[([^\]]+)\]/.exec(line);
      if (id) compositeId = id[1]!.split(',').map((s) => s.trim());
      const f = /^(\w+)\s+(\w+)(\?|\[\])?(.*)$/.exec(line);
      if (!f || line.startsWith('@@')) continue;
      const [, fname, ftype, mod, attrs] = f as unknown as [string, string, string, string | undefined, string];
      if (!SCALARS.has(ftype) || mod === '[]') continue; // relations
      fields.push({
        name: fname,
        column: /@map\("([^"]+)"\)/.exec(attrs)?.[1] ?? fname,
        type: ftype,
        optional: mod === '?',
        id: /(^|\s)@id\b/.test(attrs),
      });
    }
    const byName = new Map(fields.map((f) => [f.name, f.column]));
    const primaryKey = (compositeId ?? fields.filter((f) => f.id).map((f) => f.name)).map((n) => byName.get(n) ?? n);
    models.push({ name, table, fields, primaryKey });
  }
  return models;
}

// What PostgreSQL type each Prisma scalar may be stored as in our migrations.
const PG_TYPES: Record<string, string[]> = {
  String: ['text', 'uuid', 'character varying'],
  Int: ['integer'],
  BigInt: ['bigint'],
  Float: ['double precision', 'real'],
  Boolean: ['boolean'],
  DateTime: ['timestamp with time zone'],
  Json: ['jsonb'],
};

// Tables the migrations make that Prisma does not map: the code reaches them through server/db/sql.
const UNMAPPED_TABLES = new Set([
  '_engram_migrations',
  'embedding',
  'schema_stat',
  'schema_delta',
  'schema_rel_stat',
  'schema_rel_delta',
  'rule_epoch',
  'record_version',
  'relationship_event',
]);

let engram: Engram;
beforeAll(async () => {
  engram = await startTestEngram();
});
afterAll(() => engram?.close());

type Column = { table_name: string; column_name: string; data_type: string; is_nullable: 'YES' | 'NO' };

describe(`schema.prisma matches the migrations (${backendName})`, () => {
  const models = parseSchema(fs.readFileSync(path.join(import.meta.dirname, '../../prisma/schema.prisma'), 'utf8'));

  it('parses the models it checks', () => {
    expect(models.map((m) => m.table)).toEqual(
      expect.arrayContaining(['project', 'api_key', 'record', 'relationship', 'embedding_index', 'suggestion']),
    );
  });

  it('every model column exists with its type and nullability, and every table column is modelled', async () => {
    const columns = await engram.db.driver.query<Column>(
      `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`,
    );
    const problems: string[] = [];
    for (const m of models) {
      const dbCols = columns.filter((c) => c.table_name === m.table);
      if (dbCols.length === 0) problems.push(`${m.name}: table ${m.table} does not exist`);
      for (const f of m.fields) {
        const c = dbCols.find((x) => x.column_name === f.column);
        if (!c) {
          problems.push(`${m.name}.${f.name}: column ${m.table}.${f.column} does not exist`);
          continue;
        }
        if (!(PG_TYPES[f.type] ?? []).includes(c.data_type))
          problems.push(`${m.name}.${f.name}: ${f.type} but ${m.table}.${f.column} is ${c.data_type}`);
        if (f.optional !== (c.is_nullable === 'YES'))
          problems.push(
            `${m.name}.${f.name}: ${f.optional ? 'optional' : 'required'} but the column is ${c.is_nullable === 'YES' ? 'nullable' : 'NOT NULL'}`,
          );
      }
      for (const c of dbCols) {
        if (!m.fields.some((f) => f.column === c.column_name))
          problems.push(`${m.table}.${c.column_name} (${c.data_type}) is not in model ${m.name}`);
      }
    }
    const mapped = new Set(models.map((m) => m.table));
    for (const t of new Set(columns.map((c) => c.table_name))) {
      if (!mapped.has(t) && !UNMAPPED_TABLES.has(t))
        problems.push(`table ${t} is neither modelled nor listed as unmapped`);
    }
    expect(problems).toEqual([]);
  });

  it("every model's primary key is the table's", async () => {
    const keys = await engram.db.driver.query<{ table_name: string; cols: string }>(
      `SELECT tc.table_name, string_agg(kcu.column_name, ',' ORDER BY kcu.ordinal_position) AS cols
         FROM information_schema.table_constraints tc
         JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema
        WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = current_schema()
        GROUP BY tc.table_name`,
    );
    const actual = Object.fromEntries(keys.map((k) => [k.table_name, k.cols]));
    for (const m of models) expect(actual[m.table], m.name).toBe(m.primaryKey.join(','));
  });
});
