// Writes docs/query-language.md from the query language schema (server/domain/query/language.ts).
import fs from 'node:fs';
import { renderQueryReference } from '../server/domain/query/reference-doc';

fs.writeFileSync('docs/query-language.md', renderQueryReference());
console.log('wrote docs/query-language.md');
