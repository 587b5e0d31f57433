// Lint rules: type-aware checks (no floating promises), no import cycles, type-only imports.
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

/** Packages that talk to the network, the disk or databases. */
const IO_MODULES = ['ioredis', 'pg', 'mysql2', 'mysql2/promise', 'mariadb', 'redis', 'undici'];

/** Processor files that do I/O (directly or through an import of theirs). */
const ADAPTER_MODULES = [
  'acknowledge-batch.ts',
  'apply-batch.ts',
  'backpressure-monitor.ts',
  'cluster-writer.ts',
  'consume-runner.ts',
  'consumer.ts',
  'jmespath-runtime.ts',
  'json-module-check.ts',
  'load-config.ts',
  'load-jobs.ts',
  'main.ts',
  'pipeline-targets.ts',
  'rdi-database-check.ts',
  'script-runner.ts',
  'sql-expression.ts',
  'stream-discovery.ts',
  'stream-source.ts',
  'target-connect.ts',
  'target-set.ts',
  'target-tls.ts',
  'target-writer.ts',
];

/**
 * Decoding, jobs and planning: the processor's pure core (STYLE.md practice 1), the folder
 * processor/core/, and the shared record codecs. Their tests may read fixtures.
 */
const PURE_CORE = {
  files: ['processor/core/**/*.ts', 'pipeline/records/*.ts'],
  ignores: ['**/*.test.ts'],
};

export default tseslint.config(
  { ignores: ['node_modules/**', '.cache/**', 'coverage/**', '**/*.js', '!eslint.config.js'] },
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      'import-x/no-cycle': 'error',
      'import-x/no-self-import': 'error',
    },
  },
  {
    // The pure core (decoding, jobs, planning): no I/O. Adapters (Redis scripts, targets,
    // discovery, the runner, the expression engines that load code or open SQLite) may be
    // imported for their types only.
    ...PURE_CORE,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: IO_MODULES.map((name) => ({ name, message: 'The pure core does no I/O.' })),
          patterns: [
            {
              group: ['node:*', '!node:crypto', '!node:util', '!node:buffer', '!node:assert'],
              message: 'The pure core does no I/O.',
            },
            {
              group: ADAPTER_MODULES.map((file) => `**/${file}`),
              allowTypeImports: true,
              message: 'The pure core may use an adapter only for its types.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['eslint.config.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
