import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { Parser, type CST } from 'yaml';
import { checkDocument, streamIsPlain } from '../../lib/source/cst-tree';
import { parseYaml } from '../../lib/source/yaml';
import { fuzzCase, seedlings } from '../helpers/fuzz';
import { generateAnchoredYaml, generateYaml, mutateYaml } from './yaml-grammar';

// The fast path (trees read straight from the parser's tokens) must give exactly what the Composer path gives,
// whenever it accepts a document; and it must accept nearly all valid files, or it saves nothing.
const ROOT = path.join(__dirname, '..', '..');

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...yamlFiles(full));
    else if (/\.ya?ml$/.test(entry.name)) out.push(full);
  }
  return out;
}

/** Documents of `text` the fast path reads, and all documents. */
function acceptance(text: string): { fast: number; all: number } {
  // too deep for the library's own parser: parseYaml stops these before parsing (yaml-bounds.test.ts)
  if (parseYaml('x', text, { fast: false }).diagnostics.some((d) => d.message.includes('levels deep'))) return { fast: 0, all: 0 };
  const tokens = [...new Parser().parse(text)];
  const docs = tokens.filter((t): t is CST.Document => t.type === 'document');
  return { fast: streamIsPlain(tokens) ? docs.filter((d) => checkDocument(d) !== undefined).length : 0, all: docs.length };
}

/** `value` with each Map as its entries in order: chai's deep equality compares Maps ignoring order, and key order is part of the tree. */
function ordered(value: unknown): unknown {
  if (value instanceof Map) return { entries: [...value.entries()].map(ordered) };
  if (Array.isArray(value)) return value.map(ordered);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, ordered(v)]));
  return value;
}

/** The difference between the two paths for `text`, or undefined when they agree; a throw on either path is a difference. */
function differ(name: string, text: string): string | undefined {
  try {
    const slow = parseYaml(name, text, { fast: false });
    const fast = parseYaml(name, text);
    expect(ordered(fast.documents)).to.deep.equal(ordered(slow.documents));
    expect(fast.diagnostics).to.deep.equal(slow.diagnostics);
  } catch (error) {
    return `${name}: ${(error as Error).message.split('\n')[0]}`;
  }
  return undefined;
}

/** Compares both paths on the named texts of seeds 1 to `seeds`, failing with the first differences and their texts; the documents read on the fast path. */
function compareAll(seeds: number, texts: (seed: number) => [string, string][]): number {
  const failures: string[] = [];
  let fast = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    for (const [name, text] of texts(seed)) {
      const problem = differ(name, text);
      if (problem) failures.push(`${problem}\n${JSON.stringify(text)}`);
      fast += acceptance(text).fast;
    }
  }
  expect(failures, failures.slice(0, 10).join('\n')).to.deep.equal([]);
  return fast;
}

