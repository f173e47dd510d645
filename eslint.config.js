import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'test-artifacts/**', 'bench/out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // The console runs in the browser. Its typecheck sees Node's types anyway (the daemon's contract types
    // it imports come from modules that use Node), so Node's globals and modules are refused here instead.
    files: ['console/src/**'],
    rules: {
      'no-restricted-globals': ['error', 'process', 'Buffer', 'global', 'require', 'module', '__dirname', '__filename', 'setImmediate'],
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*'], message: 'the console runs in the browser' }] }],
    },
  },
  {
    // DEVELOPERS.md: a test never asserts speed, timing margins or GC counts, and never sleeps a fixed time
    // and then counts; it waits for the event it is about (test/harness/wait.ts). Figures live in bench/.
    // A check that truly needs the clock says why in an eslint-disable comment.
    files: ['**/*.test.ts', '**/*.test.tsx'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...['Date.now', 'performance.now', 'process.hrtime'].map((fn) => {
          const [object, property] = fn.split('.');
          return {
            selector: `MemberExpression[object.name='${object}'][property.name='${property}']`,
            message: `${fn}() in a test: wait for the event (until() in test/harness/wait.ts) instead of timing it; figures go to bench/`,
          };
        }),
        {
          // setTimeout(resolve, ms) and setTimeout(poll, ms); a liveness timeout passes an arrow that rejects.
          selector: "CallExpression[callee.name='setTimeout'][arguments.length=2][arguments.0.type='Identifier']:not([arguments.1.value=0])",
          message: 'a fixed sleep in a test: wait for the event it is about (until() in test/harness/wait.ts)',
        },
        {
          selector: "CallExpression[callee.name=/^(sleep|delay|wait)$/]",
          message: 'a fixed sleep in a test: wait for the event it is about (until() in test/harness/wait.ts)',
        },
        {
          selector: "ImportDeclaration[source.value=/^(node:)?timers\\/promises$/]",
          message: 'timers/promises in a test is a fixed sleep: wait for the event it is about',
        },
        {
          selector: "CallExpression[callee.name='expect'] Identifier[name=/^(gcPauses|pauses)$/]",
          message: 'garbage-collection counts are figures for bench/, not test assertions',
        },
      ],
    },
  },
);
