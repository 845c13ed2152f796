// `npm run bench:hostile`: lints hostile shapes of input (each at two sizes, the second twice the
// first) and prints the time of each, so that a pass that is not linear shows as a ratio near 4
// instead of 2. Shapes that a guard stops (doubling, deep nesting, alias bombs) show the guard's
// cost, which must not grow with the input past the guard. A script, not a test: the regression
// tests assert only generous bounds. Options: `--only NAME` (repeatable, substring), `--scale X`.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { defaultConfig } from '../lib/engine/config';
import { lintProject } from '../lib/lint';
import { formatters } from '../lib/report';

interface Shape {
  name: string;
  /** what the shape attacks */
  about: string;
  /** the smaller size; the second run uses twice as much */
  size: number;
  /** the project's files (relative path -> text) for size n; the Compose file is compose.yaml */
  files: (n: number) => Record<string, string>;
  /** a formatter to time after linting, if the shape is about a report */
  format?: string;
}

const service = (body: string): string => `services:\n  app:\n    image: x\n${body}`;
/** `n` services, each attached to a network nobody declares: n findings */
const findings = (n: number): string => 'services:\n' + Array.from({ length: n }, (_, i) => `  s${i}:\n    image: x\n    networks: [missing${i}]\n`).join('');

/** `n` services s0…s(n-1), each but the last pointing at the next with `key(next)` */
const chain = (n: number, key: (next: string) => string): string => 'services:\n' + Array.from({ length: n }, (_, i) => `  s${i}:\n    image: x\n${i + 1 < n ? `    ${key(`s${i + 1}`)}\n` : ''}`).join('');

