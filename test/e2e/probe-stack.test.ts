import { expect } from 'chai';
import { RUN_LABEL } from '../../lib/probe';
import type { Engine } from '../../lib/probe/engine';
import { grid, labelled, probe, requireEngine, verdicts } from './helpers';

describe('probe on docker: a stack on a single-node Swarm', function () {
  this.timeout(180_000);
  let engine: Engine;
  before(async function () {
    engine = await requireEngine(this, { swarm: true });
  });

  it('an encrypted overlay: services and tasks.<service> names behave as the graph says; nothing is published', async () => {
    const options: Record<string, Record<string, string>> = {};
    const r = await probe(['-f', 'encrypted-overlay-stack.yml', '--mode', 'stack', '-p', 'e2e-stack'], {
      // while the twin is up: its overlays carry the project's driver options
      built: async (run) => {
        for (const n of await engine.docker.listNetworks({ filters: JSON.stringify({ label: [`${RUN_LABEL}=${run}`] }) })) {
          options[n.Labels!['com.compose-netlint.network']] = { driver: n.Driver, ...n.Options };
        }
      },
    });
    expect(r.code, r.stderr).to.equal(0);
    const report = r.report!;
    expect(report.mode).to.equal('stack');
    expect(options.secure).to.include({ driver: 'overlay', encrypted: '' });
    expect(options.public.driver).to.equal('overlay');
    expect(options.public).not.to.have.property('encrypted');
    expect(grid(report, 'dns')).to.deep.equal({
      api: { api: '.', web: '.', worker: 'X', 'tasks.api': '.', 'tasks.web': '.', 'tasks.worker': 'X' },
      web: { api: '.', web: '.', worker: '.', 'tasks.api': '.', 'tasks.web': '.', 'tasks.worker': '.' },
      worker: { api: 'X', web: '.', worker: '.', 'tasks.api': 'X', 'tasks.web': '.', 'tasks.worker': '.' },
    });
    expect(grid(report, 'tcp')).to.deep.equal({
      api: { 'web:80/tcp': '.' },
      web: { 'api:8080/tcp': '.' },
      worker: { 'web:80/tcp': '.', 'api:8080/tcp': 'X' },
    });
    // Swarm publishes on every interface: the twin of a stack publishes nothing, and says why
    const swarm = 'Swarm publishes a port on every interface of the machine (a Swarm port has no host address); the twin of a stack publishes none';
    expect(grid(report, 'host')).to.deep.equal({ host: { 'web:18501->80/tcp': '-' } });
    expect(report.notes).to.include(`${swarm}; published ports are not probed`);
    expect(report.results.find((x) => x.case.kind === 'host')!.case.skip).to.equal(swarm);
    // both replicas of api ran
    expect(report.results.find((x) => x.case.kind === 'dns' && x.case.source === 'web' && x.case.column === 'tasks.api')!.final!.addresses).to.have.length(2);
    // the unencrypted overlay is flagged; that is a matter between nodes, which one node cannot show
    expect(verdicts(report)).to.deep.equal(['require-overlay-encryption public: not-probed']);
    expect(report.findings[0].reason).to.equal('encryption shows only on traffic between Swarm nodes; the twin runs on one');
    expect(await labelled(r.run)).to.deep.equal([]);
  });

  it('a service whose network_mode docker stack deploy ignores runs on the stack default network, as the graph says', async () => {
    const r = await probe(['-f', 'network-mode-ignored-stack.yml', '--mode', 'stack', '-p', 'e2e-nmstack']);
    const report = r.report!;
    expect(report.notes.filter((n) => n.includes('"cache"'))).to.deep.equal([]);
    // cache resolves where web (default) looks it up, not from api (only on back)
    expect(grid(report, 'dns')).to.deep.include({ web: { web: '.', api: 'X', cache: '.', 'tasks.web': '.', 'tasks.api': 'X', 'tasks.cache': '.' } });
    expect(grid(report, 'dns').api).to.include({ cache: 'X' });
    expect(grid(report, 'tcp').web).to.include({ 'cache:6379/tcp': '.' });
    expect(verdicts(report)).to.include('no-unreachable-reference api: confirmed');
    expect(report.summary).to.include({ disagreeing: 0, failed: 0, notProbed: 0 });
    expect(r.code, r.stderr).to.equal(0);
    expect(await labelled(r.run)).to.deep.equal([]);
  });

  it('a dnsrr service with an ingress port: the engine refuses it before publishing anything; the stack publishes nothing else', async () => {
    const specs: unknown[] = [];
    const r = await probe(['-f', 'dnsrr-ingress-stack.yml', '--mode', 'stack', '-p', 'e2e-dnsrr'], {
      built: async (run) => {
        for (const s of (await engine.docker.listServices({ filters: JSON.stringify({ label: [`${RUN_LABEL}=${run}`] }) })) as { Spec: { EndpointSpec?: { Ports?: unknown[] } } }[]) {
          specs.push(...(s.Spec.EndpointSpec?.Ports ?? []), ...((s as { Endpoint?: { Ports?: unknown[] } }).Endpoint?.Ports ?? []));
        }
      },
    });
    expect(r.code, r.stderr).to.equal(0);
    const report = r.report!;
    expect(verdicts(report)).to.include('no-dnsrr-ingress search: confirmed');
    expect(report.findings.find((v) => v.finding.ruleId === 'no-dnsrr-ingress')!.reason).to.match(/^the engine: the engine refused the Swarm service "search": .*port published with ingress mode can't be used with dnsrr mode/);
    // web runs, with no published port
    expect(specs).to.deep.equal([]);
    expect(grid(report, 'host')).to.deep.equal({ host: { 'search:18511->9200/tcp': '-', 'web:18512->80/tcp': '-' } });
    expect(await labelled(r.run)).to.deep.equal([]);
  });
});
