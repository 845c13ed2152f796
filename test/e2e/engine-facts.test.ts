import { expect } from 'chai';
import type Docker from 'dockerode';
import { engineHas, type EngineFactId, type EngineTarget } from '../../lib/model/engine-target';
import type { Engine } from '../../lib/probe/engine';
import { PROBE_IMAGE, requireEngine } from './helpers';

/**
 * The version-dependent facts of lib/model/engine-target.ts, checked on the engine the tests run against (Docker
 * 20.10 here): each test reads the engine's version as a target, asks the table what that version does, and makes
 * the engine show it. On another engine the same tests check the other side of each boundary.
 *
 * Everything created carries LABEL (removed in `after`, and only that); subnets are 10.216.0.0/16 and fd16::/16,
 * and no packet leaves the containers created here.
 */
const LABEL = 'com.compose-netlint.test';
const RUN = `engine-facts-${process.pid}`;
const LABELS = { [LABEL]: RUN };

describe('engine facts on docker: the table says what the engine does', function () {
  this.timeout(120_000);
  let engine: Engine;
  let target: EngineTarget;
  let docker: Docker;
  const name = (what: string) => `cnl-ef-${process.pid}-${what}`;

  before(async function () {
    engine = await requireEngine(this);
    docker = engine.docker;
    if (!engine.target) throw new Error(`the engine's version "${engine.version}" cannot be read as a target`);
    target = engine.target;
  });

  after(async () => {
    if (!docker) return;
    const filters = JSON.stringify({ label: [`${LABEL}=${RUN}`] });
    for (const c of await docker.listContainers({ all: true, filters })) await docker.getContainer(c.Id).remove({ force: true });
    for (const n of await docker.listNetworks({ filters })) await docker.getNetwork(n.Id).remove();
  });

  const has = (fact: EngineFactId) => engineHas(target, fact);

  /** Creates a network; returns the engine's error message instead when it refuses. */
  async function network(what: string, spec: Partial<Docker.NetworkCreateOptions>): Promise<{ id?: string; refused?: string }> {
    try {
      const n = await docker.createNetwork({ Name: name(what), CheckDuplicate: true, Labels: LABELS, ...spec });
      return { id: n.id };
    } catch (error) {
      return { refused: (error as { json?: { message?: string } }).json?.message ?? (error as Error).message };
    }
  }

  /** Runs `cmd` in a probe-image container to its end; its output, or the engine's refusal to create or start it. */
  async function run(what: string, cmd: string[], options: Partial<Docker.ContainerCreateOptions> = {}): Promise<{ output?: string; refused?: string }> {
    let container: Docker.Container;
    try {
      container = await docker.createContainer({ name: name(what), Image: PROBE_IMAGE, Cmd: cmd, Tty: true, Labels: LABELS, ...options });
      await container.start();
    } catch (error) {
      return { refused: (error as { json?: { message?: string } }).json?.message ?? (error as Error).message };
    }
    await container.wait();
    const output = (await container.logs({ stdout: true, stderr: true })).toString('utf8');
    return { output };
  }

  it('static-ip-needs-user-subnet: an ipv4_address on a network whose subnet the engine picks', async () => {
    const net = await network('picked', {});
    expect(net.refused).to.equal(undefined);
    const info = await docker.getNetwork(net.id!).inspect();
    const subnet = info.IPAM?.Config?.[0]?.Subnet ?? '';
    const address = subnet.replace(/\.0\/\d+$/, '.10');
    const r = await run('picked', ['true'], { HostConfig: { NetworkMode: name('picked') }, NetworkingConfig: { EndpointsConfig: { [name('picked')]: { IPAMConfig: { IPv4Address: address } } } } });
    if (has('static-ip-needs-user-subnet')) expect(r.refused).to.match(/user specified IP address is supported only when connecting to networks with user configured subnets/);
    else expect(r.refused).to.equal(undefined);
  });

  it('ipam-validated: host bits in a subnet, and an ip_range wider than or outside its subnet', async () => {
    const hostBits = await network('hostbits', { IPAM: { Driver: 'default', Config: [{ Subnet: '10.216.4.5/24' }] } });
    const wide = await network('wide', { IPAM: { Driver: 'default', Config: [{ Subnet: '10.216.5.0/24', IPRange: '10.216.0.0/16' }] } });
    const outside = await network('outside', { IPAM: { Driver: 'default', Config: [{ Subnet: '10.216.6.0/24', IPRange: '10.216.7.0/28' }] } });
    if (has('ipam-validated')) {
      expect(hostBits.refused).to.match(/it should be 10\.216\.4\.0\/24/);
      expect(wide.refused).to.match(/invalid ip-range/);
      expect(outside.refused).to.match(/invalid ip-range/);
      return;
    }
    expect([hostBits.refused, wide.refused, outside.refused]).to.deep.equal([undefined, undefined, undefined]);
    // accepted as written, and the range outside the subnet is not honoured: the container gets a subnet address
    expect((await docker.getNetwork(hostBits.id!).inspect()).IPAM?.Config?.[0]?.Subnet).to.equal('10.216.4.5/24');
    const r = await run('outside', ['ip', '-4', 'addr', 'show', 'eth0'], { HostConfig: { NetworkMode: name('outside') } });
    expect(r.output).to.match(/inet 10\.216\.6\.\d+\/24/);
  });

  it('ipv6-subnet-enables-ipv6 and static-ipv6-checked: an ipv6_address on a network with an IPv6 subnet but no enable_ipv6', async () => {
    const net = await network('v6', { IPAM: { Driver: 'default', Config: [{ Subnet: '10.216.8.0/24' }, { Subnet: 'fd16:8::/64' }] } });
    expect(net.refused).to.equal(undefined);
    const r = await run('v6', ['ip', '-6', 'addr', 'show', 'eth0'], { HostConfig: { NetworkMode: name('v6') }, NetworkingConfig: { EndpointsConfig: { [name('v6')]: { IPAMConfig: { IPv4Address: '10.216.8.10', IPv6Address: 'fd16:8::10' } } } } });
    if (has('ipv6-subnet-enables-ipv6')) expect(r.output).to.include('fd16:8::10');
    else if (has('static-ipv6-checked')) expect(r.refused).to.match(/user configured subnets|no configured subnet/);
    // the container starts silently without IPv6
    else expect([r.refused, r.output?.includes('fd16:8::10')]).to.deep.equal([undefined, false]);
  });

  it('subnet-size-request: two networks with the subnet 0.0.0.0/24', async () => {
    const first = await network('size1', { IPAM: { Driver: 'default', Config: [{ Subnet: '0.0.0.0/24' }] } });
    const second = await network('size2', { IPAM: { Driver: 'default', Config: [{ Subnet: '0.0.0.0/24' }] } });
    expect(first.refused).to.equal(undefined);
    if (has('subnet-size-request')) expect(second.refused).to.equal(undefined);
    // taken literally, the second overlaps the first
    else expect(second.refused).to.match(/Pool overlaps with other one on this address space/);
  });

  it('legacy-link-env: a link sets DB_PORT and DB_PORT_5432_TCP_ADDR in the linking container', async () => {
    const db = await docker.createContainer({ name: name('db'), Image: PROBE_IMAGE, Cmd: ['sleep', '60'], ExposedPorts: { '5432/tcp': {} }, Labels: LABELS });
    await db.start();
    const r = await run('linking', ['sh', '-c', 'echo "port=$DB_PORT addr=$DB_PORT_5432_TCP_ADDR"'], { HostConfig: { Links: [`${name('db')}:db`] } });
    if (has('legacy-link-env')) expect(r.output).to.match(/port=tcp:\/\/\d+\.\d+\.\d+\.\d+:5432 addr=\d+\.\d+\.\d+\.\d+/);
    else expect(r.output?.trim()).to.equal('port= addr=');
  });

  it('internal-no-default-route: a container only on an internal network', async () => {
    const net = await network('internal', { Internal: true, IPAM: { Driver: 'default', Config: [{ Subnet: '10.216.9.0/24' }] } });
    expect(net.refused).to.equal(undefined);
    // `ip route get` only asks the kernel which way a packet to an unused address would go: nothing is sent
    const r = await run('internal', ['sh', '-c', 'ip route; echo ---; ip route get 10.216.99.1 2>&1; echo ---; cat /etc/resolv.conf'], { HostConfig: { NetworkMode: name('internal') } });
    const [routes, way, resolv] = (r.output ?? '').split('---');
    // the embedded DNS server answers either way; whether it forwards outside names (internal-no-external-dns) is
    // not checked here, since that would send a query out of the machine
    expect(resolv).to.match(/^nameserver 127\.0\.0\.11$/m);
    if (has('internal-no-default-route')) {
      expect(routes).not.to.match(/^default/m);
      expect(way).to.match(/Network unreachable/i);
    } else {
      expect(routes).to.match(/^default via 10\.216\.9\.1 /m);
      // an outside address goes to the gateway, where the internal network's rules drop it: connections hang
      expect(way).to.match(/^10\.216\.99\.1 via 10\.216\.9\.1 dev eth0/m);
    }
  });

  it('hostname-resolves: another container on the network finds a container by its hostname', async () => {
    const net = await network('dns', { IPAM: { Driver: 'default', Config: [{ Subnet: '10.216.10.0/24' }] } });
    expect(net.refused).to.equal(undefined);
    const named = await docker.createContainer({ name: name('named'), Hostname: 'cnl-facts-host', Image: PROBE_IMAGE, Cmd: ['sleep', '60'], Labels: LABELS, HostConfig: { NetworkMode: name('dns') } });
    await named.start();
    const r = await run('asker', ['nslookup', 'cnl-facts-host', '127.0.0.11'], { HostConfig: { NetworkMode: name('dns') } });
    if (has('hostname-resolves')) expect(r.output).to.match(/Address: 10\.216\.10\.\d+/);
    else expect(r.output).not.to.match(/Address: 10\.216\.10\.\d+/);
  });
});
