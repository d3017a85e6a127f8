// @ts-check
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const root = path.dirname(fileURLToPath(import.meta.url));
const workflowsDir = path.join(root, 'workflows');

/**
 * What a workflow may import as a value: the workflow SDK, the handler mutex, and other workflow
 * files. Anything else (a new package included) is refused until it is added here, because it could
 * break determinism or pull I/O into the sandbox. `import type` of anything is fine: it is erased.
 */
const WORKFLOW_PACKAGES = [
  '@temporalio/workflow',
  'async-mutex',
  // The SDK's own workflow tracing interceptors, written for the sandbox (spans leave through a sink).
  '@temporalio/interceptors-opentelemetry/lib/workflow/index.js',
];

/**
 * Why a refused import is wrong, for the most likely mistakes.
 * @param {string} source
 */
function workflowImportHint(source) {
  if (source.startsWith('node:')) return 'Node built-ins are not available in the workflow sandbox.';
  if (source === 'resend') return 'Workflows never send e-mail themselves: call an activity.';
  if (source === 'pino') return 'Use `log` from @temporalio/workflow inside workflows.';
  if (source === 'pg' || /(^|\/)(@prisma|prisma)\//.test(source) || source === '@prisma/client')
    return 'Workflows never touch the database, and Prisma values (enums included) are not deterministic-safe: use the contract types.';
  if (/(^|\/)activities(\/|$)/.test(source))
    return 'Only `import type` from activities: call them through proxyActivities.';
  if (source.startsWith('@temporalio/')) return 'Workflows import only @temporalio/workflow (and types).';
  if (source.startsWith('.'))
    return 'Code outside workflows/ is not for the sandbox: `import type` it, or call an activity.';
  return 'Add it to WORKFLOW_PACKAGES in eslint.config.js only if it is deterministic and free of I/O.';
}

/**
 * @param {string} source
 * @param {string} filename
 */
function allowedInWorkflow(source, filename) {
  if (WORKFLOW_PACKAGES.includes(source)) return true;
  if (!source.startsWith('./') && !source.startsWith('../')) return false;
  const within = path.relative(workflowsDir, path.resolve(path.dirname(filename), source));
  return within !== '' && !within.startsWith('..') && !path.isAbsolute(within);
}

/**
 * True for `import type`, `import { type A, type B }`, `export type ... from`: erased at compile time.
 * @param {any} node
 */
const typeOnly = (node) =>
  node.importKind === 'type' ||
  node.exportKind === 'type' ||
  (node.specifiers?.length > 0 && node.specifiers.every((s) => s.importKind === 'type' || s.exportKind === 'type'));

/**
 * The allow-list of workflow imports (a local rule: no-restricted-imports can only deny).
 * @type {import('eslint').Rule.RuleModule}
 */
const workflowImports = {
  meta: {
    type: 'problem',
    docs: { description: 'Workflows import values only from @temporalio/workflow, async-mutex and workflow files.' },
    schema: [],
    messages: {
      refused:
        "'{{source}}' may not be imported by a workflow (allowed: {{allowed}}, workflow files, `import type`). {{hint}}",
    },
  },
  create(context) {
    const check = (node, source) => {
      if (typeof source !== 'string' || allowedInWorkflow(source, context.filename)) return;
      context.report({
        node,
        messageId: 'refused',
        data: { source, allowed: WORKFLOW_PACKAGES.join(', '), hint: workflowImportHint(source) },
      });
    };
    const declaration = (node) => {
      if (node.source && !typeOnly(node)) check(node, node.source.value);
    };
    return {
      ImportDeclaration: declaration,
      ExportNamedDeclaration: declaration,
      ExportAllDeclaration: declaration,
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};

/**
 * Layers that may not reach into each other (value or type): what both need lives in lib/.
 * @param {string} message
 * @param {string[]} layers
 */
const layerBoundary = (message, ...layers) => ({
  patterns: [
    // Packages whose name ends in a layer's name are not that layer.
    { group: [...layers.flatMap((layer) => [`**/${layer}/**`, `**/${layer}`]), '!@opentelemetry/api'], message },
  ],
});

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
      'console/dist/**',
      'console/.dist-*/**',
      // Generated from the OpenAPI document (npm run console:schema).
      'console/src/api/schema.d.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Type-aware rules: a promise nobody awaits loses its error (and, in a handler, its ordering).
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['prisma.config.ts'] }, tsconfigRootDir: root },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    plugins: { boundaries: { rules: { 'workflow-imports': workflowImports } } },
    rules: {
      'boundaries/workflow-imports': 'error',
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
    // The API reads the database and talks to Temporal; it never runs worker code.
    files: ['api/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        layerBoundary(
          'The API does not import activities or the worker: move what both need to lib/.',
          'activities',
          'workers',
        ),
      ],
    },
  },
  {
    files: ['activities/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        layerBoundary('Activities do not import the API: move what both need to lib/.', 'api'),
      ],
    },
  },
  {
    // lib/ is what every process may import, so it imports none of them.
    files: ['lib/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        layerBoundary('lib/ is shared by every process: it imports none of them.', 'api', 'activities', 'workers'),
      ],
    },
  },
  {
    // The console runs in the browser: its globals, React's hook rules; it reaches the API only through
    // its typed client (console/src/api), never Node or the server's code.
    files: ['console/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: {
      globals: { window: 'readonly', document: 'readonly', navigator: 'readonly', HTMLElement: 'readonly' },
    },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'The console runs in the browser.' },
            {
              group: ['**/../../**', '!../../i18n*'],
              message: 'The console imports only its own files and npm packages, never the server’s code.',
            },
          ],
        },
      ],
    },
  },
  {
    // Tests read JSON answers whose shape the assertions check.
    files: ['tests/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
