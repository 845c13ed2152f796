import { expect } from 'chai';
import { grid, labelled, probe, requireEngine, verdicts } from './helpers';

describe('probe on docker: loopback and host-port references', function () {
  this.timeout(120_000);
  before(async function () {
    await requireEngine(this);
  });

  it('a loopback reference is refused in the source, a host port between containers too, and loopback in a shared namespace answers', async () => {
    const r = await probe(['-f', 'loopback-references.yaml']);
    expect(r.code, r.stderr).to.equal(0);
    const report = r.report!;
    // every path exists ("." counts a refused connection too); the findings rest on the outcomes
    expect(grid(report, 'tcp')).to.deep.equal({
      app: { 'db:5432/tcp': '.', 'api:8080/tcp': '.', 'loopback:5432/tcp': '.', 'api:18371/tcp': '.' },
      db: { 'api:8080/tcp': '.' },
      sidecar: { 'db:5432/tcp': '.', 'api:8080/tcp': '.', 'loopback:5432/tcp': '.' },
      api: { 'db:5432/tcp': '.' },
    });
    expect(verdicts(report)).to.deep.equal(['no-loopback-reference app: confirmed', 'no-host-port-between-services app: confirmed']);
    // the twin of "app" connects to 127.0.0.1:5432 in its own namespace, where nothing listens; "api" listens on 8080, not 18371
    expect(report.findings.map((f) => f.reason)).to.deep.equal(['tcp app → loopback:5432/tcp: refused', 'dns app resolves "api": reachable; tcp app → api:18371/tcp: refused; tcp app → api:8080/tcp: reachable']);
    // "sidecar" lives in the namespace of "db", whose twin listens on 5432: its loopback answers
    const sidecar = report.results.find((x) => x.case.source === 'sidecar' && x.case.column === 'loopback:5432/tcp');
    expect(sidecar?.final?.outcome).to.equal('ok');
    expect(report.summary).to.include({ disagreeing: 0, failed: 0 });
    expect(await labelled(r.run)).to.deep.equal([]);
  });
});
