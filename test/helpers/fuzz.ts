// The fuzzer of issue 11: mutated copies of the repository's own fixtures (test/rules/** and examples/),
// linted in process, some also through the CLI's run(). A case is a pure function of its seed.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { mersenne } from 'pure-rand/generator/mersenne';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { run } from '../../lib/cli/main';
import type { Finding } from '../../lib/engine/finding';
import { defaultConfig } from '../../lib/engine/config';
import { lintProject } from '../../lib/lint';
import { formatters } from '../../lib/report';
import { InputError } from '../../lib/source/diagnostic';
import { tempProject } from './project';

const ROOT = path.join(__dirname, '..', '..');

/** A project to mutate: its files by relative path, and the file to lint (the Compose file, or `undefined` for discovery). */
export interface Seedling {
  name: string;
  files: Record<string, string>;
  /** passed as `-f`: a fixture's own name decides the mode (`…stack.yml`) */
  composeFile?: string;
}

/** Every fixture of the rule tests (a file, or a project directory) and every example project, sorted by name. */
export function seedlings(): Seedling[] {
  const out: Seedling[] = [];
  const rules = path.join(ROOT, 'test', 'rules');
  for (const rule of fs.readdirSync(rules).sort()) {
    for (const kind of ['valid', 'invalid']) {
      const dir = path.join(rules, rule, kind);
      if (!fs.existsSync(dir)) continue;
      for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) out.push({ name: path.relative(ROOT, full), files: readTree(full) });
        else if (/\.ya?ml$/.test(entry.name)) out.push({ name: path.relative(ROOT, full), files: { [entry.name]: fs.readFileSync(full, 'utf8') }, composeFile: entry.name });
      }
    }
  }
  const examples = path.join(ROOT, 'examples');
  for (const name of fs.readdirSync(examples).sort()) out.push({ name: `examples/${name}`, files: readTree(path.join(examples, name)) });
  return out;
}

function readTree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (at: string): void => {
    for (const entry of fs.readdirSync(at, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else files[path.relative(dir, full)] = fs.readFileSync(full, 'utf8');
    }
  };
  walk(dir);
  return files;
}

/** Tokens that YAML, interpolation, merge keys and suppressions treat specially. */
const HOSTILE = [
  '${',
  '${A',
  '${A:-',
  '${A:?x}',
  '${A-${B:-${C}}}',
  '$$',
  '}',
  '<<: ',
  '<<: *a\n',
  '*a',
  '&a ',
  '&a [1]',
  '*a ',
  '"',
  "'",
  '\t',
  '\r',
  '\r\n',
  '\n',
  '\x00',
  '\x1b[2J',
  '\u2028',
  '\uFEFF',
  ': ',
  '- ',
  '? ',
  '---\n',
  '...\n',
  '#',
  ' #compose-netlint-disable no-undefined-network -- fuzz',
  '!reset ',
  '!override ',
  '!!binary ',
  '%YAML 1.1\n',
  '{',
  '}',
  '[',
  ']',
  ',',
  'services:',
  'networks:',
  'ipam:',
  'ports: ["1-65535:1-65535"]',
  'network_mode: service:',
  'extends: ',
  'include: ',
  'env_file: ',
  '10.0.0.0/8',
  '::/0',
  '0.0.0.0:80:80',
  '{<<: 1}: x\n',
  '? [a]\n: b\n',
  '*a : x',
  'k: &k v\n*k : w\n',
  '['.repeat(150),
  '{a: '.repeat(150),
  '- '.repeat(150),
  '['.repeat(3000),
  '- '.repeat(3000),
  'x'.repeat(300),
];

class Mutator {
  private readonly rng: RandomGenerator;
  readonly applied: string[] = [];

  constructor(seed: number) {
    this.rng = mersenne(seed);
  }

