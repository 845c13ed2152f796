import { expect } from 'chai';
import { performance } from 'node:perf_hooks';
import { allBut, closest, quotedList, SUGGEST_MAX_CANDIDATES } from '../../lib/util/suggest';

describe('suggestions and name lists', () => {
  it('suggests the closest name within a third of the word, ties to the first in order', () => {
    expect(closest('netwroks', ['networks', 'ports'])).to.equal('networks');
    expect(closest('bak', ['back', 'bank'])).to.equal('back');
    expect(closest('zzzzzz', ['networks'])).to.equal(undefined);
  });

  it('makes no suggestion among more than SUGGEST_MAX_CANDIDATES names, so each call costs a bounded amount', () => {
    const many = Array.from({ length: SUGGEST_MAX_CANDIDATES + 1 }, (_, i) => `net${i}`);
    expect(closest('net1x', many)).to.equal(undefined);
    expect(closest('net1x', many.slice(0, 100))).to.equal('net1');
  });

  it('makes no suggestion when the names of a close length would cost too much to compare', () => {
    const long = Array.from({ length: 400 }, (_, i) => `${'n'.repeat(60)}${i}`);
    const start = performance.now();
    for (let i = 0; i < 2000; i++) expect(closest(`${'n'.repeat(60)}x`, long)).to.equal(undefined);
    expect((performance.now() - start) / 1000).to.be.below(2);
  });

  it('lists at most ten names, then how many more, leaving one out on request', () => {
    const names = Array.from({ length: 12 }, (_, i) => String.fromCharCode(97 + i));
    expect(quotedList(names.slice(0, 3))).to.equal('"a", "b", "c"');
    expect(quotedList(names)).to.equal('"a", "b", "c", "d", "e", "f", "g", "h", "i", "j" and 2 more');
    expect(quotedList(names, 10, 'b')).to.equal('"a", "c", "d", "e", "f", "g", "h", "i", "j", "k" and 1 more');
    expect(quotedList(['a'], 10, 'a')).to.equal('');
    expect([...allBut(['a', 'b', 'c'], 'b')]).to.deep.equal(['a', 'c']);
  });
});
