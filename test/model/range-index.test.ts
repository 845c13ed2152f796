import { expect } from 'chai';
import { performance } from 'node:perf_hooks';
import { defaultConfig } from '../../lib/engine/config';
import { lintProject } from '../../lib/lint';
import { RangeIndex } from '../../lib/model/range-index';
import { tempProject } from '../helpers/project';

describe('port range index (range-index.ts)', () => {
  it('finds exactly the ranges containing a port, as a pass over all of them does, on random nested and overlapping ranges', () => {
    let seed = 15;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return Math.floor(seed / 65_536) % n;
    };
    for (let round = 0; round < 40; round++) {
      const entries: [{ start: number; end: number }, number][] = Array.from({ length: random(40) }, (_, i) => {
        const start = random(200);
        return [{ start, end: start + random(round % 2 ? 5 : 120) }, i];
      });
      const index = new RangeIndex(entries);
      for (let port = 0; port < 330; port++) {
        const found: number[] = [];
        index.containing(port, (v) => found.push(v));
        const want = entries.filter(([r]) => r.start <= port && port <= r.end).map(([, v]) => v);
        expect(
          found.sort((a, b) => a - b),
          `port ${port} in ${JSON.stringify(entries)}`,
        ).to.deep.equal(want);
      }
    }
    const none: number[] = [];
    new RangeIndex<number>([]).containing(80, (v) => none.push(v));
    expect(none).to.deep.equal([]);
  });

  it('3,000 services with ten port ranges each, each calling localhost at ten ports of the next, in under 30 s (51 s with a pass over every range): one finding each', function () {
    this.timeout(300_000);
    const n = 3_000;
    // service i exposes 1024 + 20i + 2j .. +1 for j < 10 and calls the second port of each of the next service's ranges
    const base = (i: number, j: number): number => 1024 + 20 * i + 2 * j;
    const ten = (f: (j: number) => string): string => Array.from({ length: 10 }, (_, j) => f(j)).join(', ');
    const text =
      'services:\n' + Array.from({ length: n }, (_, i) => `  s${i}:\n    image: x\n    expose: [${ten((j) => `"${base(i, j)}-${base(i, j) + 1}"`)}]\n    environment: {${ten((j) => `V${j}_URL: "http://localhost:${base(i + 1, j) + 1}"`)}}\n`).join('');
    const dir = tempProject({ 'compose.yaml': text });
    const start = performance.now();
    const findings = lintProject({ cwd: dir, env: {}, config: defaultConfig() }).findings.filter((f) => f.ruleId === 'no-loopback-reference');
    const seconds = (performance.now() - start) / 1000;
    // the last service calls ports nobody declares: left alone
    expect(findings).to.have.length(10 * (n - 1));
    expect(findings[0].message).to.include('"s1"');
    expect(seconds).to.be.below(30);
  });
});
