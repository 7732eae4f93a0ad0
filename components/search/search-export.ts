import type { SearchInput } from './search-params';

/**
 * A search as something to paste elsewhere: `curl` against `POST /api/v1/ai/search` and the same call on
 * the TypeScript SDK. The key is never embedded: the command reads it from $ENGRAM_KEY.
 */

/** A word the shell takes literally: as is when it is plain, else in single quotes. */
const shellWord = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

export function searchCurl(origin: string, project: string, input: SearchInput): string {
  return [
    `curl -s ${shellWord(`${origin}/api/v1/ai/search`)}`,
    // Double quotes, so the shell puts the key in; everything else is single-quoted.
    `-H "authorization: Bearer $ENGRAM_KEY"`,
    `-H ${shellWord(`x-project-id: ${project}`)}`,
    `-H 'content-type: application/json'`,
    `-d ${shellWord(JSON.stringify(input))}`,
  ].join(' \\\n  ');
}

const IDENT = /^[A-Za-z_$][\w$]*$/;
const jsString = (s: string) => `'${JSON.stringify(s).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;

/** A value as a JavaScript literal: objects one entry a line, arrays of plain values (labels, vectors) inline. */
function jsLiteral(value: unknown, indent: string): string {
  if (typeof value === 'string') return jsString(value);
  if (value === null || typeof value !== 'object') return String(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const items = value.map((v) => jsLiteral(v, inner));
    if (value.every((v) => v === null || typeof v !== 'object')) return `[${items.join(', ')}]`;
    return `[\n${items.map((i) => `${inner}${i},`).join('\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  const lines = entries.map(([k, v]) => `${inner}${IDENT.test(k) ? k : jsString(k)}: ${jsLiteral(v, inner)},`);
  return `{\n${lines.join('\n')}\n${indent}}`;
}

/** The same search through the TypeScript SDK (`db` is a connected client). */
export function searchSdkCall(input: SearchInput): string {
  return `await db.ai.search(${jsLiteral(input, '')});`;
}
