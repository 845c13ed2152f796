import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { DOCKERODE_MISSING } from '../../lib/probe/engine';
import { tempProject } from '../helpers/project';
import { ROOT } from '../helpers/rules';

interface Hook {
  id: string;
  entry: string;
  language: string;
  files: string;
  types?: string[];
  pass_filenames?: boolean;
}

interface Action {
  runs: { using: string; steps: { id: string; run: string; env?: Record<string, string> }[] };
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, { value: string }>;
}

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };

describe('pre-commit hook (.pre-commit-hooks.yaml)', () => {
  const hooks = parse(fs.readFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Hook[];
  const hook = hooks.find((h) => h.id === 'compose-netlint')!;

  it('runs the package bin with language node, passing file names', () => {
    expect(hooks.map((h) => h.id)).to.deep.equal(['compose-netlint']);
    expect(hook).to.deep.include({ entry: 'compose-netlint', language: 'node', pass_filenames: true, types: ['yaml'] });
    expect(Object.keys(pkg.bin)).to.include(hook.entry);
  });

  it('matches Compose and stack file names in any directory, and not override files', () => {
    // pre-commit matches `files` with Python's re.search; this pattern means the same in JavaScript
    const files = new RegExp(hook.files);
    const match = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml', 'deploy/compose.yaml', 'a/b/docker-compose.yml', 'stack.yml', 'docker-stack.yml', 'deploy/prod-stack.yaml', 'stack.prod.yml'];
    const skip = ['compose.override.yaml', 'docker-compose.override.yml', 'composer.json', 'my-compose.yaml', 'compose.yaml.bak', 'docs/compose.md', '.github/workflows/ci.yml', 'stack/readme.md', 'values.yaml'];
    expect(match.filter((f) => !files.test(f))).to.deep.equal([]);
    expect(skip.filter((f) => files.test(f))).to.deep.equal([]);
  });
});

describe('GitHub Action (action.yml)', () => {
  const action = parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as Action;
  const lintStep = action.runs.steps.find((s) => s.id === 'lint')!;

  it('is a composite action that installs the packed CLI, then runs it with files, format and fail-on', () => {
    expect(action.runs.using).to.equal('composite');
    expect(action.runs.steps.map((s) => s.id)).to.deep.equal(['install', 'lint']);
    expect(action.runs.steps[0].run).to.match(/npm pack/);
    expect(Object.keys(action.inputs).sort()).to.deep.equal(['args', 'fail-on', 'files', 'format', 'working-directory']);
    expect(action.inputs['fail-on'].default).to.equal('error');
    expect(action.inputs.format.default).to.equal('github');
    expect(action.outputs['exit-code'].value).to.equal('${{ steps.lint.outputs.exit-code }}');
    // inputs reach the script through the environment, never spliced into its text
    expect(lintStep.run).not.to.match(/\$\{\{/);
    expect(lintStep.env).to.deep.include({ CLI: '${{ steps.install.outputs.bin }}', INPUT_FILES: '${{ inputs.files }}', INPUT_FORMAT: '${{ inputs.format }}', INPUT_FAIL_ON: '${{ inputs.fail-on }}' });
  });

  /** Runs the lint step's script with a stand-in CLI that prints its arguments and exits with STUB_EXIT. */
  function runStep(inputs: { files?: string; format?: string; failOn?: string; args?: string }, stubExit: number, cwd = tempProject({})) {
    fs.mkdirSync(cwd, { recursive: true });
    const cli = path.join(cwd, '..', 'cli-stub.sh');
    fs.writeFileSync(cli, '#!/usr/bin/env bash\nfor a in "$@"; do echo "[$a]"; done\nexit "$STUB_EXIT"\n', { mode: 0o755 });
    const output = path.join(cwd, '..', 'github-output');
    fs.writeFileSync(output, '');
    const env = {
      PATH: process.env.PATH,
      CLI: cli,
      STUB_EXIT: String(stubExit),
      GITHUB_OUTPUT: output,
      INPUT_FILES: inputs.files ?? action.inputs.files.default,
      INPUT_FORMAT: inputs.format ?? action.inputs.format.default,
      INPUT_FAIL_ON: inputs.failOn ?? action.inputs['fail-on'].default,
      INPUT_ARGS: inputs.args ?? action.inputs.args.default,
    };
    // as GitHub runs a `shell: bash` step
    const script = path.join(cwd, '..', 'step.sh');
    fs.writeFileSync(script, lintStep.run);
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd, env, encoding: 'utf8' });
    return { code: r.status, args: r.stdout, output: fs.readFileSync(output, 'utf8'), stderr: r.stderr };
  }

  it('passes the defaults: the project in the working directory, annotated for GitHub', () => {
    expect(runStep({}, 0)).to.deep.equal({ code: 0, args: '[--format]\n[github]\n', output: 'exit-code=0\n', stderr: '' });
  });

  it('passes several formats, extra arguments and files, and fails on warnings with fail-on warning', () => {
    const r = runStep({ files: 'a/compose.yaml  b\nc d', format: 'github\nsarif=results.sarif', failOn: 'warning', args: '--mode stack' }, 1);
    expect(r.args.split('\n')).to.deep.equal(['[--max-warnings]', '[0]', '[--format]', '[github]', '[--format]', '[sarif=results.sarif]', '[--mode]', '[stack]', '[a/compose.yaml]', '[b]', '[c]', '[d]', '']);
    expect(r.code).to.equal(1);
    expect(r.output).to.equal('exit-code=1\n');
  });

  it('expands globs in files, and not in formats or arguments', () => {
    const dir = tempProject({ 'deploy/web-stack.yml': '', 'deploy/db-stack.yml': '', 'x*': '' });
    const r = runStep({ files: 'deploy/*-stack.yml', format: 'x*' }, 0, dir);
    expect(r.args).to.equal('[--format]\n[x*]\n[deploy/db-stack.yml]\n[deploy/web-stack.yml]\n');
  });

  it('with fail-on never, reports findings without failing, but still fails on input errors', () => {
    expect(runStep({ failOn: 'never' }, 1)).to.deep.include({ code: 0, output: 'exit-code=1\n' });
    expect(runStep({ failOn: 'never' }, 2)).to.deep.include({ code: 2, output: 'exit-code=2\n' });
  });

  it('refuses an unknown fail-on with an error annotation', () => {
    const r = runStep({ failOn: 'info' }, 0);
    expect(r.code).to.equal(2);
    expect(r.args).to.equal('::error title=compose-netlint::fail-on must be error, warning or never, not "info"\n');
  });
});

describe('docs/ci-section.md', () => {
  const text = fs.readFileSync(path.join(ROOT, 'docs', 'ci-section.md'), 'utf8');
  const action = parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as Action;

  it('shows YAML that parses, using only inputs the action has and the hook id', () => {
    const blocks = [...text.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((m) => parse(m[1]) as unknown);
    expect(blocks).to.have.length.above(2);
    const found = JSON.stringify(blocks);
    expect(found).to.include('"id":"compose-netlint"');
    const workflow = blocks.find((b) => JSON.stringify(b).includes('compose-netlint/compose-netlint@')) as { jobs: Record<string, { steps: { uses?: string; with?: Record<string, string> }[] }> };
    const step = Object.values(workflow.jobs)[0].steps.find((s) => s.uses?.startsWith('compose-netlint/compose-netlint@'))!;
    expect(Object.keys(step.with!).filter((k) => !(k in action.inputs))).to.deep.equal([]);
    expect(step.with!.format).to.match(/sarif=results\.sarif/);
  });

  it('documents every input of the action in its table', () => {
    const documented = [...text.matchAll(/^\| `([a-z-]+)` \|/gm)].map((m) => m[1]).sort();
    expect(documented).to.deep.equal(Object.keys(action.inputs).sort());
  });
});

describe('npx command lines', () => {
  // npx is a Node.js script itself: without `--` before the command, an option meant for compose-netlint
  // (--env-file) can be taken by npx or Node (README, Security); so every npx line we show ends npx's options
  const sources: [string, string][] = [
    ...[
      'README.md',
      'CONTRIBUTING.md',
      'action.yml',
      ...fs
        .readdirSync(path.join(ROOT, 'docs'))
        .filter((f) => f.endsWith('.md'))
        .map((f) => `docs/${f}`),
    ].map((f): [string, string] => [f, fs.readFileSync(path.join(ROOT, f), 'utf8')]),
    ['DOCKERODE_MISSING (lib/probe/engine.ts)', DOCKERODE_MISSING],
  ];

  it('put `--` between npx and compose-netlint everywhere they are shown', () => {
    const missing: string[] = [];
    let seen = 0;
    for (const [name, text] of sources) {
      for (const m of text.matchAll(/\bnpx((?:[ \t]+(?:-p|--package)[ \t]+\S+|[ \t]+-\S*)*)[ \t]+compose-netlint\b/g)) {
        seen++;
        if (!m[1].split(/[ \t]+/).includes('--')) missing.push(`${name}: ${m[0]}`);
      }
    }
    expect(seen).to.be.above(5);
    expect(missing).to.deep.equal([]);
  });
});
