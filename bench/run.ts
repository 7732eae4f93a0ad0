// `npm run bench`: every benchmark on the embedded database and, when BENCH_DATABASE_URL or
// DATABASE_URL is set, on PostgreSQL. Prints numbers with the machine named; asserts nothing.
import { benchEmbeddings } from './embeddings';
import { backendsToRun, machine, openBackend } from './lib';
import { benchHistory } from './history';
import { benchLocomo } from './locomo';
import { benchQuery } from './query';
import { benchRecords } from './records';
import { benchSchema } from './schema';
import { benchSdk } from './sdk';
import { benchSearch } from './search';
import { benchSuggestions } from './suggestions';
import { benchTransactions } from './transactions';

const suites: Record<string, typeof benchRecords> = {
  records: benchRecords,
  schema: benchSchema,
  query: benchQuery,
  embeddings: benchEmbeddings,
  search: benchSearch,
  locomo: benchLocomo,
  transactions: benchTransactions,
  suggestions: benchSuggestions,
  sdk: benchSdk,
  history: benchHistory,
};
const only = process.env.BENCH_SUITES?.split(',');

console.log(`# Engram bench — ${new Date().toISOString()}`);
console.log(`machine: ${machine()}`);
for (const backend of backendsToRun()) {
  const b = await openBackend(backend);
  try {
    for (const [name, run] of Object.entries(suites)) {
      if (only && !only.includes(name)) continue;
      console.log(`\n## ${name} on ${backend}`);
      await run(b, (line) => console.log(`- ${line}`));
    }
  } finally {
    await b.close();
  }
}
