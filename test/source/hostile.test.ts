import { expect } from 'chai';
import { performance } from 'node:perf_hooks';
import { parseEnvFile } from '../../lib/source/dotenv';
import { expansionLimit, interpolateString, type Lookup } from '../../lib/source/interpolate';
import { quoteValue, shorten } from '../../lib/source/diagnostic';
import { loadProject } from '../../lib/source/project';
import { get, isMap, toPlain } from '../../lib/source/tree';
import { tempProject } from '../helpers/project';

// Hostile shapes of the loader's input (issue 11, items 6 and 7). Bounds on time are generous (the
// shapes took 6 to 17 s before the passes were made linear and take milliseconds now); the size
// benchmark of these shapes is `npm run bench:hostile`.
const seconds = (fn: () => void): number => {
  const start = performance.now();
  fn();
  return (performance.now() - start) / 1000;
};
const none: Lookup = () => undefined;

describe('hostile input to the loader', () => {
  describe('interpolation stays linear', () => {
    it('32k unclosed "${A:-x " on one line (quadratic before: ~12 s)', () => {
      const template = '${A:-x '.repeat(32_000);
      let result: ReturnType<typeof interpolateString> | undefined;
      expect(seconds(() => (result = interpolateString(template, none)))).to.be.below(2);
      expect(result!.error).to.match(/^invalid interpolation format in "\$\{A:-x /);
    });

    it('32k "${A-}" on one line, where each operator reads to the last "}" of the line', () => {
      const template = '${A-}'.repeat(32_000);
      let result: ReturnType<typeof interpolateString> | undefined;
      expect(seconds(() => (result = interpolateString(template, none)))).to.be.below(2);
      expect(result).to.deep.equal({ value: '', unknown: false });
    });

    it('a required-variable message with 200k blanks or dots is cleaned up in linear time', () => {
      let spaces: ReturnType<typeof interpolateString> | undefined;
      let dots: ReturnType<typeof interpolateString> | undefined;
      expect(seconds(() => (spaces = interpolateString(`\${A?${' '.repeat(200_000)}x}`, none)))).to.be.below(2);
      expect(seconds(() => (dots = interpolateString(`\${A?${'.'.repeat(200_000)}x.}`, none)))).to.be.below(2);
      expect(spaces!.error).to.equal('required variable "A" is missing a value: x');
      expect(dots!.error).to.equal(`required variable "A" is missing a value: ${'.'.repeat(80)}…`);
    });

    it('reads each operator to the last "}" of its own line, not of the text', () => {
      const lookup: Lookup = (name) => ({ SET: 'v' })[name];
      expect(interpolateString('${UNSET-a}}\n${UNSET-b}', lookup)).to.deep.equal({ value: 'a}\nb', unknown: false });
      expect(interpolateString('${UNSET-a\n}', lookup).error).to.match(/^invalid interpolation format/);
      expect(interpolateString('${SET:+x}y} ${SET}', lookup)).to.deep.equal({ value: 'xy} v', unknown: false });
    });
  });

  describe('messages quote long values cut to 80 characters', () => {
    it('shorten keeps up to 80 characters, cuts longer text with "…" and never splits a surrogate pair', () => {
      expect(shorten('a'.repeat(80))).to.equal('a'.repeat(80));
      expect(shorten('a'.repeat(81))).to.equal(`${'a'.repeat(80)}…`);
      expect(shorten(`${'a'.repeat(79)}😀b`)).to.equal(`${'a'.repeat(79)}…`);
      expect(quoteValue(`"\n${'x'.repeat(100)}`)).to.equal(`"\\"\\n${'x'.repeat(78)}…"`);
    });

    it('a 112 KB value with a bad "${" gives a compose-load message of one short line', () => {
      const value = '${A:-x '.repeat(16_000);
      const dir = tempProject({ 'compose.yaml': `services:\n  a:\n    image: "${value}"\n` });
      const project = loadProject({ cwd: dir, env: {} });
      const load = project.diagnostics.filter((d) => d.ruleId === 'compose-load');
      expect(load.map((d) => d.message)).to.deep.equal([`invalid interpolation format in "${value.slice(0, 80)}…"; Compose cannot load the file. write a variable as "\${NAME}" or "\${NAME:-default}", or "$$" for a literal "$"`]);
    });

    it('a long variable name in a .env error and a long extends target are cut too', () => {
      const key = `A${'b'.repeat(500)}!`;
      expect(parseEnvFile('.env', `${key}=1\n`).errors.map((e) => e.message)).to.deep.equal([`unexpected character "!" in variable name "${key.slice(0, 80)}…"; compose-go's dotenv reads letters, digits and "_.-[]" only`]);
      const base = 'c'.repeat(500);
      const dir = tempProject({ 'compose.yaml': `services:\n  a:\n    image: x\n    extends: { service: ${base} }\n` });
      const project = loadProject({ cwd: dir, env: {} });
      expect(project.diagnostics.map((d) => d.message)).to.include(`service "a" extends "${base.slice(0, 80)}…", which is not defined; defined services: "a"`);
    });
  });

  describe('.env files stay linear', () => {
    it('an unterminated quote before 40k lines (quadratic before: ~7 s)', () => {
      const text = `A="x\n${'B=1\n'.repeat(40_000)}`;
      let parsed: ReturnType<typeof parseEnvFile> | undefined;
      expect(seconds(() => (parsed = parseEnvFile('.env', text)))).to.be.below(2);
      expect(parsed!.errors).to.deep.equal([{ message: 'unterminated quoted value for "A"', span: { file: '.env', line: 1, column: 1, endLine: 1, endColumn: 2 } }]);
    });

    it('a quoted value over several lines keeps its value and its end', () => {
      const parsed = parseEnvFile('.env', 'A="one\\\ntwo\nthree" \nB=2\n');
      expect(parsed.errors).to.deep.equal([]);
      expect(parsed.entries.map((e) => [e.key, e.value, e.valueSpan])).to.deep.equal([
        ['A', 'one\\\ntwo\nthree', { file: '.env', line: 1, column: 3, endLine: 3, endColumn: 7 }],
        ['B', '2', { file: '.env', line: 4, column: 3, endLine: 4, endColumn: 4 }],
      ]);
    });
  });

  describe('expansion is bounded (item 7)', () => {
    /** V0=x, then n lines each doubling the one before */
    const doubling = (n: number): string => 'V0=x\n' + Array.from({ length: n }, (_, i) => `V${i + 1}=\${V${i}}\${V${i}}\n`).join('');

    it('under 500 bytes of V{n}=${V{n-1}}${V{n-1}} stop with one error at the value past the bound, not "Invalid string length"', () => {
      // 30 doublings: 2^30 characters, past V8's longest string
      const text = doubling(30);
      expect(text.length).to.be.below(500);
      const parsed = parseEnvFile('.env', text);
      const limit = expansionLimit(text.length);
      expect(limit).to.equal(1 << 20);
      // 2^20 characters fit in the first 20 values (2 + 4 + … + 2^20 < 2^21), not in the 21st
      expect(parsed.entries.map((e) => e.key)).to.deep.equal(Array.from({ length: 20 }, (_, i) => `V${i}`));
      expect(parsed.errors).to.deep.equal([
        {
          message: `value of "V20": variables expand to more than ${limit} characters (16 times the file, at least 1 MiB: a doubling bomb?); the file was not read further. use fewer or smaller variables`,
          span: { file: '.env', line: 21, column: 5, endLine: 21, endColumn: 17 },
        },
      ]);
    });

    it('the bound grows with the file: 16 times its length', () => {
      expect(expansionLimit(1_000_000)).to.equal(16_000_000);
    });

    it('a Compose file that uses a large variable too often: a compose-load error at the scalar, and the file is dropped', () => {
      const uses = Array.from({ length: 300 }, (_, i) => `      V${i}: \${BIG}\n`).join('');
      const dir = tempProject({ 'compose.yaml': `services:\n  app:\n    image: x\n    environment:\n${uses}`, '.env': `BIG=${'x'.repeat(4096)}\n` });
      const project = loadProject({ cwd: dir, env: {} });
      const errors = project.diagnostics.filter((d) => d.severity === 'error');
      // 256 uses of 4 KiB fill 1 MiB; the 257th passes it
      expect(errors).to.deep.equal([
        {
          ruleId: 'compose-load',
          severity: 'error',
          message: 'variables expand to more than 1048576 characters (16 times the file, at least 1 MiB: a doubling bomb?); the file was not read further. use fewer or smaller variables',
          span: { file: 'compose.yaml', line: 261, column: 13, endLine: 261, endColumn: 19 },
        },
      ]);
      expect(isMap(get(project.root, 'services'))).to.equal(false);
    });

    it('the same project within the bound loads', () => {
      const uses = Array.from({ length: 200 }, (_, i) => `      V${i}: \${BIG}\n`).join('');
      const dir = tempProject({ 'compose.yaml': `services:\n  app:\n    image: x\n    environment:\n${uses}`, '.env': `BIG=${'x'.repeat(4096)}\n` });
      const project = loadProject({ cwd: dir, env: {} });
      expect(project.diagnostics).to.deep.equal([]);
      expect((toPlain(project.root) as { services: { app: { environment: Record<string, string> } } }).services.app.environment.V199).to.have.length(4096);
    });
  });

  describe('port ranges', () => {
    it('1,000 services publishing "1-65535:1-65535" load in under 2 s: a range is one key, not 65,535', () => {
      const text = 'services:\n' + Array.from({ length: 1000 }, (_, i) => `  s${i}:\n    image: x\n    ports: ["1-65535:1-65535"]\n`).join('');
      const dir = tempProject({ 'compose.yaml': text });
      expect(seconds(() => loadProject({ cwd: dir, env: {} }))).to.be.below(2);
    });

    it('merging files, the same range and a single port inside it collapse and other ranges stay', () => {
      const dir = tempProject({
        'compose.yaml': 'services:\n  web:\n    image: x\n    ports: ["8000-8001:80-81"]\n',
        'compose.override.yaml': 'services:\n  web:\n    ports: ["0.0.0.0:8000-8001:80-81/tcp", "8000-8001:90-91", "8000:80", "8000-8001:80"]\n',
      });
      const ports = (toPlain(loadProject({ cwd: dir, env: {} }).root) as { services: { web: { ports: string[] } } }).services.web.ports;
      // compose-go expands ranges and enforces unicity again: "8000:80" is the range's first port
      expect(ports).to.deep.equal(['0.0.0.0:8000-8001:80-81/tcp', '8000-8001:90-91', '8000-8001:80']);
    });
  });

  describe('include and extends', () => {
    it('reads a file included twice by each of 20 nested files once, not 2^20 times', () => {
      const files: Record<string, string> = { 'compose.yaml': 'include: [f1.yaml, f1.yaml]\nservices:\n  app:\n    image: x\n' };
      for (let i = 1; i <= 20; i++) files[`f${i}.yaml`] = i < 20 ? `include: [f${i + 1}.yaml, f${i + 1}.yaml]\n` : 'services:\n  leaf:\n    image: x\n';
      const dir = tempProject(files);
      let project: ReturnType<typeof loadProject> | undefined;
      expect(seconds(() => (project = loadProject({ cwd: dir, env: {} })))).to.be.below(2);
      expect(Object.keys((toPlain(project!.root) as { services: object }).services).sort()).to.deep.equal(['app', 'leaf']);
      // the second inclusion at each level merges onto the first, as compose-go's importResource does: no error
      expect(project!.diagnostics).to.deep.equal([]);
    });

    it('a chain of 5,000 services, each extending the next: an error at the 100th link, not a stack overflow', () => {
      const n = 5000;
      const text = 'services:\n' + Array.from({ length: n }, (_, i) => `  s${i}:\n    extends: s${i + 1}\n`).join('') + `  s${n}:\n    image: x\n`;
      const project = loadProject({ cwd: tempProject({ 'compose.yaml': text }), env: {} });
      const first = project.diagnostics[0];
      expect(first).to.deep.equal({
        ruleId: 'compose-load',
        severity: 'error',
        message: 'the chain of services and files extended by service "s100" here is more than 100 links long; compose-netlint follows at most 100. shorten the chain',
        span: { file: 'compose.yaml', line: 203, column: 14, endLine: 203, endColumn: 18 },
      });
      // every hundredth link stops a chain: s100, s200, … s4900
      expect(project.diagnostics).to.have.length(49);
      expect(project.diagnostics[1].message).to.match(/by service "s200" here/);
    });

    it('a chain of 150 files, each including the next: an error at the include 100 files deep', () => {
      const files: Record<string, string> = { 'compose.yaml': 'include: [f1.yaml]\nservices:\n  app:\n    image: x\n' };
      for (let i = 1; i <= 150; i++) files[`f${i}.yaml`] = i < 150 ? `include: [f${i + 1}.yaml]\nservices:\n  s${i}:\n    image: x\n` : 'services:\n  last:\n    image: x\n';
      const project = loadProject({ cwd: tempProject(files), env: {} });
      expect(project.diagnostics.map((d) => `${d.span.file}:${d.span.line}:${d.span.column} ${d.message}`)).to.deep.equal([
        'f100.yaml:1:11 the chain of services and files included here is more than 100 links long; compose-netlint follows at most 100. shorten the chain',
      ]);
    });

    it('lists at most ten services when an extended service is missing, built once for all', () => {
      const n = 2000;
      const text = 'services:\n' + Array.from({ length: n }, (_, i) => `  s${String(i).padStart(4, '0')}:\n    image: x\n    extends: nope\n`).join('');
      let project: ReturnType<typeof loadProject> | undefined;
      expect(seconds(() => (project = loadProject({ cwd: tempProject({ 'compose.yaml': text }), env: {} })))).to.be.below(2);
      expect(project!.diagnostics).to.have.length(n);
      expect(project!.diagnostics[0].message).to.equal('service "s0000" extends "nope", which is not defined; defined services: "s0000", "s0001", "s0002", "s0003", "s0004", "s0005", "s0006", "s0007", "s0008", "s0009" and 1990 more');
    });
  });
});
