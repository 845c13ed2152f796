import { expect } from 'chai';
import { performance } from 'node:perf_hooks';
import { lint } from '../../lib';
import { InputError } from '../../lib/source/diagnostic';
import { applySuppressions } from '../../lib/engine/suppress';
import { lintProject } from '../../lib/lint';
import { tempProject } from '../helpers/project';

// Issue 11, items 6 and 11.
describe('engine: hostile configuration and comments', () => {
  const project = (config: string) => tempProject({ 'compose.yaml': 'services:\n  app:\n    image: x\n', '.compose-netlint.yaml': config });
  const found = (dir: string) => lintProject({ cwd: dir, env: {} }).findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.severity} ${f.message} [${f.ruleId}]`);

  it('an empty ignore pattern is a config-error at the pattern, not a picomatch TypeError', () => {
    expect(found(project('ignore: ["compose.yaml", ""]\n'))).to.deep.equal(['.compose-netlint.yaml:1:26 error "ignore.1" must NOT have fewer than 1 characters [config-error]']);
  });

  it('a pattern picomatch cannot compile is a config-error at the pattern', () => {
    const long = 'x'.repeat(70_000);
    expect(found(project(`ignore: ["${long}"]\n`))).to.deep.equal([
      `.compose-netlint.yaml:1:10 error "ignore" pattern "${'x'.repeat(60)}…" cannot be read as a glob (picomatch: Input length: 70000, exceeds maximum allowed length: 65536); fix or remove it [config-error]`,
    ]);
  });

  it('a pattern whose matching would backtrack for minutes is refused; extglobs are read literally', () => {
    expect(found(project('ignore: ["**/a*a*a*a*b"]\n'))).to.deep.equal(['.compose-netlint.yaml:1:10 error "ignore" pattern "**/a*a*a*a*b" has more than 3 "*" in one path segment; matching it could take minutes. use fewer [config-error]']);
    // read as an extglob, "+(a|aa)+(a|aa)+(a|aa)b" took 11 s against a name of 30 "a"
    const name = `${'a'.repeat(30)}.yaml`;
    const dir = tempProject({ [name]: 'services:\n  app:\n    image: x\n    networks: [missing]\n', '.compose-netlint.yaml': 'ignore: ["+(a|aa)+(a|aa)+(a|aa)b"]\n' });
    const start = performance.now();
    const result = lintProject({ cwd: dir, env: {}, files: [name] });
    expect((performance.now() - start) / 1000).to.be.below(2);
    expect(result.findings.map((f) => f.ruleId)).to.deep.equal(['no-undefined-network']);
  });

  it('the API rejects an empty ignore pattern with an InputError', () => {
    const dir = project('{}\n');
    let error: unknown;
    try {
      lint({ cwd: dir, env: {}, config: { ignore: [''] } });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(InputError);
    expect((error as Error).message).to.equal('invalid configuration: "ignore.0" must NOT have fewer than 1 characters');
  });

  it('16k suppression comments on one line before a lone CR in linear time (5.8 s before)', () => {
    const text = 'services:\n  a:\n    image: x ' + '#compose-netlint-disable '.repeat(16_000) + '\ry\n';
    const start = performance.now();
    expect(applySuppressions([], new Map([['compose.yaml', text]]), new Set())).to.deep.equal([]);
    expect((performance.now() - start) / 1000).to.be.below(2);
    // after the CR, a directive is read as before
    const after = applySuppressions([], new Map([['compose.yaml', 'a: 1 #x\r# compose-netlint-disable nope -- why\n']]), new Set());
    expect(after.map((f) => `${f.line}:${f.column}-${f.endColumn} ${f.message}`)).to.deep.equal(['1:9-46 unknown rule id "nope" in a suppression comment; run "compose-netlint rules" for the list']);
  });

  it('20k findings under 20k suppression comments in linear time; the earlier of a file-wide and a next-line directive wins', () => {
    const n = 20_000;
    const text = Array.from({ length: n }, (_, i) => `# compose-netlint-disable-next-line rule-a -- r${i}\nx${i}: 1`).join('\n') + '\n';
    const findings = Array.from({ length: n }, (_, i) => ({ ruleId: 'rule-a', severity: 'error' as const, message: 'm', file: 'compose.yaml', line: 2 * i + 2, column: 1, endLine: 2 * i + 2, endColumn: 2 }));
    const start = performance.now();
    const out = applySuppressions(findings, new Map([['compose.yaml', text]]), new Set(['rule-a']));
    expect((performance.now() - start) / 1000).to.be.below(2);
    expect(out.filter((f) => f.suppressed)).to.have.length(n);
    expect(out[n - 1].suppressed).to.deep.equal({ justification: `r${n - 1}` });

    const mixed = '# compose-netlint-disable rule-a -- wide\n# compose-netlint-disable-next-line rule-a -- near\nx: 1\n# compose-netlint-disable-next-line rule-b -- b\ny: 1\n';
    const at = (line: number, ruleId: string) => ({ ruleId, severity: 'error' as const, message: 'm', file: 'compose.yaml', line, column: 1, endLine: line, endColumn: 2 });
    const result = applySuppressions([at(3, 'rule-a'), at(5, 'rule-b'), at(5, 'rule-a')], new Map([['compose.yaml', mixed]]), new Set(['rule-a', 'rule-b']));
    expect(result.map((f) => `${f.line} ${f.ruleId} ${f.suppressed?.justification ?? f.message}`)).to.deep.equal(['3 rule-a wide', '5 rule-b b', '5 rule-a wide', '2 config-error suppression of "rule-a" suppresses nothing here; remove it']);
  });
});
