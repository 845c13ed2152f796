import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMMANDS, HELP } from '../../lib/cli/args';
import { main } from '../../lib/cli/main';
import { GRAPH_HELP } from '../../lib/graph/command';
import { LSP_HELP, runLspCommand } from '../../lib/lsp/command';
import { PROBE_HELP } from '../../lib/probe/options';
import { tempProject } from '../helpers/project';

function run(args: string[], cwd: string, env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env, cwd, isTty: false });
  return { code, stdout, stderr };
}

const BAD_SCHEMA = 'services:\n  web:\n    image: nginx\n    netwroks: [front]\n';

describe('cli', () => {
  it('exits 0 for a clean project, printing only the mode it was linted in and why', () => {
    const dir = tempProject({ 'compose.yaml': 'services:\n  web:\n    image: nginx\n' });
    expect(run([], dir)).to.deep.equal({ code: 0, stdout: 'project "proj" linted in compose mode because "compose.yaml" is a file name docker compose finds by itself; engine target docker@29.1\n', stderr: '' });
  });

  it('prints the stylish golden with source line and underline, and exits 1', () => {
    const dir = tempProject({ 'compose.yaml': BAD_SCHEMA });
    const r = run(['--no-color'], dir);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.equal(
      [
        'compose.yaml:4:5: error: unknown key "netwroks" in service "web". did you mean "networks"? [compose-schema]',
        '4 |     netwroks: [front]',
        '        ^^^^^^^^',
        '',
        '1 problem (1 error, 0 warnings)',
        'project "proj" linted in compose mode because "compose.yaml" is a file name docker compose finds by itself; engine target docker@29.1',
        '',
      ].join('\n'),
    );
  });

  it('prints the documented JSON shape', () => {
    const dir = tempProject({ 'compose.yaml': BAD_SCHEMA });
    const r = run(['--format', 'json'], dir);
    const report = JSON.parse(r.stdout);
    expect(report.findings).to.deep.equal([
      {
        ruleId: 'compose-schema',
        severity: 'error',
        message: 'unknown key "netwroks" in service "web". did you mean "networks"?',
        file: 'compose.yaml',
        line: 4,
        column: 5,
        endLine: 4,
        endColumn: 13,
        // a finding that is no rule's own links to the README section describing it
        docsUrl: 'https://github.com/compose-netlint/compose-netlint/blob/v0.1.0/README.md#output',
      },
    ]);
    expect(report.summary).to.deep.equal({ errors: 1, warnings: 0, infos: 0 });
    expect(report.projects).to.deep.equal([{ name: 'proj', mode: 'compose', modeReason: '"compose.yaml" is a file name docker compose finds by itself', files: ['compose.yaml'], engine: 'docker@29.1' }]);
  });

  describe('--mode auto on a file docker compose up runs', () => {
    const OVERLAY = 'services:\n  web:\n    image: nginx\n    networks: [mesh]\nnetworks:\n  mesh:\n    driver: overlay\n';

    it('lints a docker-compose.yml with an overlay network as Compose, says so, and notes the stack signal', () => {
      const r = run(['--format', 'json'], tempProject({ 'docker-compose.yml': OVERLAY }));
      const report = JSON.parse(r.stdout);
      expect(report.projects).to.deep.equal([{ name: 'proj', mode: 'compose', modeReason: '"docker-compose.yml" is a file name docker compose finds by itself', files: ['docker-compose.yml'], engine: 'docker@29.1' }]);
      // what docker compose up meets: a non-attachable overlay its containers cannot join
      expect(report.findings.map((f: { line: number; column: number; ruleId: string; severity: string }) => `${f.line}:${f.column} ${f.severity} ${f.ruleId}`)).to.deep.equal(['7:13 info ambiguous-mode', '7:13 error no-overlay-outside-swarm']);
      expect(report.findings[0].message).to.include('overlay network "mesh" (line 7)').and.include('--mode stack');
      expect(r.code).to.equal(1);
    });

    it('--mode stack lints it as a stack, without the note', () => {
      const r = run(['--format', 'json', '--mode', 'stack'], tempProject({ 'docker-compose.yml': OVERLAY }));
      const report = JSON.parse(r.stdout);
      expect(report.projects[0]).to.include({ mode: 'stack', modeReason: '--mode stack was given' });
      expect(report.findings.map((f: { ruleId: string }) => f.ruleId)).to.deep.equal(['require-overlay-encryption']);
    });
  });

  describe('the engine target (issue 16)', () => {
    // a static address on a network whose subnet the engine picks: refused through Docker 29.0.3, accepted from 29.0.4
    const STATIC = 'services:\n  web:\n    image: nginx\n    networks:\n      plain:\n        ipv4_address: 172.20.0.10\nnetworks:\n  plain: {}\n';
    const severities = (stdout: string) => (JSON.parse(stdout) as { findings: { ruleId: string; severity: string }[] }).findings.filter((f) => f.ruleId === 'no-invalid-static-ip').map((f) => f.severity);
    const engines = (stdout: string) => (JSON.parse(stdout) as { projects: { engine: string }[] }).projects.map((p) => p.engine);

    it('defaults to the newest Docker release known, and --engine docker@29.0 changes what a rule says', () => {
      const dir = tempProject({ 'compose.yaml': STATIC });
      const latest = run(['--format', 'json'], dir);
      expect([latest.code, engines(latest.stdout), severities(latest.stdout)]).to.deep.equal([0, ['docker@29.1'], ['warning']]);
      const older = run(['--format', 'json', '--engine', 'docker@29.0'], dir);
      expect([older.code, engines(older.stdout), severities(older.stdout)]).to.deep.equal([1, ['docker@29.0'], ['error']]);
    });

    it('reads engine: from the configuration file, and --engine wins over it', () => {
      const dir = tempProject({ 'compose.yaml': STATIC, '.compose-netlint.yaml': 'engine: docker@20.10\n' });
      expect(engines(run(['--format', 'json'], dir).stdout)).to.deep.equal(['docker@20.10']);
      expect(engines(run(['--format', 'json', '--engine', 'podman@5.2'], dir).stdout)).to.deep.equal(['podman@5.2']);
    });

    it('a bad --engine is a usage error on one line; a bad engine: is a config-error at its position', () => {
      const dir = tempProject({ 'compose.yaml': STATIC });
      expect(run(['--engine', 'docker29'], dir)).to.deep.equal({
        code: 2,
        stdout: '',
        stderr: 'compose-netlint: --engine "docker29" names no version; write FAMILY@VERSION such as docker@29.1, docker@20.10 or podman@5.2\n',
      });
      const configured = tempProject({ 'compose.yaml': STATIC, '.compose-netlint.yaml': 'failOn: error\nengine: moby@1.0\n' });
      const r = run(['--format', 'compact'], configured);
      expect(r.stdout).to.include('.compose-netlint.yaml:2:9: error: "engine" "moby@1.0" has an unknown engine family "moby" (docker or podman); write FAMILY@VERSION such as docker@29.1, docker@20.10 or podman@5.2 [config-error]');
    });

    it('lint --help names the option, the default and the configuration key', () => {
      expect(HELP).to.match(/--engine ENGINE {8}the engine to lint for, FAMILY@VERSION\[\+rootless\|\+rootful\|\+desktop\]:\n\s+docker@29\.1 \(default, the newest Docker release known\)/);
      expect(HELP).to.include('engine: in\n');
    });
  });

  it('lints each positional path as its own project and writes --output', () => {
    const dir = tempProject({ 'a/compose.yaml': BAD_SCHEMA, 'b/docker-compose.yml': 'services: {x: {image: y}}\n' });
    const out = path.join(dir, 'report.json');
    const r = run(['--format', 'json', '--output', out, 'a', 'b/docker-compose.yml'], dir);
    expect(r.code).to.equal(1);
    const report = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(report.projects.map((p: { name: string }) => p.name)).to.deep.equal(['a', 'b']);
    expect(report.findings.map((f: { file: string }) => f.file)).to.deep.equal([path.join('a', 'compose.yaml')]);
  });

  it("a path among several that cannot be read is that path's error: the others are linted and reported, exit 2", () => {
    const dir = tempProject({ 'a/compose.yaml': BAD_SCHEMA, 'c/compose.yaml': Buffer.from([0x73, 0, 1, 2, 0xff]) as unknown as string, 'd/compose.yaml': 'services: {x: {image: y}}\n' });
    const r = run(['--format', 'json', 'a', 'missing.yaml', 'c', 'd'], dir);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.equal(`compose-netlint: missing.yaml: no such file or directory\ncompose-netlint: ${path.join('c', 'compose.yaml')}: binary file, not a Compose file\n`);
    const report = JSON.parse(r.stdout);
    expect(report.projects.map((p: { name: string }) => p.name)).to.deep.equal(['a', 'd']);
    expect(report.findings.map((f: { file: string; ruleId: string }) => `${f.file} ${f.ruleId}`)).to.deep.equal([`${path.join('a', 'compose.yaml')} compose-schema`]);
  });

  it("README's usage block is the help's, and its list of command words is COMMANDS", () => {
    const readme = fs.readFileSync(path.resolve(__dirname, '..', '..', 'README.md'), 'utf8');
    const block = /<!-- usage:begin -->\n```text\n([^]*?)```\n<!-- usage:end -->/.exec(readme);
    expect(block, 'the README block').not.to.equal(null);
    const usage = HELP.slice(HELP.indexOf('Usage:\n') + 'Usage:\n'.length, HELP.indexOf('Project options'));
    expect(block![1]).to.equal(usage.replace(/^ {2}/gm, ''));
    const words = COMMANDS.map((c) => `\`${c}\``);
    expect(readme).to.include(`${words.slice(0, -1).join(', ')} and ${words[words.length - 1]} are commands wherever they stand first`);
  });

  it('lsp is a command wherever it stands first: its own options only, no paths, exit 2 without starting a server', async () => {
    for (const [args, message] of [
      [['--format', 'compact'], 'compose-netlint: unknown option "--format"; see lsp --help\n'],
      [['compose.yaml'], 'compose-netlint: unexpected argument "compose.yaml": this command takes no paths; see lsp --help\n'],
    ] as const) {
      let stderr = '';
      const code = await runLspCommand([...args], { stdout: () => undefined, stderr: (t) => (stderr += t), env: {} });
      expect([code, stderr]).to.deep.equal([2, message]);
    }
  });

  describe('exit codes and bad input: one line on stderr, no stack trace', () => {
    const cases: [string, Record<string, string | Buffer>, string[], number, RegExp][] = [
      ['missing file', {}, ['-f', 'nope.yaml'], 2, /^compose-netlint: nope\.yaml: no such file\n$/],
      ['directory without a Compose file', { 'x/README.md': '' }, ['x'], 2, /^compose-netlint: no Compose file found in .*x or its parents/],
      ['binary file', { 'compose.yaml': Buffer.from([0x73, 0, 1, 2, 0xff]) }, [], 2, /^compose-netlint: compose\.yaml: binary file, not a Compose file\n$/],
      ['--env-file that is a directory', { 'compose.yaml': 'services: {}\n', 'envs/x': '' }, ['--env-file', 'envs'], 2, /^compose-netlint: envs: is a directory, not an env file\n$/],
      ['binary configuration file', { 'compose.yaml': 'services: {}\n', 'cfg.yaml': Buffer.from([0x73, 0, 1]) }, ['--config', 'cfg.yaml'], 2, /^compose-netlint: cfg\.yaml: binary file, not a configuration file\n$/],
      ['missing --project-directory', { 'compose.yaml': 'services: {}\n' }, ['--project-directory', 'gone'], 2, /^compose-netlint: gone: no such directory \(--project-directory\)\n$/],
      ['an argument to rules', {}, ['rules', 'no-legacy-links'], 2, /^compose-netlint: rules takes no arguments, not "no-legacy-links": it lists every rule\n$/],
      ['unknown option', { 'compose.yaml': 'services: {}\n' }, ['--frobnicate'], 2, /^compose-netlint: unknown option "--frobnicate"; see --help\n$/],
      // option errors in house style (trial defect 17): lowercase, the option quoted, a near miss suggested
      ['misspelt option', { 'compose.yaml': 'services: {}\n' }, ['--fromat', 'json'], 2, /^compose-netlint: unknown option "--fromat"\. did you mean "--format"\? see --help\n$/],
      ['option without its value', { 'compose.yaml': 'services: {}\n' }, ['--format'], 2, /^compose-netlint: option "--format" needs a value; see --help\n$/],
      ['value given to a flag', { 'compose.yaml': 'services: {}\n' }, ['--fix=yes'], 2, /^compose-netlint: option "--fix" takes no value; see --help\n$/],
      ['bad --mode', { 'compose.yaml': 'services: {}\n' }, ['--mode', 'k8s'], 2, /^compose-netlint: --mode must be compose, stack or auto, not "k8s"\n$/],
      ['unknown format', { 'compose.yaml': 'services: {}\n' }, ['--format', 'xml'], 2, /^compose-netlint: unknown format "xml"; use codeclimate, compact, github, json, junit, sarif or stylish\n$/],
    ];
    for (const [name, files, args, code, stderr] of cases) {
      it(`${name} exits ${code}`, () => {
        const dir = tempProject(files as Record<string, string>);
        const r = run(args, dir);
        expect(r.code, r.stderr).to.equal(code);
        expect(r.stderr).to.match(stderr);
        expect(r.stderr).not.to.match(/\n\s+at /);
      });
    }

    it('an empty file is a finding at 1:1 and exits 1', () => {
      const r = run(['--format', 'json'], tempProject({ 'compose.yaml': '' }));
      expect(r.code).to.equal(1);
      expect(JSON.parse(r.stdout).findings[0]).to.deep.include({ ruleId: 'compose-load', line: 1, column: 1, message: 'empty Compose file; it needs at least a "services" key' });
    });

    it('a YAML syntax error is a finding at its position and exits 1', () => {
      const r = run(['--format', 'json'], tempProject({ 'compose.yaml': 'services:\n  web:\n    image: [nginx\n  db: {}\n' }));
      expect(r.code).to.equal(1);
      const f = JSON.parse(r.stdout).findings[0];
      // at the opening bracket, with its documentation page
      expect(f).to.deep.include({ ruleId: 'yaml-syntax', severity: 'error', line: 3, column: 12, endLine: 3, endColumn: 13 });
      expect(f.docsUrl).to.match(/\/README\.md#output$/);
    });

    it('a duplicate key is a yaml-syntax finding at the second key', () => {
      const r = run(['--format', 'json'], tempProject({ 'compose.yaml': 'services:\n  web: {image: a}\n  web: {image: b}\n' }));
      expect(JSON.parse(r.stdout).findings[0]).to.deep.include({
        ruleId: 'yaml-syntax',
        line: 3,
        column: 3,
        message: 'key "web" is written twice in this mapping (first at line 2); Compose refuses the file ("mapping key already defined"). remove one of them or merge their values',
      });
    });

    it('an alias bomb is stopped and reported, exit 1', () => {
      const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
      for (const [prev, name] of [
        ['a', 'b'],
        ['b', 'c'],
        ['c', 'd'],
        ['d', 'e'],
        ['e', 'f'],
        ['f', 'g'],
        ['g', 'h'],
      ])
        levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
      const r = run(['--format', 'json'], tempProject({ 'compose.yaml': levels.join('\n') + '\nservices: {}\n' }));
      expect(r.code).to.equal(1);
      expect(JSON.parse(r.stdout).findings[0])
        .to.deep.include({ ruleId: 'yaml-syntax' })
        .and.have.property('message')
        .that.matches(/alias bomb/);
    });

    it('a 10 MB file is refused with exit 2', () => {
      const r = run([], tempProject({ 'compose.yaml': 'services:\n' + '  # padding\n'.repeat(900_000) }));
      expect(r.code).to.equal(2);
      expect(r.stderr).to.match(/^compose-netlint: compose\.yaml: file is 10\.\d MiB; compose-netlint reads Compose files up to 4 MiB\n$/);
    });
  });

  it('--max-warnings and --version and --help', () => {
    const dir = tempProject({ 'compose.yaml': 'services: {web: {image: a}}\n' });
    expect(run(['--version'], dir).stdout).to.match(/^\d+\.\d+\.\d+\n$/);
    expect(run(['--help'], dir).stdout).to.match(/Exit codes: 0 no errors/);
    expect(run(['--max-warnings', 'x'], dir).code).to.equal(2);
  });

  describe('help is a command, not a path', () => {
    it('help prints the usage and exits 0, even beside a directory named help', () => {
      const dir = tempProject({ 'compose.yaml': 'services: {web: {image: a}}\n', 'help/compose.yaml': BAD_SCHEMA });
      expect(run(['help'], dir)).to.deep.equal({ code: 0, stdout: HELP, stderr: '' });
      // the directory is still reachable as a path
      expect(run(['./help'], dir).code).to.equal(1);
    });

    it('help COMMAND prints what COMMAND --help prints', () => {
      const dir = tempProject({});
      expect(run(['help', 'graph'], dir)).to.deep.equal({ code: 0, stdout: GRAPH_HELP, stderr: '' });
      expect(run(['help', 'probe'], dir)).to.deep.equal({ code: 0, stdout: PROBE_HELP, stderr: '' });
      for (const command of ['lint', 'rules', 'help']) expect(run(['help', command], dir).stdout, command).to.equal(HELP);
      expect(run(['help', 'probe', '--help'], dir).stdout).to.equal(PROBE_HELP);
      expect(run(['help', 'lsp'], dir)).to.deep.equal({ code: 0, stdout: LSP_HELP, stderr: '' });
      const lsp = spawnSync(process.execPath, [path.join(__dirname, '..', '..', 'dist', 'lib', 'cli', 'bin.js'), 'lsp', '--help'], { cwd: dir, encoding: 'utf8' });
      expect([lsp.status, lsp.stdout]).to.deep.equal([0, LSP_HELP]);
      expect(HELP).to.include('compose-netlint help [COMMAND]');
    });

    it('help with an unknown command or two commands exits 2 with one line', () => {
      const dir = tempProject({});
      expect(run(['help', 'lnit'], dir)).to.deep.equal({ code: 2, stdout: '', stderr: 'compose-netlint: unknown command "lnit"; help takes lint, rules, graph, probe, config, lsp or help\n' });
      expect(run(['help', 'lint', 'graph'], dir)).to.deep.equal({ code: 2, stdout: '', stderr: 'compose-netlint: help takes one command, not 2\n' });
    });

    it('the built bin answers help and help probe', () => {
      const bin = path.join(__dirname, '..', '..', 'dist', 'lib', 'cli', 'bin.js');
      const cwd = tempProject({});
      const general = spawnSync(process.execPath, [bin, 'help'], { cwd, encoding: 'utf8' });
      expect([general.status, general.stdout, general.stderr]).to.deep.equal([0, HELP, '']);
      const probe = spawnSync(process.execPath, [bin, 'help', 'probe'], { cwd, encoding: 'utf8' });
      expect([probe.status, probe.stdout, probe.stderr]).to.deep.equal([0, PROBE_HELP, '']);
    });
  });

  it('the built bin runs from the package and exits 2 on a missing file without a stack trace', () => {
    const bin = path.join(__dirname, '..', '..', 'dist', 'lib', 'cli', 'bin.js');
    const r = spawnSync(process.execPath, [bin, '-f', 'missing.yaml'], { cwd: tempProject({}), encoding: 'utf8' });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.equal('compose-netlint: missing.yaml: no such file\n');
  });

  it('a one-line error escapes the control characters of the file it names', () => {
    const r = run(['-f', 'a\x1b[2J\n::warning::x.yaml'], tempProject({}));
    expect(r).to.deep.equal({ code: 2, stdout: '', stderr: 'compose-netlint: a\\u001B[2J\\n::warning::x.yaml: no such file\n' });
  });

  it('the bin, run through its shebang, keeps Node from reading --env-file: NODE_OPTIONS in the file runs nothing', () => {
    const bin = path.join(__dirname, '..', '..', 'dist', 'lib', 'cli', 'bin.js');
    fs.chmodSync(bin, 0o755); // as npm does when it installs the package
    const dir = tempProject({
      'compose.yaml': 'services:\n  web:\n    ports: ["${PORT}:80"]\n  admin:\n    ports: ["${PORT}:80"]\n',
      'evil.js': "require('node:fs').writeFileSync(require('node:path').join(__dirname, 'ran-' + process.pid), '');\n",
    });
    fs.writeFileSync(path.join(dir, 'evil.env'), `PORT=18080\nNODE_OPTIONS=--require ${path.join(dir, 'evil.js')}\n`);
    const runs = [['--env-file', 'evil.env', '--format', 'compact'], ['graph', '--env-file=evil.env', '--format', 'json'], ['probe', '--env-file', 'evil.env', '--help'], ['--env-file-if-exists=evil.env']];
    const results = runs.map((args) => spawnSync(bin, args, { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } }));
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('ran-'))).to.deep.equal([]);
    expect(results.map((r) => r.status)).to.deep.equal([1, 1, 0, 2]);
    // compose-netlint read the file as its own --env-file: ${PORT} is 18080, so both services claim it
    expect(results[0].stdout).to.match(/^compose\.yaml:5:13: error: host port "18080\/tcp" is published by both .*\[no-duplicate-published-ports\]$/m);
    expect(results[3].stderr).to.equal('compose-netlint: unknown option "--env-file-if-exists"; see --help\n');
  });
});