const SHAPES: Shape[] = [
  { name: 'url-scheme-run', about: 'a value of "a." repeated, then ":" (URL regex)', size: 32_000, files: (n) => ({ 'compose.yaml': service(`    environment:\n      A: "${'a.'.repeat(n)}:"\n`) }) },
  { name: 'host-port-pairs', about: 'a command of n "h:1" pairs (reference scan)', size: 20_000, files: (n) => ({ 'compose.yaml': service(`    command: "${Array.from({ length: n }, (_, i) => `h${i}:1`).join(' ')}"\n`) }) },
  { name: 'unclosed-interpolation', about: 'n unclosed "${A:-x " on one line', size: 8_000, files: (n) => ({ 'compose.yaml': service(`    command: '${'${A:-x '.repeat(n)}'\n`) }) },
  { name: 'closed-interpolation-run', about: 'n "${A-}" on one line', size: 8_000, files: (n) => ({ 'compose.yaml': service(`    command: '${'${A-}'.repeat(n)}'\n`) }) },
  { name: 'required-message-spaces', about: '"${A?" then n spaces (message clean-up)', size: 50_000, files: (n) => ({ 'compose.yaml': service(`    command: '\${A?${' '.repeat(n)}x}'\n`) }) },
  { name: 'required-message-dots', about: '"${A?" then n dots and "x" (message clean-up)', size: 50_000, files: (n) => ({ 'compose.yaml': service(`    command: '\${A?${'.'.repeat(n)}x}'\n`) }) },
  { name: 'dotenv-unterminated-quote', about: '.env: an unterminated quote before n lines', size: 8_000, files: (n) => ({ 'compose.yaml': service(''), '.env': `A="x\n${'B=1\n'.repeat(n)}` }) },
  {
    name: 'dotenv-doubling',
    about: '.env: V{i}=${V{i-1}}${V{i-1}} (stopped by the expansion bound)',
    size: 40,
    files: (n) => ({ 'compose.yaml': service(''), '.env': 'V0=x\n' + Array.from({ length: n }, (_, i) => `V${i + 1}=\${V${i}}\${V${i}}\n`).join('') }),
  },
  {
    name: 'compose-fan-out',
    about: 'a 4 KiB variable used n times (stopped by the expansion bound)',
    size: 4_000,
    files: (n) => ({ 'compose.yaml': service(`    environment:\n${Array.from({ length: n }, (_, i) => `      V${i}: \${BIG}\n`).join('')}`), '.env': `BIG=${'x'.repeat(4096)}\n` }),
  },
  { name: 'suppression-comments', about: 'n suppression comments on one line ended by a lone CR', size: 4_000, files: (n) => ({ 'compose.yaml': service(`    command: x ${'#compose-netlint-disable '.repeat(n)}\r\n`) }) },
  { name: 'deep-flow-nesting', about: 'n nested "[" (stopped by the nesting bound)', size: 20_000, files: (n) => ({ 'compose.yaml': service(`    command: ${'['.repeat(n)}1${']'.repeat(n)}\n`) }) },
  { name: 'deep-block-nesting', about: 'n nested "- " (stopped by the nesting bound)', size: 20_000, files: (n) => ({ 'compose.yaml': service(`    command:\n      ${'- '.repeat(n)}x\n`) }) },
  {
    name: 'alias-chain',
    about: 'n anchors, each a list holding the one before (stopped by the nesting bound)',
    size: 5_000,
    files: (n) => ({ 'compose.yaml': `x-0: &a0 [1]\n${Array.from({ length: n }, (_, i) => `x-${i + 1}: &a${i + 1} [*a${i}]\n`).join('')}${service('')}` }),
  },
  {
    name: 'alias-bomb',
    about: 'nested aliases doubling n times (stopped by the alias bound)',
    size: 30,
    files: (n) => ({ 'compose.yaml': `x-0: &a0 [x]\n${Array.from({ length: n }, (_, i) => `x-${i + 1}: &a${i + 1} [*a${i}, *a${i}]\n`).join('')}${service('')}` }),
  },
  {
    name: 'extends-chain',
    about: 'n services, each extending the next (stopped by the chain bound)',
    size: 2_000,
    files: (n) => ({ 'compose.yaml': 'services:\n' + Array.from({ length: n }, (_, i) => `  s${i}:\n    extends: s${i + 1}\n`).join('') + `  s${n}:\n    image: x\n` }),
  },
  {
    name: 'include-diamond',
    about: 'n files, each including the next twice',
    size: 10,
    files: (n) =>
      Object.fromEntries([
        ['compose.yaml', 'include: [f1.yaml, f1.yaml]\nservices:\n  app:\n    image: x\n'],
        ...Array.from({ length: n }, (_, i) => [`f${i + 1}.yaml`, i + 1 < n ? `include: [f${i + 2}.yaml, f${i + 2}.yaml]\n` : 'services:\n  leaf:\n    image: x\n']),
      ]),
  },
  { name: 'many-documents', about: 'n YAML documents in one file', size: 5_000, files: (n) => ({ 'compose.yaml': service('') + `---\nservices:\n  app:\n    image: x\n`.repeat(n) }) },
  { name: 'many-schema-errors', about: 'n services with an unknown key each', size: 2_000, files: (n) => ({ 'compose.yaml': 'services:\n' + Array.from({ length: n }, (_, i) => `  s${i}:\n    image: x\n    bogus${i}: 1\n`).join('') }) },
  {
    name: 'many-composite-schema-errors',
    about: 'n services with a value no branch of a oneOf accepts',
    size: 1_000,
    files: (n) => ({ 'compose.yaml': 'services:\n' + Array.from({ length: n }, (_, i) => `  s${i}:\n    image: x\n    networks: 1\n    ports: [{}]\n`).join('') }),
  },
  { name: 'port-ranges', about: 'n services publishing "1-65535:1-65535"', size: 50, files: (n) => ({ 'compose.yaml': 'services:\n' + Array.from({ length: n }, (_, i) => `  s${i}:\n    image: x\n    ports: ["1-65535:1-65535"]\n`).join('') }) },
  { name: 'same-host-port', about: 'n services publishing host port 8080', size: 2_000, files: (n) => ({ 'compose.yaml': 'services:\n' + Array.from({ length: n }, (_, i) => `  s${i}:\n    image: x\n    ports: ["8080:80"]\n`).join('') }) },
  { name: 'depends-on-chain', about: 'n services, each depending on the next (start order)', size: 5_000, files: (n) => ({ 'compose.yaml': chain(n, (next) => `depends_on: [${next}]`) }) },
  { name: 'links-chain', about: 'n services, each linking to the next', size: 5_000, files: (n) => ({ 'compose.yaml': chain(n, (next) => `links: [${next}]`) }) },
  {
    name: 'loopback-ranges',
    about: "n services, each exposing a port range and calling localhost at a port of the next one's",
    size: 4_000,
    files: (n) => ({
      'compose.yaml': 'services:\n' + Array.from({ length: n }, (_, i) => `  s${i}:\n    image: x\n    expose: ["${1024 + 4 * i}-${1025 + 4 * i}"]\n    environment: {API_URL: "http://localhost:${1029 + 4 * i}"}\n`).join(''),
    }),
  },
  { name: 'network-mode-chain', about: 'n services, each joining the namespace of the next', size: 2_000, files: (n) => ({ 'compose.yaml': chain(n, (next) => `network_mode: "service:${next}"`) }) },
  {
    name: 'same-subnet',
    about: 'n networks with one subnet',
    size: 1_000,
    files: (n) => ({ 'compose.yaml': 'services:\n  app:\n    image: x\nnetworks:\n' + Array.from({ length: n }, (_, i) => `  n${i}:\n    ipam:\n      config: [{subnet: 10.0.0.0/16}]\n`).join('') }),
  },
  {
    name: 'same-alias',
    about: 'n services on one network with one alias',
    size: 2_000,
    files: (n) => ({ 'compose.yaml': 'services:\n' + Array.from({ length: n }, (_, i) => `  s${i}:\n    image: x\n    networks: {net: {aliases: [same]}}\n`).join('') + 'networks:\n  net: {}\n' }),
  },
  {
    name: 'same-static-ip',
    about: 'n services with one static address',
    size: 2_000,
    files: (n) => ({ 'compose.yaml': 'services:\n' + Array.from({ length: n }, (_, i) => `  s${i}:\n    image: x\n    networks: {net: {ipv4_address: 10.0.0.5}}\n`).join('') + 'networks:\n  net:\n    ipam:\n      config: [{subnet: 10.0.0.0/16}]\n' }),
  },
  {
    name: 'many-references',
    about: '50 services, one naming the others n times in its command',
    size: 20_000,
    files: (n) => ({ 'compose.yaml': 'services:\n' + Array.from({ length: 50 }, (_, i) => `  s${i}:\n    image: x\n`).join('') + `  caller:\n    image: x\n    command: "${Array.from({ length: n }, (_, j) => `s${j % 50}:80`).join(' ')}"\n` }),
  },
  {
    name: 'undefined-among-many',
    about: 'n declared networks and n services on an undeclared one (suggestions, lists)',
    size: 1_000,
    files: (n) => ({ 'compose.yaml': 'services:\n' + Array.from({ length: n }, (_, i) => `  s${i}:\n    image: x\n    networks: [missing${i}]\n`).join('') + 'networks:\n' + Array.from({ length: n }, (_, i) => `  net${i}: {}\n`).join('') }),
  },
  {
    name: 'extends-missing',
    about: 'n services extending one that does not exist (lists)',
    size: 1_000,
    files: (n) => ({ 'compose.yaml': 'services:\n' + Array.from({ length: n }, (_, i) => `  s${i}:\n    image: x\n    extends: nope\n`).join('') }),
  },
  { name: 'long-unknown-keys', about: 'unknown keys of n characters (suggestions)', size: 20_000, files: (n) => ({ 'compose.yaml': service(`    ${'k'.repeat(n)}a: 1\n    ${'k'.repeat(n)}b: 1\n`) }) },
  { name: 'duplicate-keys', about: 'one key repeated n times', size: 5_000, files: (n) => ({ 'compose.yaml': service('') + '    x-a: 1\n'.repeat(n) }) },
  {
    name: 'suppressed-findings',
    about: 'n findings, each under a suppression comment',
    size: 2_000,
    files: (n) => ({ 'compose.yaml': 'services:\n' + Array.from({ length: n }, (_, i) => `  s${i}:\n    image: x\n    # compose-netlint-disable-next-line no-undefined-network -- bench\n    networks: [missing${i}]\n`).join('') }),
  },
  ...['stylish', 'compact', 'json', 'sarif', 'junit', 'github', 'codeclimate'].map((format) => ({
    name: `findings-${format}`,
    about: `n findings written as ${format}`,
    size: 5_000,
    files: (n: number) => ({ 'compose.yaml': findings(n) }),
    format,
  })),
];