describe("cst-tree: the fast path gives the Composer path's trees and diagnostics", function () {
  this.timeout(120_000);
  const corpus = [...yamlFiles(path.join(ROOT, 'test', 'fixtures')), ...yamlFiles(path.join(ROOT, 'test', 'rules')), ...yamlFiles(path.join(ROOT, 'examples'))];

  it('over every YAML file of the fixtures, rule fixtures and examples, accepting nearly all valid ones', () => {
    const failures: string[] = [];
    let fast = 0;
    let all = 0;
    let validFast = 0;
    let valid = 0;
    for (const file of corpus) {
      const text = fs.readFileSync(file, 'utf8');
      const problem = differ(path.relative(ROOT, file), text);
      if (problem) failures.push(problem);
      const a = acceptance(text);
      fast += a.fast;
      all += a.all;
      if (!parseYaml('x', text, { fast: false }).diagnostics.some((d) => d.severity === 'error')) {
        valid += a.all;
        validFast += a.fast;
      }
    }
    expect(failures, failures.join('\n')).to.deep.equal([]);
    console.log(`      fast path: ${fast}/${all} documents of ${corpus.length} files; ${validFast}/${valid} of the documents without a yaml error`);
    expect(corpus.length).to.be.above(200);
    expect(validFast / valid).to.be.at.least(0.95);
  });

  it('over 3,000 mutated fixtures from the fuzz mutator', () => {
    const all = seedlings();
    const failures: string[] = [];
    let fast = 0;
    let docs = 0;
    for (let seed = 1; seed <= 3000; seed++) {
      const c = fuzzCase(seed, all);
      for (const [name, text] of Object.entries(c.files)) {
        if (!/\.ya?ml$/.test(name)) continue;
        const problem = differ(`seed ${seed} ${name}`, text);
        if (problem) failures.push(problem);
        const a = acceptance(text);
        fast += a.fast;
        docs += a.all;
      }
    }
    expect(failures, failures.slice(0, 20).join('\n')).to.deep.equal([]);
    console.log(`      fast path on mutated files: ${fast}/${docs} documents`);
    expect(fast).to.be.above(0);
  });

  it('over 2,000 texts from a seeded YAML grammar, half of them with a few characters inserted or dropped', () => {
    const fast = compareAll(1000, (seed) => {
      const text = generateYaml(seed);
      return [
        [`grammar seed ${seed}`, text],
        [`grammar seed ${seed} mutated`, mutateYaml(text, seed)],
      ];
    });
    console.log(`      fast path on generated texts: ${fast} documents`);
    // the grammar is mostly valid YAML: the comparison must mostly be of fast documents, not of the Composer with itself
    expect(fast).to.be.above(400);
  });

  it('over 2,000 generated files full of anchors, aliases and merge keys, half of them valid', () => {
    const texts = (seed: number): [string, string][] => [
      [`anchored seed ${seed}`, generateAnchoredYaml(seed)],
      [`anchored seed ${seed} valid`, generateAnchoredYaml(seed, true)],
    ];
    expect(compareAll(1000, texts)).to.be.above(1900);
  });

  const cases: [string, string][] = [
    ['anchors, aliases and merge keys', 'x: &a {p: 1, q: [1, 2]}\ny:\n  <<: *a\n  p: 2\nz: *a\n'],
    ['a merge of a sequence of maps and an alias to one', 'a: &a {x: 1}\nb: &b {x: 2, y: 3}\nl: &l [*a, *b]\nc:\n  <<: [*a, *b]\nd:\n  <<: *l\n'],
    ['empty values, tags and comments', '# top\nk: # c\nt: !reset\nu: !override [1]\nv: &e\nw: *e\n- \n'],
    ['empty seq items and anchored empty values', 's:\n  -\n  - &x\n  - !reset\n  - *x # c\n'],
    ['core schema scalars', 'a: 0x1F\nb: 0o17\nc: .inf\nd: -.5e3\ne: ~\nf: TRUE\ng: "1"\nh: |\n  x\n  y\ni: >-\n  z\n  w\n1: one\nnull: n\n'],
    ['duplicates, unknown and recursive aliases', 'a: 1\na: 2\nb: *nope\nc: &c\n  d: *c\n'],
    ['several documents, one broken', 'a: 1\n---\nb: [1\n---\nc: 3\n'],
    ['a directive', '%YAML 1.2\n---\na: 1\n'],
    ['flow maps and a trailing comma', 'a: {b: 1, c: , "d": [x, y,],}\ne: [1, 2,]\n'],
    [
      'an alias bomb',
      `a: &a [x, x, x, x, x, x, x, x, x, x]\n${Array.from(
        { length: 7 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10)
            .fill(`*${String.fromCharCode(97 + i)}`)
            .join(', ')}]`,
      ).join('\n')}\n`,
    ],
    // found by trying to break the fast path (issue 17 follow-up); each failed before its fix
    ['an alias to a map holding an anchored map that refers to itself', 'a: &A\n  b: &B\n    c: *B\nx: *A\n'],
    ['a tag or an anchor right before a quoted item of a flow sequence', `a: [!reset"#", &q'x', *q]\n`],
    ['a merge key without a value in a flow map', 'a: &a {x: 1}\nb: {<<, y: 2}\nc: [{<<}]\n'],
    ['a map in an anchored list merging the list and itself', 'a: &A\n  - &C\n    <<: [*A, *C]\n'],
  ];
  for (const [name, text] of cases) {
    it(name, () => {
      expect(differ(name, text)).to.equal(undefined);
    });
  }

  it('reports a map that a merge brings into itself as a recursive alias, on both paths, without overflowing the stack', () => {
    // the map stayed marked as being converted only until its inner conversion ended, so each merge could enter it once more
    for (const fast of [true, false]) {
      const parsed = parseYaml('f', 'a: &A\n  - &C\n    <<: [*A, *C]\n', { fast });
      expect(parsed.diagnostics.map((d) => d.message)).to.include('alias "*A" refers to a node that contains it; recursive aliases cannot be expanded');
      expect(parsed.diagnostics[0].span).to.include({ line: 3, column: 10, endColumn: 12 });
    }
  });

  it('reads the plain documents of the cases above on the fast path', () => {
    const accepted = cases.filter(([, text]) => acceptance(text).fast > 0).map(([name]) => name);
    expect(accepted).to.include.members(['anchors, aliases and merge keys', 'a merge of a sequence of maps and an alias to one', 'core schema scalars', 'an alias bomb', 'flow maps and a trailing comma']);
    expect(acceptance('a: 1\n---\nb: [1\n---\nc: 3\n')).to.deep.equal({ fast: 2, all: 3 });
    expect(acceptance('%YAML 1.2\n---\na: 1\n').fast).to.equal(0);
    // empty flow collections with space, a newline or a comment inside, as hand-written files have them
    expect(acceptance('a: [ ]\nb: {\n}\nc: [ # none yet\n]\n').fast).to.equal(1);
    expect(acceptance('a: [ , ]\n').fast).to.equal(0);
  });
});
