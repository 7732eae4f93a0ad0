/** The formats the Import form sends, and how it guesses one from a file name or pasted text. */
export type ImportFormat = 'json' | 'jsonl' | 'csv';

export const FORMATS: { id: ImportFormat; label: string; hint: string }[] = [
  { id: 'json', label: 'JSON', hint: 'An object, or an array of objects.' },
  { id: 'jsonl', label: 'JSONL', hint: 'One JSON object per line.' },
  { id: 'csv', label: 'CSV', hint: 'One record per row.' },
];

export const DELIMITERS = [
  { value: ',', label: 'Comma ,' },
  { value: ';', label: 'Semicolon ;' },
  { value: '\t', label: 'Tab' },
  { value: '|', label: 'Pipe |' },
] as const;

/** By extension: .json, .jsonl/.ndjson, .csv, .tsv (CSV with tabs). */
export function formatFromFileName(name: string): { format: ImportFormat; delimiter?: string } | null {
  const ext = name.toLowerCase().split('.').pop();
  switch (ext) {
    case 'json':
      return { format: 'json' };
    case 'jsonl':
    case 'ndjson':
      return { format: 'jsonl' };
    case 'csv':
      return { format: 'csv', delimiter: ',' };
    case 'tsv':
      return { format: 'csv', delimiter: '\t' };
    default:
      return null;
  }
}

/** Pasted text: one JSON document, JSON lines, or else CSV. Null while there is nothing to go on. */
export function sniffFormat(text: string): ImportFormat | null {
  const t = text.trim();
  if (t === '') return null;
  if (t.startsWith('[') || t.startsWith('{')) {
    try {
      JSON.parse(t);
      return 'json';
    } catch {
      const lines = t.split(/\r?\n/).filter((l) => l.trim() !== '');
      return lines.length > 1 && lines.every((l) => l.trim().startsWith('{')) ? 'jsonl' : 'json';
    }
  }
  return 'csv';
}