  int(max: number): number {
    return uniformInt(this.rng, 0, max - 1);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** One mutation of `text`; `other` is another fixture's text, for splicing. */
  mutate(text: string, other: string): string {
    const lines = text.split('\n');
    const at = this.int(text.length + 1);
    const line = this.int(lines.length);
    switch (this.int(7)) {
      case 0: {
        const char = String.fromCharCode(this.pick([this.int(32), 32 + this.int(95), 0x7f, 0xa0 + this.int(0x60), 0x2028, 0xfffd]));
        this.applied.push(`flip ${at} ${JSON.stringify(char)}`);
        return text.slice(0, at) + char + text.slice(at + 1);
      }
      case 1:
        this.applied.push(`delete line ${line + 1}`);
        return [...lines.slice(0, line), ...lines.slice(line + 1)].join('\n');
      case 2:
        this.applied.push(`duplicate line ${line + 1}`);
        return [...lines.slice(0, line + 1), ...lines.slice(line)].join('\n');
      case 3: {
        const from = other.split('\n');
        const start = this.int(from.length);
        const count = 1 + this.int(Math.min(8, from.length - start));
        this.applied.push(`splice ${count} lines at line ${line + 1}`);
        return [...lines.slice(0, line), ...from.slice(start, start + count), ...lines.slice(line)].join('\n');
      }
      case 4: {
        const indent = (lines[line].match(/^ */)?.[0] ?? '') + this.pick(['', '  ']);
        const token = this.pick(HOSTILE);
        this.applied.push(`line ${line + 1}: ${JSON.stringify(token.slice(0, 20))}`);
        return [...lines.slice(0, line), indent + token + this.pick(['', ' x', ': y', ' 1']), ...lines.slice(line)].join('\n');
      }
      default: {
        const token = this.pick(HOSTILE);
        this.applied.push(`insert ${at} ${JSON.stringify(token.slice(0, 20))}`);
        return text.slice(0, at) + token + text.slice(at);
      }
    }
  }
}

export interface FuzzCase {
  seed: number;
  base: string;
  mutations: string[];
  files: Record<string, string>;
  composeFile?: string;
}

/** The case of one seed: a fixture, and one to four mutations of one of its files (or of a new .env). */
export function fuzzCase(seed: number, all: readonly Seedling[]): FuzzCase {
  const m = new Mutator(seed);
  const base = all[m.int(all.length)];
  const files = { ...base.files };
  const rounds = 1 + m.int(4);
  for (let i = 0; i < rounds; i++) {
    const names = Object.keys(files).sort();
    const name = m.int(5) === 0 ? '.env' : m.pick(names);
    const other = Object.values(m.pick(all).files)[0] ?? '';
    files[name] = m.mutate(files[name] ?? (name === '.env' ? 'A=1\nB="${A}"\n' : ''), other);
  }
  return { seed, base: base.name, mutations: m.applied, files, composeFile: base.composeFile };
}

/** Per input, well past what a fixture-sized project takes (milliseconds): a hang or a super-linear pass shows. */
export const FUZZ_TIME_LIMIT_MS = 5000;

/**
 * Checks one case and returns what went wrong (empty when nothing did): lint must not throw anything
 * but an InputError, must give the same findings twice, in bounded time, with every position inside
 * its file; through the CLI (every fourth seed) the exit code is 0, 1 or 2 and stderr holds no internal error.
 */
export async function checkCase(c: FuzzCase): Promise<string[]> {
  const problems: string[] = [];
  const dir = tempProject(c.files);
  const options = { cwd: dir, env: {}, config: defaultConfig(), ...(c.composeFile ? { files: [c.composeFile] } : {}) };
  const lintOnce = (): { findings: Finding[]; sources: Map<string, string> } | undefined => {
    const start = performance.now();
    try {
      const result = lintProject(options);
      const ms = performance.now() - start;
      if (ms > FUZZ_TIME_LIMIT_MS) problems.push(`lint took ${ms.toFixed(0)} ms`);
      return { findings: result.findings, sources: result.project.sources };
    } catch (error) {
      if (!(error instanceof InputError)) problems.push(`lint threw ${(error as Error).name}: ${(error as Error).message}\n${(error as Error).stack}`);
      return undefined;
    }
  };
  const first = lintOnce();
  const second = lintOnce();
  if (first && second) {
    if (JSON.stringify(first.findings) !== JSON.stringify(second.findings)) problems.push('a second lint gave other findings');
    for (const f of first.findings) {
      for (const at of [f, ...(f.related ?? [])]) {
        const problem = outside(at, first.sources);
        if (problem) problems.push(`${f.ruleId} "${f.message.slice(0, 80)}": ${problem}`);
      }
    }
    for (const [name, format] of Object.entries(formatters)) {
      const input = { findings: first.findings, sources: first.sources, projects: [], color: false, toolVersion: '0', exitCode: 0 };
      try {
        if (format(input) !== format(input)) problems.push(`${name} output differs between two runs`);
      } catch (error) {
        problems.push(`${name} threw ${(error as Error).message}`);
      }
    }
  }
  if (c.seed % 4 === 0) {
    let stderr = '';
    const args = ['--format', 'json', '--format', 'sarif=out.sarif', ...(c.composeFile ? ['-f', c.composeFile] : [])];
    const code = await run(args, { stdout: () => undefined, stderr: (t) => (stderr += t), env: {}, cwd: dir, isTty: false });
    if (![0, 1, 2].includes(code)) problems.push(`the CLI exited ${code}`);
    if (/internal error/.test(stderr)) problems.push(`the CLI said: ${stderr.trim()}`);
    if (stderr.split('\n').filter(Boolean).length > 1) problems.push(`the CLI wrote more than one line to stderr: ${stderr}`);
  }
  fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  return problems;
}

/** Why a location is not inside its file (lines split on "\n"; columns up to the line's length + 1), or undefined. */
function outside(at: Pick<Finding, 'file' | 'line' | 'column' | 'endLine' | 'endColumn'>, sources: ReadonlyMap<string, string>): string | undefined {
  const text = sources.get(at.file);
  if (text === undefined) return undefined;
  const lines = text.split('\n');
  const where = `${at.file}:${at.line}:${at.column}-${at.endLine}:${at.endColumn}`;
  const fits = (line: number, column: number) => Number.isInteger(line) && Number.isInteger(column) && line >= 1 && line <= lines.length && column >= 1 && column <= lines[line - 1].length + 1;
  if (!fits(at.line, at.column)) return `${where} starts outside the file`;
  if (!fits(at.endLine, at.endColumn)) return `${where} ends outside the file`;
  if (at.endLine < at.line || (at.endLine === at.line && at.endColumn < at.column)) return `${where} ends before it starts`;
  return undefined;
}

/** "1-300" or "7" or "1-10,42" as a list of seeds. */
export function parseSeeds(text: string): number[] {
  return text.split(',').flatMap((part) => {
    const [from, to = from] = part.split('-').map(Number);
    if (!Number.isInteger(from) || !Number.isInteger(to) || to < from) throw new Error(`seeds must look like 1-300 or 1-10,42, not "${text}"`);
    return Array.from({ length: to - from + 1 }, (_, i) => from + i);
  });
}
