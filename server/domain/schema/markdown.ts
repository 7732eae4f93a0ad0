import type { ProjectDeps } from '../deps';
import { getSchema } from './schema';
import type { TGetSchemaInput, TSchema, TSchemaLabel, TSchemaProperty, TSchemaRelationship } from './schema.schema';

/** The live schema as Markdown, written to be pasted into an LLM prompt. */
export async function getSchemaMarkdown(deps: ProjectDeps, input: TGetSchemaInput = {}): Promise<{ markdown: string }> {
  return { markdown: renderSchemaMarkdown(await getSchema(deps, input)) };
}

const int = (n: number) => n.toLocaleString('en-US');

/** Table cells and headings stay on one line, and a `|` in a value cannot open a new column. */
const cell = (s: string) => s.replace(/\s+/g, ' ').replace(/\\/g, '\\\\').replace(/\|/g, '\\|');
const inline = (s: string) => s.replace(/\s+/g, ' ');

export function formatCoverage(c: number): string {
  if (c >= 1) return '100%';
  if (c <= 0) return '0%';
  const pct = c * 100;
  if (pct < 0.1) return '<0.1%';
  if (pct > 99.9) return '>99.9%';
  return `${Number(pct.toFixed(1))}%`;
}

function valuesCell(p: TSchemaProperty): string {
  const parts: string[] = [];
  if (p.min !== undefined && p.max !== undefined) parts.push(p.min === p.max ? `${p.min}` : `${p.min} … ${p.max}`);
  if (p.samples && p.samples.length > 0) parts.push(p.samples.map((s) => JSON.stringify(s)).join(', '));
  return cell(parts.join('; '));
}

export function relationshipLine(label: string, r: TSchemaRelationship): string {
  const here = `(${inline(label)})`;
  const there = `(${inline(r.label)})`;
  const type = `[:${inline(r.type)}]`;
  return r.direction === 'out'
    ? `- ${here}-${type}->${there} × ${int(r.count)}`
    : `- ${here}<-${type}-${there} × ${int(r.count)}`;
}

function renderLabel(l: TSchemaLabel): string {
  const lines = [`## ${inline(l.name)} (${int(l.count)} ${l.count === 1 ? 'record' : 'records'})`, ''];
  if (l.properties.length > 0) {
    lines.push('| property | type | coverage | values |', '|---|---|---|---|');
    for (const p of l.properties)
      lines.push(
        `| ${cell(p.name)} | ${cell(p.types.join(', '))} | ${formatCoverage(p.coverage)} | ${valuesCell(p)} |`,
      );
    if (l.sampledFrom < l.count) lines.push('', `Values from the ${int(l.sampledFrom)} most recent records.`);
  } else {
    lines.push('No properties.');
  }
  if (l.relationships.length > 0) {
    lines.push('', 'Relationships:');
    for (const r of l.relationships) lines.push(relationshipLine(l.name, r));
  }
  if (l.indexes.length > 0) {
    lines.push('', 'Searchable by meaning:');
    for (const ix of l.indexes) {
      const state =
        ix.status === 'ready'
          ? 'ready'
          : `${ix.status}, ${int(ix.progress.indexed)} of ${int(ix.progress.total)} embedded`;
      lines.push(
        `- ${inline(ix.property)} (${ix.source === 'external' ? 'external vectors' : inline(ix.model)}, ${ix.dimensions}-d ${ix.similarity}; ${state})`,
      );
    }
  }
  return lines.join('\n');
}

export function renderSchemaMarkdown(schema: TSchema): string {
  const total = schema.labels.reduce((n, l) => n + l.count, 0);
  const head = [
    '# Schema',
    '',
    schema.labels.length === 0
      ? 'No records yet.'
      : `${int(schema.labels.length)} ${schema.labels.length === 1 ? 'label' : 'labels'}, ${int(total)} records. Coverage is the share of a label's records that have the property; values are ranges (min … max) or frequent samples.`,
  ].join('\n');
  return [head, ...schema.labels.map(renderLabel)].join('\n\n') + '\n';
}
