import { expect } from 'chai';
import { engineHas } from '../../lib/model/engine-target';
import { labelled, probe, requireEngine } from './helpers';

describe('probe on docker: it names the engine it ran on and lints for it (issue 16)', function () {
  this.timeout(180_000);

  it('with --engine docker@29.1 on another engine: says so once, and the findings follow the engine probed', async function () {
    const engine = await requireEngine(this);
    const target = engine.target!;
    const r = await probe(['--engine', 'docker@29.1', '-f', 'static-ip-engine.yaml']);
    expect(r.stderr).to.include(`engine ${target.name} (${engine.version})`);
    expect(r.stdout).to.include(`engine ${target.name} (${engine.version}) at `);
    expect(r.report!.engine.target).to.equal(target.name);
    const notes = r.stderr
      .split('\n')
      .filter((l) => l.includes('the engine probed is'))
      .map((l) => l.replace(/^probe: \[[\d.]+s\] /, 'probe: '));
    expect(notes).to.deep.equal(target.name === 'docker@29.1' ? [] : [`probe: the engine probed is ${target.name} (${engine.version}), not docker@29.1 as --engine says: findings and expectations follow ${target.name}`]);
    const staticIp = r.report!.findings.filter((v) => v.finding.ruleId === 'no-invalid-static-ip');
    const refuses = engineHas(target, 'static-ip-needs-user-subnet');
    expect(staticIp.map((v) => [v.finding.severity, v.verdict])).to.deep.equal([[refuses ? 'error' : 'warning', refuses ? 'confirmed' : 'refuted']]);
    expect(await labelled(r.run)).to.deep.equal([]);
  });
});
