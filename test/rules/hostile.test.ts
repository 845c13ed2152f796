import { expect } from 'chai';
import { performance } from 'node:perf_hooks';
import { defaultConfig } from '../../lib/engine/config';
import { lintProject } from '../../lib/lint';
import { tempProject } from '../helpers/project';

// Issue 11, item 6: rules over thousands of colliding names stay linear, in time and in output.
const lintTimed = (text: string) => {
  const dir = tempProject({ 'compose.yaml': text });
  const start = performance.now();
  const findings = lintProject({ cwd: dir, env: {}, config: defaultConfig() }).findings;
  return { findings, seconds: (performance.now() - start) / 1000 };
};
const count = (findings: { ruleId: string }[], id: string) => findings.filter((f) => f.ruleId === id).length;

describe('rules on hostile projects', () => {
  it('2,000 networks on one subnet: 1,999 findings (not 2 million), in under 5 s', () => {
    // every network is used (an unused one is never created, so its subnet overlaps nothing)
    const used = `services:\n  app:\n    image: x\n    networks: [${Array.from({ length: 2000 }, (_, i) => `n${i}`).join(', ')}]\nnetworks:\n`;
    const { findings, seconds } = lintTimed(used + Array.from({ length: 2000 }, (_, i) => `  n${i}:\n    ipam:\n      config: [{subnet: 10.0.0.0/16}]\n`).join(''));
    expect(count(findings, 'no-overlapping-subnets')).to.equal(1999);
    expect(seconds).to.be.below(5);
  });

  it('10,000 services on one container port, each naming the next by host:port: judged per namespace, in under 8 s (11.6 s in one rule alone before)', () => {
    const n = 10_000;
    const text = 'services:\n' + Array.from({ length: n }, (_, i) => `  s${i}:\n    image: x\n    expose: ["8080"]\n    environment: {UPSTREAM: "s${(i + 1) % n}:8080"}\n`).join('');
    const { findings, seconds } = lintTimed(text);
    expect(findings.filter((f) => f.severity === 'error')).to.deep.equal([]);
    expect(seconds).to.be.below(8);
  });

  it('2,000 services with one alias: each message lists ten services and how many more, in under 5 s', () => {
    const { findings, seconds } = lintTimed('services:\n' + Array.from({ length: 2000 }, (_, i) => `  s${String(i).padStart(4, '0')}:\n    image: x\n    networks: {net: {aliases: [same]}}\n`).join('') + 'networks:\n  net: {}\n');
    const ambiguous = findings.filter((f) => f.ruleId === 'no-ambiguous-alias');
    expect(ambiguous).to.have.length(1999);
    expect(ambiguous[0].message).to.match(/^name "same" resolves to "s0000", "s0001", "s0002", "s0003", "s0004", "s0005", "s0006", "s0007", "s0008", "s0009" and 1990 more on network "net": /);
    expect(seconds).to.be.below(5);
  });

  it('2,000 declared networks and 2,000 services on undeclared ones, in under 5 s (1,000 took 15.8 s)', () => {
    const { findings, seconds } = lintTimed(
      'services:\n' + Array.from({ length: 2000 }, (_, i) => `  s${i}:\n    image: x\n    networks: [missing${i}]\n`).join('') + 'networks:\n' + Array.from({ length: 2000 }, (_, i) => `  net${String(i).padStart(4, '0')}: {}\n`).join(''),
    );
    const undefinedNetworks = findings.filter((f) => f.ruleId === 'no-undefined-network');
    expect(undefinedNetworks).to.have.length(2000);
    expect(undefinedNetworks[0].message).to.match(/\(declared: "net0000", "net0001", "net0002", "net0003", "net0004", "net0005", "net0006", "net0007", "net0008", "net0009" and 1990 more\)$/);
    expect(seconds).to.be.below(5);
  });
});
