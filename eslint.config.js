// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Everything a workflow must never import as a value: it would break determinism or pull I/O into the sandbox. */
const workflowBoundary = {
  paths: [
    { name: 'resend', message: 'Workflows never send e-mail themselves: call an activity.' },
    { name: 'pg', message: 'Workflows never touch the database: call an activity.' },
    { name: 'pino', message: 'Use `log` from @temporalio/workflow inside workflows.' },
    { name: 'express', message: 'API code does not belong in workflows.' },
    {
      name: '@prisma/client',
      message: 'Prisma values (enums included) are not deterministic-safe: use the contract types.',
      allowTypeImports: true,
    },
  ],
  patterns: [
    { group: ['node:*'], message: 'Node built-ins are not available in the workflow sandbox.' },
    {
      group: ['@prisma/*', '**/prisma/generated/**'],
      message: 'Prisma values (enums included) are not allowed in workflows: use the contract types.',
      allowTypeImports: true,
    },
    {
      group: ['**/activities/**', '**/activities'],
      message: 'Only `import type` from activities inside workflows.',
      allowTypeImports: true,
    },
    {
      group: ['**/api/**', '**/workers/**', '**/lib/**'],
      message: 'Workflows may import only workflow code and @temporalio/workflow.',
      allowTypeImports: true,
    },
    {
      group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@temporalio/testing'],
      message: 'Workflows import only @temporalio/workflow (and types).',
      allowTypeImports: true,
    },
  ],
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'data/**',
      '.venv-schemathesis/**',
      '.schemathesis/**',
      '.temporal/**',
      'prisma/generated/**',
      'coverage/**',
      'template-review/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', workflowBoundary],
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Workflows get configuration through their input, never process.env.',
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'No process in workflows: pass configuration in the input.' },
        { name: 'setTimeout', message: 'Use sleep() or condition() from @temporalio/workflow.' },
      ],
    },
  },
  {
    // Tests read JSON answers whose shape the assertions check.
    files: ['tests/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
