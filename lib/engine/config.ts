import type Ajv2020 from 'ajv/dist/2020';
import { ajv2020 } from '../util/ajv';
import * as fs from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import type { Diagnostic, Severity } from '../source/diagnostic';
import { InputError } from '../source/diagnostic';
import { readText } from '../source/read';
import type { Span } from '../source/span';
import { at, entry, isMap, mapNode, toPlain, type Node } from '../source/tree';
import { parseYaml } from '../source/yaml';
import { didYouMean } from '../util/suggest';
import { buildConfigSchema } from './config-schema';
import { parseEngine, type EngineTarget } from '../model/engine-target';
import type { Rule } from './rule';
import { ruleOptions, type Level, type RuleSetting } from './run';

export const CONFIG_FILES = ['.compose-netlint.yaml', '.compose-netlint.yml', '.compose-netlint.json'];

export interface Config {
  /** the file it came from, as displayed, if any */
  file?: string;
  rules: Map<string, RuleSetting>;
  failOn: Severity;
  /** `engine:`: the engine the project is linted for, and where it is written (absent: --engine or the default) */
  engine?: { target: EngineTarget; span: Span };
  /** whether a displayed file name is ignored */
  ignored: (file: string) => boolean;
  diagnostics: Diagnostic[];
}

export function defaultConfig(): Config {
  return { rules: new Map(), failOn: 'error', ignored: () => false, diagnostics: [] };
}

