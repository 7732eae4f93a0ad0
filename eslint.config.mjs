import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

// The layering rules of docs/architecture.md, enforced rather than remembered.
const DB = ['@/server/db', '@/server/db/*', '**/server/db', '**/server/db/*'];
const DOMAIN = ['@/server/domain', '@/server/domain/*', '**/server/domain', '**/server/domain/**'];

const config = [
  ...nextVitals,
  ...nextTs,
  { ignores: ['.next/**', 'node_modules/**', 'server/db/generated/**', 'data/**', '.tmp/**', 'test-results/**', 'playwright-report/**', 'next-env.d.ts'] },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[property.name=/^\\$(queryRawUnsafe|executeRawUnsafe)$/]", message: '$queryRawUnsafe/$executeRawUnsafe are banned: build SQL from Prisma.sql fragments in server/db/sql.' },
      ],
    },
  },
  {
    // Rule 1: pages and components reach the server only through tRPC (or server/http for the session gate).
    files: ['app/**', 'components/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: [...DB, ...DOMAIN], message: 'app/ and components/ never import server/db or server/domain: go through tRPC.' }] }],
    },
  },
  {
    // Rule 2: routers hold no Prisma and no SQL; a procedure is input, output and one domain call.
    files: ['server/trpc/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: [...DB, '@prisma/*', '**/generated/*'], message: 'Routers never import Prisma or SQL: call a domain function.' }] }],
    },
  },
  {
    // Rule 3: a domain module imports another only through its index.ts.
    files: ['server/domain/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^\\.\\./[^/]+/(?!index$).+', message: 'Import another domain module through its index.ts.' },
            { regex: '^@/server/domain/[^/]+/.+', message: 'Import another domain module through its index.ts.' },
            { group: ['@prisma/*', '**/generated/*'], message: 'Use @/server/db (Prisma namespace, Db type) rather than the generated client.' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.test.ts', 'e2e/**', 'server/test/**', 'stress/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
];

export default config;
