// `npm run bench`: lints the vendored real-world files (test/fixtures) in one process and generated
// projects of 500, 2,000 and 4,000 services with every rule on, and prints where the time goes; then
// the first lint of 2,000 services in a fresh process, before the JIT has warmed up; start-up on a
// 10-line file, and the memory and garbage collection of a lint of 10,000 services, each next to its
// goal (issue 17). A script, not a test.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
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
    );
    // a chain, not a ring: Compose refuses a dependency cycle
    if (i + 1 < n) lines.push(`    depends_on: [svc${i + 1}]`);
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

/** The goals of issue 17 (start-up: the CPU time it measured before lazy loading), each printed next to what was measured. */
const GOALS = { startupCpuMs: 400, peakOverDocuments: 1.3, gcShare: 0.1 };

/** A preload that prints the process's CPU time (user + system, ms) at exit, on stderr. */
function cpuHook(): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'netlint-bench-')), 'cpu.cjs');
  fs.writeFileSync(file, "process.on('exit', () => { const u = process.cpuUsage(); process.stderr.write('[cpu] ' + (u.user + u.system) / 1000 + '\\n'); });\n");
  return file;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** `times` whole CLI runs with `args`, each with its wall time and the process's CPU time (ms), stdout and stderr. */
function cliRuns(times: number, args: string[], cwd?: string): { wall: number; cpu: number; stdout: string; stderr: string }[] {
  const hook = cpuHook();
  return Array.from({ length: times }, () => {
    const started = performance.now();
    const r = spawnSync(process.execPath, ['--require', hook, bin, ...args], { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
    return { wall: performance.now() - started, cpu: Number(/\[cpu\] ([\d.]+)/.exec(r.stderr)?.[1]), stdout: r.stdout, stderr: r.stderr };
  });
}

/** Start-up as a user of the CLI or a pre-commit hook pays it: a whole run on a valid 10-line file (CPU time and wall time, median of 9). */
function benchStartup(): void {
  if (!fs.existsSync(bin)) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netlint-bench-'));
  const lines = ['services:', '  web:', '    image: nginx:1.25', '    ports: ["127.0.0.1:8080:80"]', '    networks: [front]', '  db:', '    image: postgres:16', '    networks: [front]', 'networks:', '  front: {}'];
  fs.writeFileSync(path.join(dir, 'compose.yaml'), lines.join('\n') + '\n');
  const runs = cliRuns(9, ['compose.yaml'], dir);
  const cpu = median(runs.map((r) => r.cpu));
  console.log(
    `start-up, lint of a valid 10-line file: ${ms(cpu)} CPU, ${ms(median(runs.map((r) => r.wall)))} wall (median of 9); issue 17 measured ${GOALS.startupCpuMs} ms CPU with every module loaded: ${cpu < GOALS.startupCpuMs ? 'less' : 'NOT less'}`,
  );
}

/**
 * Many files in one call, as a pre-commit hook passes every changed file: one CLI run over every vendored file and
 * one path that does not exist, which is reported as that path's error while the others are linted (CPU and wall
 * time, median of 3).
 */
function benchMany(): void {
  if (!fs.existsSync(bin)) return;
  const files = [...corpusFiles(), path.join(FIXTURES, 'no-such-file.yaml')];
  const runs = cliRuns(3, ['--format', 'compact', ...files]);
  const wall = median(runs.map((r) => r.wall));
  const findings = runs[0].stdout.split('\n').filter(Boolean).length;
  const reported = runs.every((r) => r.stderr.includes('no-such-file.yaml: no such file'));
  console.log(
    `many files in one call: ${files.length} paths (one missing) in ${ms(wall)} wall, ${ms(median(runs.map((r) => r.cpu)))} CPU (median of 3; ${(wall / files.length).toFixed(1)} ms a file), ${findings} findings; the missing path ${reported ? 'reported, the others linted' : 'NOT reported'}`,
  );
}

/**
 * Memory of a lint of `n` generated services, in fresh processes: the heap the `yaml` library's parsed
 * documents of the file keep (parseAllDocuments with merge keys, after a full GC), against the lint's
 * peak resident memory (`maxRSS`, the whole process), and the share of the lint's wall time spent in
 * garbage collection (perf_hooks 'gc' entries), next to the same share for the parse alone: the floor.
 */
function benchMemory(n: number): void {
  const dir = generatedProject(n);
  const file = path.join(dir, 'compose.yaml');
  const dist = path.join(__dirname, '..', 'dist', 'lib');
  const documents = `const { PerformanceObserver, performance } = require('perf_hooks');
    const yaml = require(${JSON.stringify(require.resolve('yaml'))}); const text = require('fs').readFileSync(${JSON.stringify(file)}, 'utf8');
    let gcMs = 0;
    const observer = new PerformanceObserver((list) => { for (const e of list.getEntries()) gcMs += e.duration; });
    gc(); const before = process.memoryUsage().heapUsed;
    observer.observe({ entryTypes: ['gc'] });
    const started = performance.now(); const docs = yaml.parseAllDocuments(text, { merge: true }); const wall = performance.now() - started;
    // 'gc' entries arrive asynchronously: collect them before the forced GC that measures the documents
    setTimeout(() => { for (const e of observer.takeRecords()) gcMs += e.duration; observer.disconnect(); gc();
      console.log(JSON.stringify({ bytes: process.memoryUsage().heapUsed - before, peakRss: process.resourceUsage().maxRSS * 1024, count: docs.length, wall, gcMs })); }, 200);`;
  const lint = `const { PerformanceObserver, performance } = require('perf_hooks');
    const { lintProject } = require(${JSON.stringify(path.join(dist, 'lint.js'))});
    let gcMs = 0;
    const observer = new PerformanceObserver((list) => { for (const e of list.getEntries()) gcMs += e.duration; });
    observer.observe({ entryTypes: ['gc'] });
    gc(); const baseRss = process.memoryUsage().rss;
    const started = performance.now();
    const result = lintProject({ cwd: ${JSON.stringify(dir)}, env: {} });
    const wall = performance.now() - started;
    // 'gc' entries arrive asynchronously: collect the last ones before reading the sum
    setTimeout(() => { for (const e of observer.takeRecords()) gcMs += e.duration; observer.disconnect(); console.log(JSON.stringify({ wall, gcMs, peakRss: process.resourceUsage().maxRSS * 1024, baseRss, findings: result.findings.length })); }, 200);`;
  const node = (script: string): Record<string, number> =>
    JSON.parse(
      execFileSync(process.execPath, ['--expose-gc', '-e', script], { encoding: 'utf8', maxBuffer: 1 << 20 })
        .trim()
        .split('\n')
        .pop()!,
    );
  // the part of parsing lint cannot skip: the library's Lexer and Parser building the CST (with the plain-env stand-in parseYaml uses)
  const cst = `const { PerformanceObserver, performance } = require('perf_hooks');
    const yaml = require(${JSON.stringify(require.resolve('yaml'))}); const text = require('fs').readFileSync(${JSON.stringify(file)}, 'utf8');
    let gcMs = 0;
    const observer = new PerformanceObserver((list) => { for (const e of list.getEntries()) gcMs += e.duration; });
    observer.observe({ entryTypes: ['gc'] });
    const env = process.env; process.env = {};
    const started = performance.now(); const tokens = Array.from(new yaml.Parser().parse(text)); const wall = performance.now() - started;
    process.env = env;
    setTimeout(() => { for (const e of observer.takeRecords()) gcMs += e.duration; observer.disconnect(); console.log(JSON.stringify({ wall, gcMs, count: tokens.length })); }, 200);`;
  const docs = node(documents);
  const tokens = node(cst);
  const run = node(lint);
  const mib = (b: number): string => `${(b / 1048576).toFixed(0)} MiB`;
  // the floor: a process that only reads the file and parses it into the yaml library's documents
  const ratio = run.peakRss / docs.peakRss;
  const gcShare = run.gcMs / run.wall;
  console.log(
    `${String(n).padStart(5)} services (${fs.statSync(file).size >> 10} KiB of YAML), memory: parsing alone peaks at ${mib(docs.peakRss)} RSS (the documents keep ${mib(docs.bytes)} of heap); lint peaks at ${mib(run.peakRss)} RSS (${mib(run.baseRss)} at start), ${ratio.toFixed(2)}× parsing alone, goal ≤ ${GOALS.peakOverDocuments}×: ${ratio <= GOALS.peakOverDocuments ? 'met' : 'MISSED'}; ` +
      `GC ${ms(run.gcMs)} of ${ms(run.wall)} (${(gcShare * 100).toFixed(0)} %), goal < ${GOALS.gcShare * 100} %: ${gcShare < GOALS.gcShare ? 'met' : 'MISSED'} ` +
      `(parsing alone: GC ${ms(docs.gcMs)} of ${ms(docs.wall)}, ${((docs.gcMs / docs.wall) * 100).toFixed(0)} %; the library's Lexer and Parser alone, which lint cannot skip: GC ${ms(tokens.gcMs)} of ${ms(tokens.wall)}, ${((tokens.gcMs / run.wall) * 100).toFixed(0)} % of the lint's time)`,
  );
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

// `--only corpus,generated,fresh,startup,many,memory` runs those parts alone
const only = parseArgs({ options: { only: { type: 'string' } } }).values.only?.split(',');
const part = (name: string): boolean => !only || only.includes(name);
if (part('corpus')) {
  const files = corpusFiles();
  lintProject({ files: [files[0]], cwd: path.dirname(files[0]), env: {} }); // warm up: load the precompiled schema check
  const corpus = loadCheck(files, FIXTURES);
  const count = [...corpus.findings.values()].reduce((a, b) => a + b, 0);
  console.log(`corpus: ${files.length} files from ${path.relative(process.cwd(), FIXTURES)} in ${ms(corpus.ms)} (${(corpus.ms / files.length).toFixed(1)} ms a file), ${count} findings`);
}
if (part('generated')) for (const n of [500, 2000, 4000]) benchGenerated(n);
if (part('fresh')) benchFresh(2000);
if (part('startup')) benchStartup();
if (part('many')) benchMany();
if (part('memory')) benchMemory(10_000);