/** The configuration file for a project directory: the nearest one upward, or package.json's "compose-netlint" key. */
export function findConfig(from: string): string | undefined {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    for (const name of CONFIG_FILES) if (fs.existsSync(path.join(dir, name))) return path.join(dir, name);
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      try {
        if (JSON.parse(readText(manifest, manifest, 'package manifest'))['compose-netlint'] !== undefined) return manifest;
      } catch {
        // an unreadable package.json (not JSON, not a regular file, too big) is not ours to report
      }
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Reads and validates a configuration file; problems become `config-error` findings at their position. */
export function loadConfig(file: string, cwd: string, rules: readonly Rule[]): Config {
  const shown = path.relative(cwd, file) || file;
  const text = readText(file, shown, 'configuration file');
  const parsed = parseYaml(shown, text);
  const config = defaultConfig();
  config.file = shown;
  for (const d of parsed.diagnostics) config.diagnostics.push({ ...d, ruleId: 'config-error' });
  let root: Node | undefined = parsed.documents[0];
  if (path.basename(file) === 'package.json') root = entry(root, 'compose-netlint')?.value;
  if (!root) return config;
  return applyConfig(config, root, path.dirname(file), cwd, rules, { file: shown, line: 1, column: 1, endLine: 1, endColumn: 1 });
}

/**
 * A configuration given as a value (the library API's `config`): the same keys and checks as a file, with
 * `ignore` patterns relative to `baseDir`. Throws InputError (code ECONFIG) naming the first mistake.
 */
export function configFromObject(value: unknown, baseDir: string, cwd: string, rules: readonly Rule[]): Config {
  const span: Span = { file: '<config>', line: 1, column: 1, endLine: 1, endColumn: 1 };
  const config = applyConfig(defaultConfig(), plainTree(value, span), baseDir, cwd, rules, span);
  if (config.diagnostics.length) throw new InputError(`invalid configuration: ${config.diagnostics[0].message}`, 'ECONFIG');
  return config;
}

/** Validates a configuration tree and fills in `config`; problems become `config-error` diagnostics at their position. */
function applyConfig(config: Config, root: Node, base: string, cwd: string, rules: readonly Rule[], fileStart: Span): Config {
  const errors = validateConfig(root, rules, fileStart);
  for (const e of errors) config.diagnostics.push(e);
  if (errors.length) return config;
  const plain = toPlain(root) as { rules?: Record<string, Level | [Level, Record<string, unknown>?]>; failOn?: Severity; ignore?: string[]; engine?: string };
  for (const [id, value] of Object.entries(plain.rules ?? {})) {
    const [level, options] = Array.isArray(value) ? value : [value];
    const rule = rules.find((r) => r.id === id)!;
    const checked = ruleOptions(rule, options);
    if (checked.error) {
      config.diagnostics.push({ ruleId: 'config-error', severity: 'error', message: checked.error, span: at(root, ['rules', id])?.span ?? fileStart });
      continue;
    }
    config.rules.set(id, { level, options });
  }
  if (plain.failOn) config.failOn = plain.failOn;
  if (plain.engine !== undefined) {
    const span = at(root, ['engine'])?.span ?? fileStart;
    try {
      config.engine = { target: parseEngine(plain.engine, '"engine"'), span };
    } catch (error) {
      config.diagnostics.push({ ruleId: 'config-error', severity: 'error', message: (error as Error).message, span });
    }
  }
  if (plain.ignore?.length) {
    // picomatch throws (a TypeError or SyntaxError) on a pattern it cannot compile, such as one over 65,536 characters
    const matchers = plain.ignore.flatMap((pattern, i) => {
      const shown = JSON.stringify(pattern.length > 60 ? `${pattern.slice(0, 60)}…` : pattern);
      const problem = (message: string): [] => {
        config.diagnostics.push({ ruleId: 'config-error', severity: 'error', message, span: at(root, ['ignore', i])?.span ?? fileStart });
        return [];
      };
      if (maxWildcards(pattern) > MAX_IGNORE_WILDCARDS) {
        return problem(`"ignore" pattern ${shown} has more than ${MAX_IGNORE_WILDCARDS} "*" in one path segment; matching it could take minutes. use fewer`);
      }
      try {
        // extglobs (+(a|aa), *(…)) are read literally: nested, picomatch's regular expression backtracks exponentially
        return [picomatch(pattern, { dot: true, noextglob: true })];
      } catch (error) {
        return problem(`"ignore" pattern ${shown} cannot be read as a glob (picomatch: ${(error as Error).message}); fix or remove it`);
      }
    });
    config.ignored = (displayed) => {
      const relative = path.relative(base, path.resolve(cwd, displayed)).split(path.sep).join('/');
      return matchers.some((match) => match(relative));
    };
  }
  return config;
}

/**
 * Not a picomatch limit: each "*" in a path segment becomes a lazy `[^/]*?` in picomatch's regular
 * expression, and k of them against a name of n characters that does not match take about n^k steps
 * (4 on a 255-character name: about a second per file). "**" as a whole segment counts as none.
 */
const MAX_IGNORE_WILDCARDS = 3;

function maxWildcards(pattern: string): number {
  return Math.max(...pattern.split('/').map((segment) => (segment === '**' ? 0 : (segment.match(/\*+/g) ?? []).length)));
}

/** A plain value as a located tree where every node has `span`, so a value is validated as a file is. */
function plainTree(value: unknown, span: Span): Node {
  if (Array.isArray(value)) return { kind: 'seq', span, items: value.map((v) => plainTree(v, span)) };
  if (value !== null && typeof value === 'object') {
    return mapNode(
      span,
      Object.entries(value).map(([key, v]) => ({ key, keySpan: span, value: plainTree(v, span) })),
    );
  }
  const scalar = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : null;
  return { kind: 'scalar', span, value: scalar };
}

let validator: ReturnType<Ajv2020['compile']> | undefined;
let validatorRules: readonly Rule[] | undefined;

function validateConfig(root: Node, rules: readonly Rule[], fallback: Span): Diagnostic[] {
  if (!validator || validatorRules !== rules) {
    validator = new (ajv2020())({ allErrors: true, strict: false }).compile(buildConfigSchema(rules));
    validatorRules = rules;
  }
  if (validator(toPlain(root))) return [];
  const byPath = new Map<string, Diagnostic>();
  for (const error of validator.errors ?? []) {
    const segments = error.instancePath
      .split('/')
      .slice(1)
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    const node = at(
      root,
      segments.map((s) => (/^\d+$/.test(s) && !isMap(at(root, segments.slice(0, segments.indexOf(s)))) ? Number(s) : s)),
    );
    const where = segments.length ? `"${segments.join('.')}"` : 'the configuration';
    let message: string;
    let span = node?.span ?? fallback;
    if (error.keyword === 'additionalProperties') {
      const key = (error.params as { additionalProperty: string }).additionalProperty;
      span = entry(node, key)?.keySpan ?? span;
      const known = segments[0] === 'rules' ? rules.map((r) => r.id) : ['engine', 'failOn', 'ignore', 'rules'];
      message = segments[0] === 'rules' ? `unknown rule "${key}"${didYouMean(key, known)}` : `unknown key "${key}" in the configuration${didYouMean(key, known)}`;
    } else if (segments[0] === 'rules' && segments.length >= 2) {
      message = `rule "${segments[1]}" must be off, info, warning or error, or [level, options]`;
    } else if (error.keyword === 'enum') {
      message = `${where} must be one of ${(error.params as { allowedValues: string[] }).allowedValues.join(', ')}`;
    } else {
      message = `${where} ${error.message}`;
    }
    const key = segments.slice(0, 2).join('/') + (error.keyword === 'additionalProperties' ? `#${message}` : '');
    if (!byPath.has(key)) byPath.set(key, { ruleId: 'config-error', severity: 'error', message, span });
  }
  return [...byPath.values()];
}

/** `--rule id=level` overrides from the command line. */
export function parseRuleOverrides(values: string[], rules: readonly Rule[]): Map<string, Level> {
  const out = new Map<string, Level>();
  for (const value of values) {
    const match = /^([a-z0-9-]+)=(off|info|warning|error)$/.exec(value);
    if (!match) throw new InputError(`--rule needs id=off|info|warning|error, not "${value}"`);
    if (!rules.some((r) => r.id === match[1]))
      throw new InputError(
        `--rule: unknown rule "${match[1]}"${didYouMean(
          match[1],
          rules.map((r) => r.id),
        )}`,
      );
    out.set(match[1], match[2] as Level);
  }
  return out;
}
