import { PROJECT_HEADER } from '@/components/providers/project-cookie';

/**
 * Calls as something to paste elsewhere: a curl command for the REST API and a call on the TypeScript
 * SDK. The key is never embedded: the command reads it from $ENGRAM_KEY.
 */

/** A word the shell takes literally: as is when it is plain, else in single quotes. */
export const shellWord = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** `curl` POSTing `body` to `origin` + `path`; the key comes from the ENGRAM_KEY environment variable. */
export function curlPost(origin: string, project: string, path: string, body: unknown): string {
  return [
    `curl -s ${shellWord(`${origin}${path}`)}`,
    // Double quotes, so the shell puts the key in; everything else is single-quoted.
    `-H "authorization: Bearer $ENGRAM_KEY"`,
    `-H ${shellWord(`${PROJECT_HEADER}: ${project}`)}`,
    `-H 'content-type: application/json'`,
    `-d ${shellWord(JSON.stringify(body))}`,
  ].join(' \\\n  ');
}

const IDENT = /^[A-Za-z_$][\w$]*$/;
const jsString = (s: string) => `'${JSON.stringify(s).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;

/** A value as a JavaScript literal: objects one entry a line, short arrays of plain values inline. */
export function jsLiteral(value: unknown, indent: string): string {
  if (typeof value === 'string') return jsString(value);
  if (value === null || typeof value !== 'object') return String(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const flat = value.every((v) => v === null || typeof v !== 'object');
    const items = value.map((v) => jsLiteral(v, inner));
    const oneLine = `[${items.join(', ')}]`;
    if (flat && oneLine.length <= 80) return oneLine;
    return `[\n${items.map((i) => `${inner}${i},`).join('\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  const lines = entries.map(([k, v]) => `${inner}${IDENT.test(k) ? k : jsString(k)}: ${jsLiteral(v, inner)},`);
  return `{\n${lines.join('\n')}\n${indent}}`;
}
