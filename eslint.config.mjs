// @ts-check
// The code's lint rules: typescript-eslint's recommended set, and the layers of the design (docs: CONTRIBUTING.md
// "Layers"): each layer imports only the layers above it, rules never see YAML, and only lib/probe loads dockerode.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** An import restriction: `group` are gitignore-style patterns matched against the import's text. */
const banned = (message, ...group) => ({ group, message });
const PROBE = banned('only the CLI and the API reach the probe: it is the one layer that talks to Docker', '**/probe', '**/probe/**');
const DOCKER = banned('only lib/probe imports dockerode (lazily, in lib/probe/engine.ts)', 'dockerode', 'dockerode/**');
const CLI = banned('the CLI is the outermost layer: nothing imports it', '**/cli', '**/cli/**');
const REPORT = banned('formatters read findings; nothing below them imports them', '**/report', '**/report/**');
const GRAPH_EXPORT = banned('the graph export reads the model; nothing below it imports it', '**/lib/graph', '**/lib/graph/**', '../graph', '../graph/**');
const RULES = banned('the rules read the model; the model and the engine never import a rule', '**/rules', '**/rules/**');
const ENGINE = banned('the engine runs over the model; the model never imports it', '**/engine', '**/engine/**');
const SCHEMA = banned('the schema layer validates the loaded tree; the model does not call it', '**/schema/**');
const MODEL = banned('the model is built from the loaded project; lib/source does not know it', '**/model', '**/model/**');
const YAML = banned('rules read the typed graph, never the YAML tree or text', '**/source/tree', '**/source/yaml', '**/source/merge', '**/source/project', 'yaml');

/** `no-restricted-imports` for files matching `files`, with these groups banned. */
const layer = (files, ...patterns) => ({ files, rules: { 'no-restricted-imports': ['error', { patterns }] } });

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test/fixtures/**', 'test/e2e/projects/**', 'examples/**', 'schemas/**'] },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none' }],
      // the code uses `a && b()` / comma expressions deliberately in a few tight loops; TypeScript checks the rest
      '@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
      'no-control-regex': 'off',
      // a cursor that starts at `this` and walks a tree is not an alias of it
      '@typescript-eslint/no-this-alias': ['error', { allowedNames: ['at'] }],
    },
  },
  // chai's property assertions (`expect(x).to.be.empty`) are expressions by design
  { files: ['test/**'], rules: { '@typescript-eslint/no-unused-expressions': 'off' } },
  // lazy loads on purpose: dockerode only when the probe connects, the precompiled schema only when it exists, package.json
  // modules loaded on demand, so that a lint loads only what it uses (README, Performance: start-up)
  { files: ['lib/probe/engine.ts', 'lib/schema/precompiled.ts', 'lib/cli/main.ts', 'lib/report/index.ts', 'lib/util/ajv.ts', '**/*.js'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
  { files: ['**/*.js', '**/*.mjs'], languageOptions: { globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly', console: 'readonly' } } },
  layer(['lib/syntax/**'], banned('lib/syntax is pure string syntax: it imports nothing of the project', '../*', '../**')),
  layer(['lib/util/**'], PROBE, DOCKER, CLI, RULES, ENGINE, MODEL),
  layer(['lib/source/**'], PROBE, DOCKER, CLI, REPORT, GRAPH_EXPORT, RULES, ENGINE, SCHEMA, MODEL),
  layer(['lib/schema/**'], PROBE, DOCKER, CLI, REPORT, GRAPH_EXPORT, RULES, ENGINE, MODEL),
  layer(['lib/model/**'], PROBE, DOCKER, CLI, REPORT, GRAPH_EXPORT, RULES, ENGINE, SCHEMA),
  layer(['lib/engine/**'], PROBE, DOCKER, CLI, REPORT, GRAPH_EXPORT, RULES),
  layer(['rules/**'], PROBE, DOCKER, CLI, REPORT, GRAPH_EXPORT, YAML),
  layer(['lib/report/**'], PROBE, DOCKER, CLI, GRAPH_EXPORT),
  layer(['lib/fix/**'], PROBE, DOCKER, CLI, REPORT, GRAPH_EXPORT, RULES),
  layer(['lib/lsp/**'], PROBE, DOCKER, CLI, GRAPH_EXPORT, RULES),
  layer(['lib/graph/**'], PROBE, DOCKER, CLI),
  layer(['lib/lint.ts', 'lib/project-options.ts'], PROBE, DOCKER, CLI),
  layer(['lib/probe/**'], CLI),
  layer(['lib/cli/**', 'lib/index.ts', 'lib/index.mts', 'scripts/**', 'test/**'], DOCKER),
  // the probe's own dockerode loader, and the tests that drive a real engine through it
  { files: ['lib/probe/engine.ts', 'test/e2e/**', 'test/ci/**'], rules: { 'no-restricted-imports': 'off' } },
);
