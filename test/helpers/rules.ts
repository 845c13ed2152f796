import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultConfig } from '../../lib/engine/config';
import type { Finding } from '../../lib/engine/finding';
import type { Rule } from '../../lib/engine/rule';
import { lintProject } from '../../lib/lint';
import { parseEngine, type EngineTarget } from '../../lib/model/engine-target';

export const ROOT = path.resolve(__dirname, '..', '..');

/** One golden line per finding: `file:line:col-endLine:endCol: severity: message`, related locations indented below. */
export function goldenLines(findings: Finding[]): string {
  return findings
    .map((f) => {
      const lines = [`${f.file}:${f.line}:${f.column}-${f.endLine}:${f.endColumn}: ${f.severity}: ${f.message}`];
      for (const r of f.related ?? []) lines.push(`  related ${r.file}:${r.line}:${r.column}-${r.endLine}:${r.endColumn}: ${r.message}`);
      return lines.join('\n');
    })
    .join('\n');
}

/**
 * Lints a fixture (a Compose file, or a directory holding a project) with only `rule` on; `compose-mode` in its name
 * forces compose mode, and an engine target in its name (`…docker@20.10…`, `…podman@5.2…`) lints for that engine
 * (default: DEFAULT_ENGINE, the newest Docker release known).
 */
export function lintFixture(fixture: string, rule: Rule, mode: 'compose' | 'stack' | 'auto' = fixtureMode(fixture)): Finding[] {
  const { findings } = lintProject({ target: fixture, cwd: path.dirname(fixture), env: {}, rules: [rule], config: defaultConfig(), mode, engine: fixtureEngine(fixture) });
  return findings;
}

/** The engine target a fixture's name carries (`no-subnet.docker@29.0.yaml`), if any. */
export function fixtureEngine(fixture: string): EngineTarget | undefined {
  const match = /(?:docker|podman)@\d+\.\d+(?:\.\d+)?(?:\+[a-z]+)*/.exec(path.basename(fixture).replace(/\.ya?ml$/, ''));
  return match ? parseEngine(match[0]) : undefined;
}

/** A fixture named `…compose-mode…` or `…stack-mode…` is linted in that mode (as --mode would), any other in auto mode. */
function fixtureMode(fixture: string): 'compose' | 'stack' | 'auto' {
  const name = path.basename(fixture);
  return /compose-mode/.test(name) ? 'compose' : /stack-mode/.test(name) ? 'stack' : 'auto';
}

/** Lints one YAML text as `name` in a fresh directory with only `rule` on. */
export function lintText(text: string, rule: Rule, name: string): Finding[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netlint-doc-'));
  fs.writeFileSync(path.join(dir, name), text);
  // a compose-only rule's examples are plain Compose: linted as such, an overlay in them draws no ambiguous-mode note
  return lintFixture(path.join(dir, name), rule, rule.modes?.length === 1 && rule.modes[0] === 'compose' ? 'compose' : 'auto');
}

export interface DocExample {
  section: 'Incorrect' | 'Correct';
  yaml: string;
  /** the ```text block right after an Incorrect example, if any */
  output?: { text: string; start: number; end: number };
}

/** The yaml examples under "## Incorrect" and "## Correct" of a rule doc. */
export function docExamples(markdown: string): DocExample[] {
  const out: DocExample[] = [];
  const fence = /^## (Incorrect|Correct)\s*$|^```yaml\n([\s\S]*?)^```\n(?:\s*^```text\n([\s\S]*?)^```\n)?/gm;
  let section: DocExample['section'] | undefined;
  for (const m of markdown.matchAll(fence)) {
    if (m[1]) {
      section = m[1] as DocExample['section'];
      continue;
    }
    if (!section) continue;
    const example: DocExample = { section, yaml: m[2] };
    if (m[3] !== undefined) {
      const start = m.index! + m[0].indexOf('```text\n') + '```text\n'.length;
      example.output = { text: m[3], start, end: start + m[3].length };
    }
    out.push(example);
  }
  return out;
}

/** The file name a doc example is linted as: a stack file for stack-only rules. */
export function exampleFileName(rule: Rule): string {
  return rule.modes?.length === 1 && rule.modes[0] === 'stack' ? 'docker-stack.yml' : 'compose.yaml';
}

export function docOutput(findings: Finding[]): string {
  return findings.map((f) => `${f.file}:${f.line}:${f.column}: ${f.severity}: ${f.message} [${f.ruleId}]\n`).join('');
}
