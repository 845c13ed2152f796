import { expect } from 'chai';
import { labelled, probe, requireEngine, verdicts } from './helpers';

describe('probe on docker: network_mode refusals', function () {
  this.timeout(120_000);
  before(async function () {
    await requireEngine(this);
  });

  it('host networking with links: the engine refuses the container, and no-network-mode-conflict is confirmed', async () => {
    const r = await probe(['-f', 'host-network-links.yaml']);
    expect(r.code, r.stderr).to.equal(0);
    const report = r.report!;
    expect(verdicts(report)).to.deep.equal(['no-network-mode-conflict app: confirmed']);
    expect(report.findings[0].reason).to.include("conflicting options: host type networking can't be used with links");
    expect(await labelled(r.run)).to.deep.equal([]);
  });
});
