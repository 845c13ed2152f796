import { expect } from 'chai';
import { grid, labelled, probe, requireEngine, verdicts } from './helpers';

describe('probe on docker: engine refusals', function () {
  this.timeout(180_000);
  before(async function () {
    await requireEngine(this);
  });

  it('a refusal a finding predicts confirms it, and the rest of the twin is probed (exit 0)', async () => {
    const r = await probe(['-f', 'refused-static-ip.yaml']);
    const report = r.report!;
    expect(verdicts(report)).to.include('no-invalid-static-ip db: confirmed');
    expect(report.events.map((e) => [e.service, e.predicted])).to.deep.equal([['db', true]]);
    expect(report.events[0].message).to.match(/^"db" did not start: Invalid address 10\.231\.114\.5: It does not belong to any of this network's subnets$/);
    // web and api are probed; the cells of the refused container are not, never "resolves"
    expect(grid(report, 'dns')).to.deep.equal({ web: { web: '.', api: '.', db: '-' }, api: { web: '.', api: '.', db: '-' }, db: { web: '-', api: '-', db: '-' } });
    expect(report.summary).to.include({ disagreeing: 0, failed: 0, unpredicted: 0 });
    expect(r.code, r.stderr).to.equal(0);
    expect(await labelled(r.run)).to.deep.equal([]);
  });

  it('a static address equal to the implicit gateway: the engine\'s "Address already in use" confirms no-invalid-static-ip (exit 0)', async () => {
    const r = await probe(['-f', 'gateway-static-ip.yaml']);
    const report = r.report!;
    expect(report.events.map((e) => [e.service, e.predicted, e.message])).to.deep.equal([['app', true, '"app" did not start: Address already in use']]);
    expect(verdicts(report)).to.include('no-invalid-static-ip app: confirmed');
    expect(report.summary).to.include({ disagreeing: 0, failed: 0, unpredicted: 0 });
    expect(r.code, r.stderr).to.equal(0);
    expect(await labelled(r.run)).to.deep.equal([]);
  });

  it('a twin whose every container the engine refused, as a finding predicts, still reports (exit 0, not 2)', async () => {
    const r = await probe(['-f', 'all-refused.yaml']);
    expect(r.report, r.stderr).to.not.equal(undefined);
    expect(verdicts(r.report!)).to.include('no-invalid-static-ip db: confirmed');
    expect(r.code, r.stderr).to.equal(0);
    expect(await labelled(r.run)).to.deep.equal([]);
  });

  it('a refusal no finding predicts is a disagreement (exit 1), listed with the disagreements', async () => {
    // the same project with the finding that predicts the refusal taken away
    const r = await probe(['-f', 'refused-static-ip.yaml'], { findings: (all) => all.filter((f) => f.ruleId !== 'no-invalid-static-ip') });
    const report = r.report!;
    expect(report.events.map((e) => [e.service, e.predicted])).to.deep.equal([['db', false]]);
    expect(report.summary).to.include({ disagreeing: 0, unpredicted: 1 });
    expect(r.stdout).to.match(/\nDisagreements\n {2}no finding predicted this refusal: "db" did not start: Invalid address 10\.231\.114\.5: /);
    expect(r.stdout).to.match(/; exit 1: 1 engine refusal nothing predicted\n$/);
    expect(r.code, r.stderr).to.equal(1);
    expect(await labelled(r.run)).to.deep.equal([]);
  });

  it('a link to a service one of whose replicas the engine refused resolves to the running one', async () => {
    const r = await probe(['-f', 'link-to-refused-replica.yaml']);
    const report = r.report!;
    expect(report.events.map((e) => [e.service, e.replica, e.predicted])).to.deep.equal([['worker', 2, true]]);
    expect(grid(report, 'dns').web).to.include({ worker: '.' });
    expect(report.summary).to.include({ disagreeing: 0, failed: 0, unpredicted: 0 });
    expect(r.code, r.stderr).to.equal(0);
    expect(await labelled(r.run)).to.deep.equal([]);
  });
});
