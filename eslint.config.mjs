import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

// The layering rules of docs/architecture.md, enforced rather than remembered.
const DB = ['@/server/db', '@/server/db/*', '**/server/db', '**/server/db/*'];
const DOMAIN = ['@/server/domain', '@/server/domain/*', '**/server/domain', '**/server/domain/**'];

const UNSAFE_SQL = {
  selector: 'MemberExpression[property.name=/^\\$(queryRawUnsafe|executeRawUnsafe)$/]',
  message: '$queryRawUnsafe/$executeRawUnsafe are banned: build SQL from Prisma.sql fragments in server/db/sql.',
};

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [
      '.next/**',
      'node_modules/**',
      'server/db/generated/**',
      'sdk/dist/**',
      'data/**',
      '.tmp/**',
      'test-results/**',
      'playwright-report/**',
      'next-env.d.ts',
    ],
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', UNSAFE_SQL],
    },
  },
  {
    // Rule 0: SQL text is written in server/db only; everyone else calls its builders (server/db/sql via the barrel).
    // Tests and benchmarks may read plans and measure a raw-pgvector peer, which takes SQL of their own.
    files: ['**/*.{ts,tsx,mts,mjs}'],
    ignores: ['server/db/**', '**/*.test.ts', 'server/test/**', 'bench/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        UNSAFE_SQL,
        {
          selector: 'ImportDeclaration[source.value=/server\\/db\\/(sql|generated)\\//]',
          message: 'SQL pieces and the generated client stay in server/db: import @/server/db.',
        },
        {
          selector: "MemberExpression[object.name='Prisma'][property.name=/^(sql|raw|join|empty)$/]",
          message: 'SQL text is written in server/db/sql only.',
        },
        {
          selector: 'TaggedTemplateExpression > MemberExpression.tag[property.name=/^\\$(queryRaw|executeRaw)$/]',
          message: 'SQL text is written in server/db/sql only: pass a builder from @/server/db.',
        },
      ],
    },
  },
  {
    // Rule 4: no import circles in the server (the circle test in server/architecture.test.ts also counts type imports).
    files: ['server/**/*.ts'],
    ignores: ['server/db/generated/**'],
    settings: { 'import/ignore': ['node_modules'] },
    rules: { 'import/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    // Rule 1: pages and components reach the server only through tRPC (or server/http for the session gate).
    files: ['app/**', 'components/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [...DB, ...DOMAIN],
              message: 'app/ and components/ never import server/db or server/domain: go through tRPC.',
            },
          ],
        },
      ],
    },
  },
  {
    // Rule 2: routers hold no Prisma and no SQL; a procedure is input, output and one domain call.
    files: ['server/trpc/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [...DB, '@prisma/*', '**/generated/*'],
              message: 'Routers never import Prisma or SQL: call a domain function.',
            },
          ],
        },
      ],
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
            {
              group: ['@prisma/*', '**/generated/*'],
              message: 'Use @/server/db (Prisma namespace, Db type) rather than the generated client.',
            },
          ],
        },
      ],
    },
  },
  {
    // Rule 3, schema files: a module's *.schema.ts may import another module's *.schema.ts (schemas only, so
    // the API contract built from them stays pure zod and the SDK can bundle it without the server).
    files: ['server/domain/**/*.schema.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./[^/]+/(?!(index|[\\w-]+\\.schema)$).+',
              message: 'A schema file imports only other schema files (or zod).',
            },
            { regex: '^@/', message: 'A schema file imports only other schema files (or zod), by relative path.' },
            {
              regex: '^\\.\\./[^/]+/index$|^\\.\\./[^/]+$',
              message: 'A schema file imports schema files, not module indexes.',
            },
          ],
        },
      ],
    },
  },
  {
    // Rule 4: the API contract (server/contract) is pure: zod and the domain's schema files, nothing that
    // touches the database or server state. The SDK bundles it.
    files: ['server/contract/**'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!zod$|\\.\\./domain/[^/]+/[\\w-]+\\.schema$).*',
              message: 'The contract imports only zod and server/domain/*/*.schema.ts.',
            },
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
