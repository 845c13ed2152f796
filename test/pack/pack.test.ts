import { expect } from 'chai';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { DOCKERODE_MISSING } from '../../lib/probe/engine';
import { rules } from '../../rules';
import { ROOT } from '../helpers/rules';

/**
 * The package as a user gets it: packed from a copy of the working tree (so the working tree's dist/ is
 * left alone and the build is clean), installed from the tarball into an empty directory without asking
 * the registry for anything the npm cache holds, and run there with npx, require and import.
 */

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };

function sh(command: string, args: string[], options: SpawnSyncOptions & { cwd: string }) {
  const r = spawnSync(command, args, { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 240_000, ...options });
  if (r.error) throw r.error;
  return { status: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** The fenced blocks of a Markdown file, in order, with their info strings. */
function fences(file: string): { info: string; body: string }[] {
  return [...fs.readFileSync(file, 'utf8').matchAll(/^```(\S*)\n([\s\S]*?)^```$/gm)].map((m) => ({ info: m[1], body: m[2] }));
}

describe('npm pack: the package a user installs', function () {
  this.timeout(300_000);
  let work: string;
  let app: string;
  let files: string[];

  before(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'netlint-pack-'));
    const src = path.join(work, 'src');
    const skip = new Set(['node_modules', '.git', 'dist', '.bench']);
    fs.cpSync(ROOT, src, { recursive: true, filter: (from) => !skip.has(path.basename(from)) && !from.endsWith('.tgz') });
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(src, 'node_modules'), 'dir');
    const packed = sh('npm', ['pack', '--json', '--pack-destination', work], { cwd: src });
    expect(packed.status, packed.stderr).to.equal(0);
    const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
    files = info.files.map((f) => f.path).sort();

    app = path.join(work, 'app');
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), '{ "name": "app", "private": true }\n');
    const tarball = path.join(work, info.filename);
    // offline first: `npm ci` filled the cache with the dependencies; a cache without one of them falls back to the registry
    let installed = sh('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball], { cwd: app });
    if (installed.status !== 0) installed = sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], { cwd: app });
    expect(installed.status, installed.stderr).to.equal(0);
    fs.cpSync(path.join(ROOT, 'examples'), path.join(app, 'examples'), { recursive: true });
  });

  after(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('holds the built JS, type declarations, schemas, rule docs, README, LICENSE and package.json, and nothing else', () => {
    const allowed = [/^dist\/(lib|rules)\/.+\.(js|mjs|d\.ts|d\.mts)$/, /^dist\/schemas\/compose-spec\.validate\.js$/, /^rules\/[a-z0-9-]+\.md$/, /^schemas\/[^/]+\.(json|md)$/, /^(README\.md|LICENSE|package\.json)$/];
    expect(files.filter((f) => !allowed.some((re) => re.test(f)))).to.deep.equal([]);
    expect(files.filter((f) => /(^|\/)(test|tests|fixtures|examples|docs|scripts|\.ci)\//.test(f) || /\.test\.|\.spec\./.test(f))).to.deep.equal([]);
    expect(files.filter((f) => /\.(ts|mts)$/.test(f) && !/\.d\.(ts|mts)$/.test(f))).to.deep.equal([]);
    for (const f of [
      'LICENSE',
      'README.md',
      'dist/lib/index.js',
      'dist/lib/index.d.ts',
      'dist/lib/index.mjs',
      'dist/lib/index.d.mts',
      'dist/lib/cli/bin.js',
      'dist/schemas/compose-spec.validate.js',
      'schemas/config.schema.json',
      'schemas/compose-spec.json',
      'schemas/SOURCES.md',
    ]) {
      expect(files).to.include(f);
    }
    for (const rule of rules) expect(files).to.include(`rules/${rule.id}.md`);
    // only the tests read the SARIF schema
    expect(files.filter((f) => f.startsWith('schemas/sarif'))).to.deep.equal([]);
    // every source file is there built, with its declarations
    const sources = (dir: string): string[] =>
      fs
        .readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
        .filter((e) => e.isFile() && /\.m?ts$/.test(e.name))
        .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)).split(path.sep).join('/'));
    for (const source of [...sources('lib'), ...sources('rules')]) {
      const base = `dist/${source.replace(/\.(m?)ts$/, '')}`;
      const ext = source.endsWith('.mts') ? 'm' : '';
      expect(files).to.include.members([`${base}.${ext}js`, `${base}.d.${ext}ts`]);
    }
    expect(fs.readFileSync(path.join(ROOT, 'LICENSE'), 'utf8')).to.match(/Apache License\s+Version 2\.0, January 2004/);
  });

  it('runs with npx on an example', () => {
    const r = sh('npx', ['compose-netlint', 'examples/shop'], { cwd: app, env: { ...process.env, NO_COLOR: '1', npm_config_offline: 'true' } });
    expect(r.status, r.stderr).to.equal(1);
    expect(r.stdout).to.match(/^examples\/shop\/compose\.yaml:24:19: error: service "api" references "cache" \(REDIS_HOST\).* \[no-unreachable-reference\]$/m);
    expect(r.stdout).to.match(/^2 problems \(1 error, 1 warning\)$/m);
    expect(sh('npx', ['compose-netlint', '--version'], { cwd: app }).stdout).to.equal(`${pkg.version}\n`);
  });

  it('installs no Docker client and builds nothing native; probe says how to add dockerode, its optional peer', () => {
    const installed = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? (e.name.startsWith('@') ? installed(path.join(dir, e.name)).map((n) => `${e.name}/${n}`) : [e.name]) : []));
    const names = installed(path.join(app, 'node_modules'));
    expect(names).to.include.members(['compose-netlint', 'ajv', 'yaml']);
    expect(names.filter((n) => ['dockerode', 'docker-modem', 'ssh2', 'cpu-features', 'nan'].includes(n))).to.deep.equal([]);
    const native = fs.readdirSync(path.join(app, 'node_modules'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.node'));
    expect(native).to.deep.equal([]);
    const r = sh('npx', ['compose-netlint', 'probe', 'examples/shop'], { cwd: app, env: { ...process.env, NO_COLOR: '1', DOCKER_HOST: 'unix:///nonexistent', npm_config_offline: 'true' } });
    expect(r.stderr).to.equal(`compose-netlint: ${DOCKERODE_MISSING}\n`);
    expect(r.status).to.equal(2);
    // what the message says to do: then the probe finds dockerode and goes on to the engine (there is none at that address)
    let added = sh('npm', ['install', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', 'dockerode@5'], { cwd: app });
    if (added.status !== 0) added = sh('npm', ['install', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', 'dockerode@5'], { cwd: app });
    expect(added.status, added.stderr).to.equal(0);
    const again = sh('npx', ['compose-netlint', 'probe', 'examples/shop'], { cwd: app, env: { ...process.env, NO_COLOR: '1', DOCKER_HOST: 'unix:///nonexistent', npm_config_offline: 'true' } });
    expect(again.stderr).to.match(/^compose-netlint: cannot reach the Docker engine at unix:\/\/\/nonexistent \(/);
    expect(again.status).to.equal(2);
  });

  it("runs as the GitHub Action's lint step runs it, annotating and failing on the example", () => {
    const action = parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as { runs: { steps: { id: string; run: string }[] } };
    const script = path.join(work, 'lint-step.sh');
    fs.writeFileSync(script, action.runs.steps.find((s) => s.id === 'lint')!.run);
    const output = path.join(work, 'github-output');
    const env = { ...process.env, CLI: path.join(app, 'node_modules', '.bin', 'compose-netlint'), GITHUB_OUTPUT: output, INPUT_FILES: 'examples/shop', INPUT_FORMAT: 'github', INPUT_FAIL_ON: 'error', INPUT_ARGS: '' };
    const r = sh('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd: app, env });
    expect(r.status, r.stderr).to.equal(1);
    expect(r.stdout).to.match(/^::error file=examples\/shop\/compose\.yaml,line=24,col=19,.*title=no-unreachable-reference::/m);
    expect(fs.readFileSync(output, 'utf8')).to.equal('exit-code=1\n');
  });

  it('keeps Node from reading --env-file, through `npx -- compose-netlint` and through the action: NODE_OPTIONS in the file runs nothing', () => {
    fs.writeFileSync(path.join(app, 'evil.js'), "require('node:fs').writeFileSync(require('node:path').join(__dirname, 'ran-' + process.pid), '');\n");
    fs.writeFileSync(path.join(app, 'evil.env'), `NODE_OPTIONS=--require ${path.join(app, 'evil.js')}\n`);
    // `--` before the package name: npx is a Node script too, and Node would read an --env-file in its own argv
    const viaNpx = sh('npx', ['--', 'compose-netlint', '--env-file', 'evil.env', 'examples/shop'], { cwd: app, env: { ...process.env, NO_COLOR: '1', npm_config_offline: 'true' } });
    expect(viaNpx.status, viaNpx.stderr).to.equal(1);
    const action = parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as { runs: { steps: { id: string; run: string }[] } };
    const script = path.join(work, 'lint-step-env.sh');
    fs.writeFileSync(script, action.runs.steps.find((s) => s.id === 'lint')!.run);
    const env = {
      ...process.env,
      CLI: path.join(app, 'node_modules', '.bin', 'compose-netlint'),
      GITHUB_OUTPUT: path.join(work, 'github-output-env'),
      INPUT_FILES: 'examples/shop',
      INPUT_FORMAT: 'compact',
      INPUT_FAIL_ON: 'error',
      INPUT_ARGS: '--env-file=evil.env',
    };
    const viaAction = sh('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd: app, env });
    expect(viaAction.status, viaAction.stderr).to.equal(1);
    expect(fs.readdirSync(app).filter((f) => f.startsWith('ran-'))).to.deep.equal([]);
  });

  it('runs the examples of docs/api-section.md as ES module and CommonJS, printing what the doc shows', () => {
    const blocks = fences(path.join(ROOT, 'docs', 'api-section.md'));
    const programs = blocks.flatMap((b, i) => (b.info === 'js' ? [{ code: b.body, expected: blocks[i + 1] }] : []));
    expect(programs).to.have.length(2);
    programs.forEach(({ code, expected }, i) => {
      expect(expected?.info, `the block after example ${i + 1}`).to.equal('text');
      const file = path.join(app, code.includes('require(') ? `example${i}.cjs` : `example${i}.mjs`);
      fs.writeFileSync(file, code);
      const r = sh(process.execPath, [file], { cwd: app });
      expect(r.stderr).to.equal('');
      expect(r.stdout).to.equal(expected.body);
      expect(r.status).to.equal(code.includes('process.exitCode') ? 1 : 0);
    });
  });

  it('gives ESM import and CommonJS require the same functions and the same InputError class', () => {
    const probe = [
      "import * as esm from 'compose-netlint';",
      "import { createRequire } from 'node:module';",
      "const cjs = createRequire(import.meta.url)('compose-netlint');",
      "const names = ['lint', 'loadProject', 'buildGraph', 'formatFindings', 'rules', 'InputError'];",
      'console.log(names.every((n) => esm[n] !== undefined && esm[n] === cjs[n]), esm.default === cjs);',
      "try { esm.lint({ files: ['missing.yaml'] }); } catch (e) { console.log(e instanceof cjs.InputError, e.code); }",
    ].join('\n');
    fs.writeFileSync(path.join(app, 'probe.mjs'), probe);
    const r = sh(process.execPath, ['probe.mjs'], { cwd: app });
    expect(r.stderr).to.equal('');
    expect(r.stdout).to.equal('true true\ntrue ENOENT\n');
  });

  it('type-checks TypeScript consumers of both module kinds against the shipped declarations', () => {
    fs.writeFileSync(
      path.join(app, 'consumer.mts'),
      [
        "import { formatFindings, InputError, lint, rules, type Finding, type InputErrorCode, type LintOptions } from 'compose-netlint';",
        "const options: LintOptions = { files: ['compose.yaml'], env: {}, profiles: ['debug'], config: { rules: { 'no-legacy-links': 'off' }, failOn: 'warning' } };",
        'const findings: Finding[] = lint(options);',
        "const text: string = formatFindings(findings, { format: 'json' });",
        'const ids: string[] = rules.map((r) => r.id);',
        'function code(e: unknown): InputErrorCode | undefined { return e instanceof InputError ? e.code : undefined; }',
        '// @ts-expect-error files is a list',
        "lint({ files: 'compose.yaml' });",
        'export { text, ids, code };',
      ].join('\n'),
    );
    fs.writeFileSync(path.join(app, 'consumer.cts'), ["import netlint = require('compose-netlint');", "const findings: netlint.Finding[] = netlint.lint({ projectDirectory: '.' });", 'export = findings.length;'].join('\n'));
    const tsconfig = {
      compilerOptions: { module: 'node16', moduleResolution: 'node16', target: 'ES2022', strict: true, noEmit: true, types: ['node'], typeRoots: [path.join(ROOT, 'node_modules', '@types')] },
      files: ['consumer.mts', 'consumer.cts'],
    };
    fs.writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify(tsconfig));
    const r = sh(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: app });
    expect(r.stdout + r.stderr).to.equal('');
    expect(r.status).to.equal(0);
  });
});
