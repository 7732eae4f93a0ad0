/** The console's sections, in sidebar order; later issues replace each placeholder page. */
export const SECTIONS = {
  home: { href: '/', label: 'Home', summary: 'The selected project at a glance.' },
  records: {
    href: '/records',
    label: 'Records',
    summary: 'Browse and filter records, and open one to see its properties and relationships.',
  },
  schema: {
    href: '/schema',
    label: 'Schema',
    summary: 'The live schema: labels, properties with their types and coverage, and relationship types.',
  },
  graph: {
    href: '/graph',
    label: 'Graph',
    summary: 'Explore records and their relationships as a graph, expanding node by node.',
  },
  search: {
    href: '/search',
    label: 'Search',
    summary: 'A playground for queries and semantic search, with filters and scores.',
  },
  suggestions: {
    href: '/suggestions',
    label: 'Suggestions',
    summary: 'Relationship rules Engram found in your data, with evidence, to approve or reject.',
  },
  indexes: {
    href: '/indexes',
    label: 'Indexes',
    summary: 'Embedding indexes that make properties searchable by meaning, with backfill progress.',
  },
  import: { href: '/import', label: 'Import', summary: 'Import JSON, JSONL, CSV and Mem0 exports into this project.' },
  settings: { href: '/settings', label: 'Settings', summary: 'API keys and project settings.' },
} as const;

export type SectionId = keyof typeof SECTIONS;
export const SECTION_ORDER: SectionId[] = [
  'home',
  'records',
  'schema',
  'graph',
  'search',
  'suggestions',
  'indexes',
  'import',
  'settings',
];
