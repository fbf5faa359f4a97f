// @ts-check
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

/**
 * Layers, from the core out: domain/ ← handlers/ ← projections/ ← infra/ (and bench/, test/ outside). Imports point
 * inward only; projections/ reach handlers/ through handlers/ports/ only. A wrong import fails `npm run lint`
 * (test/architecture/layering.test.ts shows each rule refusing one).
 */
const layer = (folder, message) => ({ regex: `^(\\.\\./)+${folder}/`, message });
const outerMost = [
  { regex: '^(\\.\\./)+(test|bench)/', message: 'nothing in the product imports the tests or the bench' },
];
const pureTime = 'Time comes in as an argument (domain is pure).';
/** A 250,000-user audience spread into one call's arguments overflows the stack (found by the 250k-user bench). */
const noSpreadArguments = {
  selector:
    "CallExpression[callee.property.name=/^(push|unshift|splice)$/] > SpreadElement, CallExpression[callee.object.name='Math'] > SpreadElement",
  message: 'Spreading a list into arguments overflows the stack on large lists: add in a loop (or reduce).',
};

module.exports = tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'data/**', '*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // Small files with one job, functions that read in one screen (tests and the bench are exempt).
    files: ['domain/**/*.ts', 'handlers/**/*.ts', 'projections/**/*.ts', 'infra/**/*.ts'],
    rules: {
      'max-lines': ['error', { max: 300, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }],
      'no-restricted-syntax': ['error', noSpreadArguments],
    },
  },
  {
    // The domain is pure: no I/O, no clock, no infrastructure, and nothing from the layers around it.
    files: ['domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            layer('handlers', 'domain/ is the core: the handlers use it, never the reverse'),
            layer('projections', 'domain/ is the core: the projections use it, never the reverse'),
            layer('infra', 'domain/ is the core: infra uses it, never the reverse'),
            ...outerMost,
            {
              group: ['better-sqlite3', 'nats', 'pino', 'fs', 'node:*', '@eventstore/*'],
              message: 'domain/ is pure: no I/O',
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        noSpreadArguments,
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: pureTime },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: pureTime },
        { selector: "CallExpression[callee.object.name='DateTime'][callee.property.name='now']", message: pureTime },
        {
          selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
          message: 'Ids come in as arguments (domain is pure).',
        },
      ],
    },
  },
  {
    // The runtime: loading, deciding, appending, retrying, reacting. It owns the ports; adapters plug into them.
    files: ['handlers/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            layer('projections', 'handlers/ do not import projections/: share through handlers/ports/'),
            layer('infra', 'handlers/ own the ports; infra/ implements them, so imports point from infra/ inward'),
            ...outerMost,
            { group: ['better-sqlite3', 'nats', '@eventstore/*'], message: 'adapters live in infra/' },
          ],
        },
      ],
    },
  },
  {
    // Read models and queries: the domain, and of the runtime only its ports (the one shared module).
    files: ['projections/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+handlers/(?!ports/)',
              message: 'projections/ may use handlers/ports/ only (the event-store port, the clock, the replies)',
            },
            layer('infra', 'projections/ use the ports; infra/ implements them, so imports point from infra/ inward'),
            ...outerMost,
            { group: ['nats', '@eventstore/*'], message: 'adapters live in infra/' },
          ],
        },
      ],
    },
  },
  {
    // infra/ composes everything (infra/engine/buildEngine.ts is the composition root).
    files: ['infra/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: outerMost }] },
  },
  {
    // bench/ measures the product as infra/ builds it; it shares the tests' nats-server helper.
    files: ['bench/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(\\.\\./)+test/(?!support/)', message: 'bench/ may use test/support/ only' }] },
      ],
    },
  },
);
