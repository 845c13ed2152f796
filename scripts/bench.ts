// `npm run bench`: lints the vendored real-world files (test/fixtures) in one process and generated
// projects of 500, 2,000 and 4,000 services with every rule on, and prints where the time goes; then
// the first lint of 2,000 services in a fresh process, before the JIT has warmed up. A script, not a test.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { defaultConfig } from '../lib/engine/config';
import { lintProject } from '../lib/lint';
import { buildGraph } from '../lib/model';
import { runRules } from '../lib/engine/run';
import { validateProject } from '../lib/schema/validate';
import { loadProject } from '../lib/source/project';
import { rules } from '../rules';
import { corpusFiles, FIXTURES, loadCheck } from '../test/helpers/corpus';

const ms = (t: number) => `${t.toFixed(0)} ms`;

function time<T>(fn: () => T): [T, number] {
  const start = performance.now();
  const value = fn();
  return [value, performance.now() - start];
}

/** A project of `n` services on 20 networks, with aliases, ports, references and a shared anchor. */
function generated(n: number): string {
  const lines = ['x-common: &common', '  restart: unless-stopped', '  environment:', '    LOG_LEVEL: info', 'services:'];
  for (let i = 0; i < n; i++) {
    lines.push(
      `  svc${i}:`,
      '    <<: *common',
      `    image: example/svc${i}:1.0`,
      `    networks:`,
      `      net${i % 20}:`,
      `        aliases: [alias${i}]`,
      `      net${(i + 1) % 20}: {}`,
      `    ports: ["127.0.0.1:${10000 + i}:8080"]`,
      `    expose: ["9000"]`,
      `    environment:`,
      `      UPSTREAM_URL: http://svc${(i + 1) % n}:8080/`,
      `      CACHE_HOST: alias${(i + 1) % n}`,
      `    depends_on: [svc${(i + 1) % n}]`,
    );
  }
  lines.push('networks:');
  for (let i = 0; i < 20; i++) lines.push(`  net${i}:`, '    ipam:', '      config:', `        - subnet: 10.${i}.0.0/16`);
  return lines.join('\n') + '\n';
}

/** A temporary directory holding the generated project of `n` services. */
function generatedProject(n: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netlint-bench-'));
  fs.writeFileSync(path.join(dir, 'compose.yaml'), generated(n));
  return dir;
}

function benchGenerated(n: number): void {
  const dir = generatedProject(n);
  const [project, load] = time(() => loadProject({ cwd: dir, env: {} }));
  const [, schema] = time(() => validateProject(project.root));
  const [graph, build] = time(() => buildGraph(project));
  const [findings, check] = time(() => runRules(graph, rules));
  const totals = [0, 1, 2, 3, 4].map(() => time(() => lintProject({ cwd: dir, env: {}, config: defaultConfig() }))[1]).sort((a, b) => a - b);
  console.log(
    `${String(n).padStart(5)} services: lint ${ms(totals[2])}, median of 5 (${ms(totals[0])}–${ms(totals[4])}); one run: load ${ms(load)}, schema ${ms(schema)}, graph ${ms(build)}, ${rules.length} rules ${ms(check)}; ${findings.length} findings`,
  );
}

const bin = path.join(__dirname, '..', 'dist', 'lib', 'cli', 'bin.js');
if (fs.existsSync(bin)) {
  const [, startup] = time(() => execFileSync(process.execPath, [bin, '--version']));
  console.log(`start-up (node dist/lib/cli/bin.js --version): ${ms(startup)}`);
}

/** The first lint in a fresh process, timed from after start-up (modules loaded): what a user of the CLI waits for. */
function benchFresh(n: number): void {
  if (!fs.existsSync(bin)) return;
  const dir = generatedProject(n);
  const lib = path.join(__dirname, '..', 'dist', 'lib', 'lint.js');
  const script = `const { lintProject } = require(${JSON.stringify(lib)}); const t = performance.now(); lintProject({ cwd: ${JSON.stringify(dir)}, env: {} }); console.log(performance.now() - t);`;
  const runs = [0, 1, 2].map(() => Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })));
  console.log(`${String(n).padStart(5)} services, first lint in a fresh process: ${ms(Math.min(...runs))} (best of 3; ${runs.map(ms).join(', ')})`);
}

const files = corpusFiles();
lintProject({ files: [files[0]], cwd: path.dirname(files[0]), env: {} }); // warm up: load the precompiled schema check
const corpus = loadCheck(files, FIXTURES);
const count = [...corpus.findings.values()].reduce((a, b) => a + b, 0);
console.log(`corpus: ${files.length} files from ${path.relative(process.cwd(), FIXTURES)} in ${ms(corpus.ms)} (${(corpus.ms / files.length).toFixed(1)} ms a file), ${count} findings`);
benchGenerated(500);
benchGenerated(2000);
benchGenerated(4000);
benchFresh(2000);