function argValues(flag: string): string[] {
  const out: string[] = [];
  process.argv.forEach((a, i) => a === flag && process.argv[i + 1] !== undefined && out.push(process.argv[i + 1]));
  return out;
}

/** Lints the shape at size n in a fresh directory and returns the milliseconds of lint plus report. */
function runOnce(shape: Shape, n: number): { ms: number; findings: number; bytes: number } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netlint-hostile-'));
  try {
    let bytes = 0;
    for (const [name, text] of Object.entries(shape.files(n))) {
      fs.writeFileSync(path.join(dir, name), text);
      bytes += Buffer.byteLength(text);
    }
    const start = performance.now();
    const result = lintProject({ cwd: dir, env: {}, config: defaultConfig() });
    if (shape.format) {
      formatters[shape.format]({ findings: result.findings, sources: result.project.sources, projects: [], color: false, toolVersion: '0', exitCode: 0 });
    }
    return { ms: performance.now() - start, findings: result.findings.length, bytes };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const only = argValues('--only');
const scale = Number(argValues('--scale')[0] ?? 1);
const kib = (bytes: number): string => (bytes < 10_240 ? `${bytes} B` : `${(bytes / 1024).toFixed(0)} KiB`);
runOnce(SHAPES[0], 10); // warm up: load the precompiled schema check
console.log('shape                        size 1: time (input)        size 2: time (input)       ratio  findings');
for (const shape of SHAPES.filter((s) => only.length === 0 || only.some((o) => s.name.includes(o)))) {
  const n = Math.max(1, Math.round(shape.size * scale));
  // best of three at each size: the first run of a shape also pays for the JIT
  const best = (size: number) => [0, 1, 2].map(() => runOnce(shape, size)).reduce((a, b) => (b.ms < a.ms ? b : a));
  const small = best(n);
  const large = best(2 * n);
  const cell = (r: { ms: number; bytes: number }) => `${r.ms.toFixed(0).padStart(6)} ms (${kib(r.bytes)})`.padEnd(26);
  console.log(`${shape.name.padEnd(28)} ${cell(small)} ${cell(large)} ${(large.ms / Math.max(small.ms, 0.5)).toFixed(1).padStart(5)}  ${large.findings}`);
}
console.log('\nratio: time at size 2 / time at size 1 (2.0 is linear; 4.0 is quadratic; near 1 means a guard stopped the input)');
