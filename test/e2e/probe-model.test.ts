import { expect } from 'chai';
import { grid, labelled, probe, requireEngine, verdicts } from './helpers';

/** Issue 13, the model's causes: each project below disagreed with the engine before its fix. */
describe('probe on docker: what the model learned from random projects (issue 13)', function () {
  this.timeout(120_000);
  before(async function () {
    await requireEngine(this);
  });

  it("a hostname is a DNS name on user networks, in its own /etc/hosts, and in a linker's /etc/hosts", async () => {
    const r = await probe(['-f', 'hostname.yaml']);
    expect(r.code, r.stderr).to.equal(0);
    const report = r.report!;
    // "b" resolves from "a" (its own /etc/hosts) and from "c" (the alias the daemon adds), to "a"; the service "b" has no network
    expect(grid(report, 'dns')).to.deep.equal({
      a: { a: '.', b: '.', c: '.', d: 'X', e: 'X', 'dee.example.test': 'X' },
      b: { a: 'X', b: 'X', c: 'X', d: 'X', e: 'X', 'dee.example.test': 'X' },
      c: { a: '.', b: '.', c: '.', d: 'X', e: 'X', 'dee.example.test': 'X' },
      d: { a: 'X', b: 'X', c: 'X', d: 'X', e: 'X', 'dee.example.test': '.' },
      e: { a: 'X', b: 'X', c: 'X', d: '.', e: 'X', 'dee.example.test': '.' },
    });
    expect(report.summary).to.include({ disagreeing: 0, failed: 0 });
    expect(await labelled(r.run)).to.deep.equal([]);
  });

  it('extra_hosts shadows project names through /etc/hosts, with or without a network', async () => {
    const r = await probe(['-f', 'extra-hosts.yaml']);
    expect(r.code, r.stderr).to.equal(0);
    const report = r.report!;
    expect(grid(report, 'dns')).to.deep.equal({
      a: { a: '.', b: '.', far: '.', n: 'X' },
      b: { a: '.', b: '.', far: 'X', n: 'X' },
      far: { a: 'X', b: 'X', far: '.', n: 'X' },
      n: { a: 'X', b: '.', far: 'X', n: 'X' },
    });
    const shadowed = report.results.find((x) => x.case.kind === 'dns' && x.case.source === 'a' && x.case.column === 'b')!;
    expect(shadowed.final!.detail).to.equal('/etc/hosts: 10.40.250.9');
    expect(report.summary).to.include({ disagreeing: 0, failed: 0 });
    expect(await labelled(r.run)).to.deep.equal([]);
  });

  it('the gateway network decides publishing: a macvlan gateway publishes nothing, a bridge one does', async () => {
    const r = await probe(['-f', 'gateway.yaml']);
    expect(r.code, r.stderr).to.equal(0);
    expect(grid(r.report!, 'host')).to.deep.equal({ host: { 'mac:18311->80/tcp': 'X', 'ok:18312->80/tcp': '.', 'prio:18313->80/tcp': 'X' } });
    expect(r.report!.summary).to.include({ disagreeing: 0, failed: 0 });
    expect(await labelled(r.run)).to.deep.equal([]);
  });

  it('host networking with "P:P": the mapping is discarded, the host reaches P anyway, and no-host-network-ports is confirmed', async () => {
    const r = await probe(['-f', 'host-network-same-port.yaml']);
    expect(r.code, r.stderr).to.equal(0);
    const report = r.report!;
    expect(grid(report, 'host')).to.deep.equal({
      host: { 'agent:18206->18206/tcp': '.', 'agent:18207->18208/tcp': 'X', 'agent:18206/tcp (host network)': '.', 'agent:18208/tcp (host network)': '.' },
    });
    expect(verdicts(report)).to.deep.equal(['no-host-network-ports agent: confirmed']);
    expect(report.findings[0].reason).to.equal('host → agent:18207->18208/tcp: blocked; host → agent:18206/tcp (host network): reachable; host → agent:18208/tcp (host network): reachable');
    expect(report.summary).to.include({ disagreeing: 0, failed: 0 });
    expect(await labelled(r.run)).to.deep.equal([]);
  });

  it('rules stay quiet where nothing happens: replicas on an internal network all start, an unused network is never created', async () => {
    const r = await probe(['-f', 'nothing-happens.yaml']);
    expect(r.code, r.stderr).to.equal(0);
    const report = r.report!;
    // no no-scaled-fixed-host-port, no no-overlapping-subnets
    expect(verdicts(report)).to.deep.equal(['no-ports-on-internal-network cache: confirmed', 'no-unused-network legacy: not-probed']);
    expect(report.events).to.deep.equal([]);
    expect(r.stderr).to.include('waiting for 3 containers to be ready');
    expect(r.stderr).to.include('created 2 networks');
    expect(report.summary).to.include({ disagreeing: 0, failed: 0 });
    expect(await labelled(r.run)).to.deep.equal([]);
  });

  it('a duplicate host port is lost by the service that starts later: depends_on targets start first', async () => {
    const r = await probe(['-f', 'duplicate-ports-dependency.yaml']);
    expect(r.code, r.stderr).to.equal(0);
    const report = r.report!;
    expect(grid(report, 'host')).to.deep.equal({ host: { 'web:18331->80/tcp': 'X', 'admin:18331->8080/tcp': '.' } });
    expect(report.events.map((e) => `${e.kind} ${e.service} ${e.port}/${e.protocol}`)).to.deep.equal(['bind-failed web 18331/tcp']);
    // the finding is web's, the entry that loses
    expect(verdicts(report)).to.deep.equal(['no-duplicate-published-ports web: confirmed']);
    expect(report.summary).to.include({ disagreeing: 0, failed: 0 });
    expect(await labelled(r.run)).to.deep.equal([]);
  });

  it('verdict links claim the paths the model predicts: off the default bridge no path, a missing alias on a shared network a path', async () => {
    const r = await probe(['-f', 'wrong-paths.yaml']);
    expect(r.code, r.stderr).to.equal(0);
    const report = r.report!;
    expect(verdicts(report)).to.deep.equal(['no-default-bridge-dns a: confirmed', 'no-unreachable-reference c: confirmed']);
    expect(report.findings.map((v) => v.reason)).to.deep.equal(['dns a resolves "b": blocked; tcp a → b:80/tcp: blocked', 'dns c resolves "store": blocked; tcp c → d:81/tcp: reachable']);
    expect(report.summary).to.include({ disagreeing: 0, failed: 0 });
    expect(await labelled(r.run)).to.deep.equal([]);
  });
});
