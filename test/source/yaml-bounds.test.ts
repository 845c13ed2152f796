import { expect } from 'chai';
import { lintProject } from '../../lib/lint';
import { MAX_NESTING_DEPTH, parseYaml } from '../../lib/source/yaml';
import { get, toPlain } from '../../lib/source/tree';
import { tempProject } from '../helpers/project';

// Issue 11, items 11 and 12: positions inside the file, deterministic bounds, no internal errors.
const findings = (text: string) => parseYaml('compose.yaml', text).diagnostics.map((d) => `${d.span.line}:${d.span.column}-${d.span.endLine}:${d.span.endColumn} ${d.severity} ${d.message}`);

describe('YAML positions and bounds', () => {
  it('counts lines itself: the library misses the line of "t:" in " :\\nce\\nt:"', () => {
    // the first error of the document only (the second follows from it)
    expect(findings(' :\nce\nt:')).to.deep.equal(['2:1-3:2 error unexpected scalar at node end; the file is not valid YAML, so Compose cannot load the file. quote a value that goes on after its end, or remove the stray text']);
  });

  it('places an unclosed quote at its opening quote, not at the end of the file', () => {
    expect(findings('a: "x')).to.deep.equal(['1:4-1:5 error double-quoted string is never closed; YAML reads the rest of the file into it, so Compose cannot load the file. add the closing " (write a " inside it as \\")']);
  });

  it('a map used as a key (here holding a merge key) is a yaml-syntax error at the key, not an internal error', () => {
    expect(findings('{<<: 1}: x\n')).to.deep.equal(['1:1-1:8 error a list or a mapping cannot be a map key; Compose cannot load the file ("invalid map key"). use a string']);
    expect(findings('? [a, b]\n: x\n')).to.deep.equal(['1:3-1:9 error a list or a mapping cannot be a map key; Compose cannot load the file ("invalid map key"). use a string']);
  });

  it('a key written as an alias of a scalar is that scalar, as go-yaml reads it', () => {
    const parsed = parseYaml('compose.yaml', 'x-name: &n web\nservices:\n  *n : {image: nginx}\n');
    expect(parsed.diagnostics).to.deep.equal([]);
    expect(Object.keys(toPlain(get(parsed.documents[0], 'services')!) as object)).to.deep.equal(['web']);
    expect(findings('services:\n  *nope : {image: nginx}\n')).to.deep.equal(['2:3-2:8 error unknown alias "*nope": no anchor "&nope" comes before it, so Compose cannot load the file. define the anchor earlier in the file or correct the name']);
  });

  describe('nesting deeper than MAX_NESTING_DEPTH is one error, the same on every call', () => {
    const message = `collections nest more than ${MAX_NESTING_DEPTH} levels deep; the file was not read further. flatten the structure`;
    const deep = (open: string, close: string, n: number) => `services:\n  a:\n    image: x\n    command: ${open.repeat(n)}1${close.repeat(n)}\n`;

    it('1,000 "[" give one finding at the first list too deep, on the first lint() of a process and on later ones', () => {
      const dir = tempProject({ 'compose.yaml': deep('[', ']', 1000) });
      const runs = [0, 1, 2].map(() => lintProject({ cwd: dir, env: {} }).findings.map((f) => `${f.line}:${f.column} ${f.ruleId} ${f.message}`));
      // services, a and command are three levels: the 98th "[" (column 14 + 97) is the 101st
      expect(runs[0]).to.deep.equal([`4:111 yaml-syntax ${message}`]);
      expect(runs[1]).to.deep.equal(runs[0]);
      expect(runs[2]).to.deep.equal(runs[0]);
    });

    it('flow maps and block lists too, however deep', () => {
      expect(findings(deep('{a: ', '}', 50_000))).to.deep.equal([`4:402-4:403 error ${message}`]);
      // the map is level 1, so the 100th "- " (column 3 + 198) is level 101
      expect(findings(`a:\n  ${'- '.repeat(50_000)}x\n`)).to.deep.equal([`2:201-2:202 error ${message}`]);
    });

    it('5,000 "- " before a dedent, which overflows the library\'s parser as it closes them: the same one error', () => {
      // found by the fuzzer (seed 4718): the parser recurses once per level when a dedent closes them all
      const text = `a:\n  - t: 5\n ${'- '.repeat(5000)}\n    p: u\nb: 1\n`;
      expect(findings(text)).to.deep.equal([`3:200-3:201 error ${message}`]);
    });

    it('indentation alone past 500 columns stops reading with its own message', () => {
      expect(findings(`a:\n${' '.repeat(600)}b: 1\n`)).to.deep.equal(['2:1-2:2 error brackets, indicators and indentation go more than 500 levels deep here; the file was not read further. flatten the structure']);
    });

    it('exactly MAX_NESTING_DEPTH levels are read', () => {
      const text = `x: ${'['.repeat(MAX_NESTING_DEPTH - 1)}1${']'.repeat(MAX_NESTING_DEPTH - 1)}\n`;
      expect(findings(text)).to.deep.equal([]);
      expect(findings(`x: ${'['.repeat(MAX_NESTING_DEPTH)}1${']'.repeat(MAX_NESTING_DEPTH)}\n`)).to.have.length(1);
    });

    it('aliases that nest deeper than the text: an error at the alias where the tree gets too deep', () => {
      const chain = Array.from({ length: 5000 }, (_, i) => `x-${i + 1}: &a${i + 1} [*a${i}]\n`).join('');
      // x-i is a list at level 2 holding x-(i-1): x-99 (line 100) reaches level 101 at its alias "*a98"
      expect(findings(`x-0: &a0 [1]\n${chain}`)).to.deep.equal([`100:13-100:17 error ${message}`]);
    });
  });
});
