import { expect } from 'chai';
import { isDeepStrictEqual } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { at, toPlain } from '../../lib/source/tree';
import { ALIAS_EXPANSION_LIMIT, aliasExpansionLimit, parseYaml } from '../../lib/source/yaml';
import { generateAnchoredYaml } from './yaml-grammar';

const doc = (text: string) => parseYaml('c.yaml', text);

describe('parseYaml', () => {
  it('keeps 1-based, end-exclusive spans of keys and values', () => {
    const r = doc('services:\n  web:\n    image: "nginx:1"\n');
    const image = at(r.documents[0], ['services', 'web', 'image'])!;
    expect(image.span).to.deep.equal({ file: 'c.yaml', line: 3, column: 12, endLine: 3, endColumn: 21 });
  });

  it('merges keys with explicit keys winning and earlier merge sources winning', () => {
    const r = doc('a: &a {x: 1, y: 1}\nb: &b {x: 2, z: 2}\nc:\n  <<: [*a, *b]\n  y: 3\n');
    expect(toPlain(at(r.documents[0], ['c'])!)).to.deep.equal({ y: 3, x: 1, z: 2 });
  });

  it('resolves an alias to the nearest anchor before it when an anchor name is reused', () => {
    const r = doc('a: &v one\nb: *v\nc: &v two\nd: *v\n');
    expect(toPlain(r.documents[0])).to.deep.equal({ a: 'one', b: 'one', c: 'two', d: 'two' });
  });

  it('resolves to a later redefinition even after an alias re-expanded a map holding the earlier anchor', () => {
    const r = doc('x: &v 1\ny: &c {k: &v 2}\nw: *c\nz: &v 3\nq: *v\n');
    expect(toPlain(r.documents[0])).to.deep.equal({ x: 1, y: { k: 2 }, w: { k: 2 }, z: 3, q: 3 });
  });

  it("resolves an alias to an anchor written inside a merge key's own mapping, as go-yaml and the yaml library do", () => {
    const r = doc('a: {p: 1, <<: [&c {q: 2}]}\nb: *c\nc:\n  <<: &m {x: 1}\nd: *m\n');
    expect(r.diagnostics).to.deep.equal([]);
    expect(toPlain(r.documents[0])).to.deep.equal({ a: { p: 1, q: 2 }, b: { q: 2 }, c: { x: 1 }, d: { x: 1 } });
  });

  it("reports a duplicate or invalid key inside a merge key's own mapping once, at the key", () => {
    const r = doc('a: &a\n  <<: {x: 1, x: 2, [1]: 3}\nb: *a\n');
    expect(r.diagnostics.map((d) => `${d.span.line}:${d.span.column}-${d.span.endColumn} ${d.message.split(';')[0]}`)).to.deep.equal([
      '2:14-15 key "x" is written twice in this mapping (first at line 2)',
      '2:20-23 a list or a mapping cannot be a map key',
    ]);
  });

  it('keeps an alias inside an anchor naming the anchor written before it when a later alias expands the anchor after a redefinition', () => {
    // go-yaml resolves each alias as it reads it (yaml.v3 parser.go alias()); so does the yaml library
    const r = doc('k: &k one\nm: &m {p: 1}\nc: &c [1]\nb: &b [*c, {*k : 1}, {<<: *m}]\nk2: &k two\nm2: &m {p: 2}\nc2: &c [2]\nd: *b\n');
    expect(r.diagnostics).to.deep.equal([]);
    expect(toPlain(at(r.documents[0], ['d'])!)).to.deep.equal([[1], { one: 1 }, { p: 1 }]);
  });

  it("gives the yaml library's values (toJS) for 1,500 generated valid files full of anchors, aliases and merge keys", () => {
    const differences: string[] = [];
    let compared = 0;
    for (let seed = 1; seed <= 1500; seed++) {
      const text = generateAnchoredYaml(seed, true);
      const ours = doc(text);
      const theirs = parseAllDocuments(text, { merge: true, uniqueKeys: false });
      // files either side refuses (duplicate keys, recursive aliases) are not comparable
      if (ours.diagnostics.length > 0 || !Array.isArray(theirs) || theirs.some((d) => d.errors.length > 0)) continue;
      compared++;
      // key order aside: the tree puts merged keys after the map's own, the library where the merge key is
      if (
        !isDeepStrictEqual(
          ours.documents.map(toPlain),
          theirs.map((d) => d.toJS({ maxAliasCount: -1 })),
        )
      )
        differences.push(`seed ${seed}: ${JSON.stringify(text)}`);
    }
    expect(differences.slice(0, 5)).to.deep.equal([]);
    expect(compared).to.be.above(1400);
  });

  it('accepts anchors next to empty values', () => {
    const r = doc('a:\nb: &x {c: }\nd: *x\n');
    expect(r.diagnostics).to.deep.equal([]);
    expect(toPlain(r.documents[0])).to.deep.equal({ a: null, b: { c: null }, d: { c: null } });
  });

  it('reports duplicate keys at the second key, naming it, the first in related', () => {
    const [d] = doc('a: 1\nb: 2\na: 3\n').diagnostics;
    expect(d).to.deep.include({
      ruleId: 'yaml-syntax',
      message: 'key "a" is written twice in this mapping (first at line 1); Compose refuses the file ("mapping key already defined"). remove one of them or merge their values',
    });
    expect(d.span).to.deep.include({ line: 3, column: 1, endLine: 3, endColumn: 2 });
    expect(d.related).to.deep.equal([{ message: 'first "a" here', span: { file: 'c.yaml', line: 1, column: 1, endLine: 1, endColumn: 2 } }]);
  });

  it('reports a duplicate key inside an anchor once, at the anchor, however often it is used', () => {
    const r = doc('x: &x\n  a: 1\n  a: 2\ny: *x\nz: *x\n');
    expect(r.diagnostics.map((d) => `${d.span.line}:${d.span.column} ${d.message}`)).to.deep.equal([
      '3:3 key "a" is written twice in this mapping (first at line 2); Compose refuses the file ("mapping key already defined"). remove one of them or merge their values',
    ]);
  });

  it('stops an alias bomb at the alias that crosses the bound', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    'bcdefgh'.split('').forEach((name, i) => levels.push(`${name}: &${name} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`));
    const started = Date.now();
    const [d] = doc(levels.join('\n') + '\n').diagnostics;
    expect(Date.now() - started).to.be.below(5000);
    expect(d.message).to.equal(`aliases expand to more than ${ALIAS_EXPANSION_LIMIT} nodes (an alias bomb?); the file was not read further. use fewer nested aliases`);
    expect(d.span.line).to.be.within(6, 8);
  });

  it('reads a large honest file whose merge keys expand past the floor: the bound grows with the file', () => {
    // 5,000 services, each merging a 40-variable environment anchor: about 480 KB, 210,000 expanded nodes
    const vars = Array.from({ length: 40 }, (_, i) => `  VARIABLE_NUMBER_${i}: value-${i}`).join('\n');
    const services = Array.from({ length: 5000 }, (_, i) => `  service${i}:\n    image: registry.example.com/team/app${i}:1.2.3\n    environment:\n      <<: *env\n`).join('');
    const text = `x-env: &env\n${vars}\nservices:\n${services}`;
    expect(text.length).to.be.above(ALIAS_EXPANSION_LIMIT);
    const r = doc(text);
    expect(r.diagnostics).to.deep.equal([]);
    const last = at(r.documents[0], ['services', 'service4999', 'environment']);
    expect(last?.kind === 'map' && last.entries.size).to.equal(40);
  });

  it('stops a bomb in a large file at one expanded node a character of the file', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    'bcdefgh'.split('').forEach((name, i) => levels.push(`${name}: &${name} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`));
    const text = `# ${'padding '.repeat(100_000)}\n${levels.join('\n')}\n`;
    expect(aliasExpansionLimit(text.length)).to.equal(text.length);
    const [d] = doc(text).diagnostics;
    expect(d.message).to.equal(`aliases expand to more than ${text.length} nodes (an alias bomb?); the file was not read further. use fewer nested aliases`);
    expect(d.span.line).to.be.within(7, 9);
  });

  it('reports an alias inside its own anchor instead of recursing', () => {
    const [d] = doc('a: &a\n  b: *a\n').diagnostics;
    expect(d.message).to.equal('alias "*a" refers to a node that contains it; recursive aliases cannot be expanded');
    expect(d.span).to.deep.include({ line: 2, column: 6 });
  });

  it('keeps !reset and !override tags without warnings', () => {
    const r = doc('a: !reset []\nb: !override {x: 1}\n');
    expect(r.diagnostics).to.deep.equal([]);
    expect(at(r.documents[0], ['a'])!.tag).to.equal('!reset');
    expect(at(r.documents[0], ['b'])!.tag).to.equal('!override');
  });
});

describe('parseYaml and process.env', () => {
  it('gives back the real process.env after parsing, which yaml reads per token meanwhile', () => {
    const env = process.env;
    parseYaml('compose.yaml', 'services:\n  web: {image: nginx}\n');
    parseYaml('bad.yaml', 'services: [\n');
    expect(process.env).to.equal(env);
  });
});
