import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { RUN_LABEL } from '../../lib/probe';
import { connect } from '../../lib/probe/engine';
import { grid, labelled, probe, requireEngine, verdicts } from './helpers';

describe('probe on docker: ports, namespaces and drivers', function () {
  this.timeout(120_000);
  before(async function () {
    await requireEngine(this);
  });

  it('host networking: the published mapping does not exist, the listener is on the host port', async () => {
    const r = await probe(['-f', 'host-network-ports.yaml']);
    expect(r.code, r.stderr).to.equal(0);
    const report = r.report!;
    expect(grid(report, 'host')).to.deep.equal({
      host: { 'agent:18201->18202/tcp': 'X', 'agent:18202/tcp (host network)': '.', 'app:18203->80/tcp': '.' },
    });
    // a host-network container would use the host's resolver: no name is looked up from it
    expect(grid(report, 'dns')).to.deep.equal({
      agent: { agent: '-', app: '-' },
      app: { agent: 'X', app: '.' },
    });
    expect(verdicts(report)).to.deep.equal(['no-host-network-ports agent: confirmed']);
    expect(report.findings[0].reason).to.equal('host → agent:18201->18202/tcp: blocked; host → agent:18202/tcp (host network): reachable');
    expect(await labelled(r.run)).to.deep.equal([]);
  });

  it('duplicate published ports: the engine refuses the second bind, which confirms no-duplicate-published-ports', async () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cnl-e2e-')), 'probe.xml');
    const r = await probe(['-f', 'duplicate-ports.yaml', '--format', 'junit', '--output', out]);
    expect(r.code, r.stderr).to.equal(0);
    const report = r.report!;
    expect(grid(report, 'host')).to.deep.equal({
      host: {
        'web:18301->80/tcp': '.',
        'admin:18301->8080/tcp': 'X',
        'metrics:18302->9100/tcp': '.',
        'metrics:127.0.0.2:18302->9100/tcp': '.',
      },
    });
    expect(report.events.map((e) => `${e.kind} ${e.service} ${e.port}/${e.protocol}`)).to.deep.equal(['bind-failed admin 18301/tcp']);
    expect(verdicts(report)).to.deep.equal(['no-duplicate-published-ports admin: confirmed']);
    // every interface is bound as 127.0.0.1: the collision is the same, on loopback
    expect(report.findings[0].reason).to.match(/^the engine: "admin" could not bind 127\.0\.0\.1:18301\/tcp: Bind for 127\.0\.0\.1:18301 failed: port is already allocated$/);
    expect(report.notes).to.include('the twin binds published ports on loopback only, where the probes look: no host IP (every interface) as 127.0.0.1');
    // admin was started again without the lost binding: its other paths were probed
    expect(grid(report, 'tcp').web).to.deep.equal({ 'admin:8080/tcp': '.', 'metrics:9100/tcp': '.' });
    expect(r.stdout).to.equal('');
    const xml = fs.readFileSync(out, 'utf8');
    expect(xml).to.match(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="compose-netlint probe" tests="\d+" failures="0" errors="0" skipped="0"/);
    expect(xml).to.match(/<testcase classname="probe\.findings" name="no-duplicate-published-ports duplicate-ports\.yaml:\d+:\d+"><\/testcase>/);
    expect(await labelled(r.run)).to.deep.equal([]);
  });

  it('a host range narrower than the replica count: two of three replicas bind, the third fails as no-scaled-fixed-host-port says (seeds 45, 123, 158, 159, 181)', async () => {
    const r = await probe(['-f', 'narrow-pool.yaml']);
    const report = r.report!;
    expect(report.events.map((e) => `${e.kind} ${e.service} ${e.replica} ${e.port}/${e.protocol} ${e.predicted}`)).to.deep.equal(['bind-failed pool 3 18961/tcp true']);
    expect(report.events[0].message).to.match(/could not bind 127\.0\.0\.1:18961-18962\/tcp: .*all ports are allocated$/);
    expect(verdicts(report)).to.deep.equal(['no-scaled-fixed-host-port pool: confirmed']);
    expect(report.summary).to.include({ disagreeing: 0, failed: 0, unpredicted: 0 });
    expect(r.code, r.stderr).to.equal(0);
    expect(await labelled(r.run)).to.deep.equal([]);
  });

  it("a host range beside its own container's ports: a sure failure is confirmed, an engine-dependent one is not probed (seed 4)", async () => {
    const r = await probe(['-f', 'pool-beside-own-ports.yaml']);
    const report = r.report!;
    // which entry of db fails depends on the order the engine binds them; db fails either way, and kv may
    expect(report.events.every((e) => e.kind === 'bind-failed' && e.predicted)).to.equal(true);
    expect(report.events.filter((e) => e.service === 'db').length).to.be.greaterThan(0);
    expect(verdicts(report)).to.deep.equal(['no-duplicate-published-ports db: confirmed', 'no-duplicate-published-ports kv: not-probed']);
    expect(report.findings[1].reason).to.match(/^host range "18965-18966\/tcp" of "kv" takes the next free port/);
    expect(grid(report, 'host').host).to.deep.include({ 'db:18963->6379/tcp': '-', 'kv:18965->6379/tcp': '-', 'kv:18967->80/tcp': '.' });
    expect(report.summary).to.include({ disagreeing: 0, failed: 0, unpredicted: 0 });
    expect(r.code, r.stderr).to.equal(0);
    expect(await labelled(r.run)).to.deep.equal([]);
  });

  it('published ports are bound on loopback only, a range on its first 64 ports and its last, and the report says so', async () => {
    const bound: string[] = [];
    const r = await probe(['-f', 'loopback-ports.yaml'], {
      // while the twin is up: what the engine really bound
      built: async (run) => {
        const { docker } = await connect(process.env);
        for (const c of await docker.listContainers({ filters: JSON.stringify({ label: [`${RUN_LABEL}=${run}`] }) })) {
          const info = (await docker.getContainer(c.Id).inspect()) as { NetworkSettings: { Ports: Record<string, { HostIp: string; HostPort: string }[] | null> } };
          for (const list of Object.values(info.NetworkSettings.Ports ?? {})) for (const b of list ?? []) bound.push(b.HostIp);
        }
      },
    });
    expect(r.code, r.stderr).to.equal(0);
    expect(bound.filter((ip) => ip !== '127.0.0.1' && ip !== '127.0.0.2')).to.deep.equal([]);
    expect(bound).to.have.length(2 + 65 + 1);
    expect(grid(r.report!, 'host')).to.deep.equal({
      host: { 'web:18601->80/tcp': '.', 'web:18602->81/tcp': '.', 'wide:18700->18700/tcp': '.', 'wide:20699->20699/tcp': '.', 'lan:10.203.0.9:18603->82/tcp': '.' },
    });
    expect(r.report!.notes).to.include('the twin binds published ports on loopback only, where the probes look: no host IP (every interface) as 127.0.0.1, "0.0.0.0" as 127.0.0.1, "10.203.0.9" as 127.0.0.2');
    expect(r.stdout).not.to.include('Not probed');
    expect(await labelled(r.run)).to.deep.equal([]);
  });

  it('aliases, a sidecar sharing a namespace, an internal network with ports and network_mode none', async () => {
    const r = await probe(['-f', 'namespaces.yaml']);
    expect(r.code, r.stderr).to.equal(0);
    const report = r.report!;
    const onAppnet = { app: '.', sidecar: 'X', client: '.', vault: 'X', island: 'X', backend: '.', 'api.internal': '.' };
    expect(grid(report, 'dns')).to.deep.equal({
      app: onAppnet,
      // the sidecar has app's DNS view
      sidecar: onAppnet,
      client: onAppnet,
      vault: { app: 'X', sidecar: 'X', client: 'X', vault: '.', island: 'X', backend: 'X', 'api.internal': 'X' },
      island: { app: 'X', sidecar: 'X', client: 'X', vault: 'X', island: 'X', backend: 'X', 'api.internal': 'X' },
    });
    expect(grid(report, 'tcp')).to.deep.equal({
      app: { 'vault:8200/tcp': 'X', 'island:80/tcp': '-' },
      // the sidecar reaches app on localhost, its own loopback (its UPSTREAM), which app's listener answers
      sidecar: { 'vault:8200/tcp': 'X', 'island:80/tcp': '-', 'app:8080/tcp': '.', 'loopback:8080/tcp': '.' },
      client: { 'vault:8200/tcp': 'X', 'island:80/tcp': '-', 'app:8080/tcp': '.' },
      vault: { 'island:80/tcp': '-', 'app:8080/tcp': 'X' },
      island: { 'vault:8200/tcp': 'X', 'app:8080/tcp': 'X' },
    });
    expect(grid(report, 'udp')).to.deep.equal({
      sidecar: { 'app:5353/udp': '.' },
      client: { 'app:5353/udp': '.' },
      vault: { 'app:5353/udp': 'X' },
      island: { 'app:5353/udp': 'X' },
    });
    expect(grid(report, 'host')).to.deep.equal({ host: { 'vault:18401->8200/tcp': 'X', 'island:18402->80/tcp': 'X' } });
    expect(verdicts(report)).to.deep.equal(['no-ports-on-internal-network vault: confirmed', 'no-ports-on-none-network island: confirmed']);
    expect(r.stdout).to.include('Not probed\n  4 cells: "island" has network_mode none: it has no address\n');
    expect(await labelled(r.run)).to.deep.equal([]);
  });

  it('macvlan: the physical parent is replaced by a veth pair, which is removed afterwards', async () => {
    const r = await probe(['-f', 'macvlan.yaml']);
    expect(r.code, r.stderr).to.equal(0);
    expect(grid(r.report!, 'dns')).to.deep.equal({ camera: { camera: '.', recorder: '.' }, recorder: { camera: '.', recorder: '.' } });
    expect(grid(r.report!, 'tcp')).to.deep.equal({ recorder: { 'camera:554/tcp': '.' } });
    expect(r.report!.notes).to.deep.equal([`macvlan network "lan": parent "eth0" is replaced by veth "cnl${r.run}0a", created for this run`]);
    expect(r.stderr).to.match(/removed 2 containers, 1 network, 1 veth/);
    expect(await labelled(r.run)).to.deep.equal([]);
  });
});
