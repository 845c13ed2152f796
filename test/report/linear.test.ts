import { expect } from 'chai';
import { performance } from 'node:perf_hooks';
import type { Finding } from '../../lib/engine/finding';
import { formatters } from '../../lib/report';

// Issue 11, item 6: SARIF and codeclimate split the whole file again for every finding (10k findings
// took 33.7 s). Each format reads each file's lines once.
describe('report: many findings in linear time', () => {
  const lines = 20_000;
  const text = Array.from({ length: lines }, (_, i) => `  s${i}: {image: x, networks: [missing${i}]}`).join('\n') + '\n';
  const findings: Finding[] = Array.from({ length: lines }, (_, i) => ({
    ruleId: 'no-undefined-network',
    severity: 'error',
    message: `service "s${i}" attaches to network "missing${i}"`,
    file: 'compose.yaml',
    line: i + 1,
    column: 30,
    endLine: i + 1,
    endColumn: 30 + `missing${i}`.length,
  }));
  const input = { findings, sources: new Map([['compose.yaml', text]]), projects: [], color: false, toolVersion: '0.0.0', exitCode: 1 };

  for (const name of Object.keys(formatters).sort()) {
    it(`${name}: 20k findings in one 800 KB file under 2 s`, () => {
      const start = performance.now();
      const out = formatters[name](input);
      expect((performance.now() - start) / 1000).to.be.below(2);
      expect(out).to.include('missing19999');
    });
  }
});
