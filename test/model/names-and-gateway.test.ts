import { expect } from 'chai';
import { buildGraph, parseEngine, type Network, type NetworkGraph, type ServiceNetwork } from '../../lib/model';
import { gatewayOf, type GatewayCandidate } from '../../lib/model/gateway';
import { loadProject } from '../../lib/source/project';
import { tempProject } from '../helpers/project';

const graphOf = (text: string, mode: 'compose' | 'stack' | 'auto' = 'auto') => buildGraph(loadProject({ cwd: tempProject({ 'compose.yaml': text }), env: {}, mode }));
const lines = (...l: string[]): string => [...l, ''].join('\n');
/** `resolves` as "service on network" strings. */
const found = (g: NetworkGraph, source: string, name: string): string[] => g.resolves(source, name).map((r) => `${r.service} on ${r.network}`);

describe('graph: hostnames, /etc/hosts and the gateway network (issue 13)', () => {
  it('a hostname resolves on every user network of its container, and in its own /etc/hosts, not elsewhere', () => {
    const g = graphOf(
      lines(
        'services:',
        '  a: {image: x, hostname: b, networks: [default, side]}',
        '  b: {image: x, network_mode: none}',
        '  c: {image: x}',
        '  s: {image: x, networks: [side]}',
        '  far: {image: x, networks: [other]}',
        'networks: {side: {}, other: {}}',
      ),
    );
    expect(found(g, 'c', 'b')).to.deep.equal(['a on default']);
    expect(found(g, 's', 'b')).to.deep.equal(['a on side']);
    expect(found(g, 'a', 'b')).to.deep.equal(['a on default']);
    expect(found(g, 'far', 'b')).to.deep.equal([]);
    expect(g.isProjectName('b')).to.equal(true);
  });

  it('on the default bridge: the own /etc/hosts maps the hostname and its first label; a linker gets alias, hostname and container name', () => {
    const g = graphOf(lines('services:', '  d: {image: x, network_mode: bridge, hostname: dee.example.test, container_name: dd}', '  e: {image: x, network_mode: bridge, links: ["d:db"]}', '  f: {image: x, network_mode: bridge}'));
    expect(found(g, 'd', 'dee.example.test')).to.deep.equal(['d on bridge']);
    expect(found(g, 'd', 'dee')).to.deep.equal(['d on bridge']);
    expect(found(g, 'e', 'dee.example.test')).to.deep.equal(['d on bridge']);
    expect(found(g, 'e', 'db')).to.deep.equal(['d on bridge']);
    expect(found(g, 'e', 'dd')).to.deep.equal(['d on bridge']);
    expect(found(g, 'e', 'dee')).to.deep.equal([]);
    expect(found(g, 'f', 'dee.example.test')).to.deep.equal([]);
  });

  it('a legacy link on a user network reaches only its target, and nothing when they share no network (seeds 26, 164)', () => {
    const g = graphOf(
      lines(
        'services:',
        '  a: {image: x, links: [b]}',
        '  b: {image: x, network_mode: host}',
        '  c: {image: x, hostname: b}',
        '  d: {image: x, links: ["e:alias"], networks: [default, side]}',
        '  e: {image: x, networks: [side]}',
        '  f: {image: x, hostname: alias, networks: [default, side]}',
        '  g: {image: x, links: [h]}',
        '  h: {image: x, scale: 0}',
        '  i: {image: x, hostname: h}',
        'networks: {side: {}}',
      ),
    );
    expect(found(g, 'a', 'b')).to.deep.equal([]);
    expect(found(g, 'c', 'b')).to.deep.equal(['c on default']);
    expect(found(g, 'd', 'alias')).to.deep.equal(['e on side']);
    expect(found(g, 'a', 'alias')).to.deep.equal(['f on default']);
    // a service with no container gets no link, so the name falls through
    expect(found(g, 'g', 'h')).to.include('i on default');
  });

  it('an extra_hosts line shadows a project name, for a service with or without networks', () => {
    const g = graphOf(lines('services:', '  a: {image: x, extra_hosts: ["b:10.40.250.9"]}', '  b: {image: x}', '  n: {image: x, network_mode: none, extra_hosts: ["b=10.40.250.9"]}'));
    expect(found(g, 'a', 'b')).to.deep.equal([]);
    expect(g.extraHost('a', 'B')?.host).to.equal('b');
    expect(found(g, 'b', 'b')).to.deep.equal(['b on default']);
    expect(g.extraHost('n', 'b')?.host).to.equal('b');
  });

  it('the gateway is the first non-internal network by Docker name, unless gw_priority says otherwise; a macvlan gateway publishes nothing', () => {
    const g = graphOf(
      lines(
        'name: p',
        'services:',
        '  mac: {image: x, ports: ["8080:80"], networks: [a_mac, z_bridge]}',
        '  late: {image: x, ports: ["8081:80"], networks: [z_mac, a_int, b_bridge]}',
        '  prio: {image: x, ports: ["8082:80"], networks: {a_mac: {}, z_bridge: {gw_priority: 1}}}',
        '  named: {image: x, ports: ["8083:80"], networks: [z_mac, b_bridge_named]}',
        'networks:',
        '  a_mac: {driver: macvlan, driver_opts: {parent: eth9}}',
        '  z_mac: {driver: macvlan, driver_opts: {parent: eth9}}',
        '  z_bridge: {}',
        '  b_bridge: {}',
        '  b_bridge_named: {name: zz_last}',
        '  a_int: {internal: true}',
      ),
    );
    expect(g.gateway('mac')?.network).to.equal('a_mac');
    expect(g.bindingOutcome('mac', 0)).to.deep.equal({ kind: 'unreachable', why: 'gateway-driver', network: 'a_mac' });
    expect(g.publishedOnHost('mac')).to.deep.equal([]);
    expect(g.gateway('late')?.network).to.equal('b_bridge');
    expect(g.bindingOutcome('late', 0)).to.deep.equal({ kind: 'bound', ephemeral: false });
    expect(g.gateway('prio')?.network).to.equal('z_bridge');
    expect(g.bindingOutcome('prio', 0)?.kind).to.equal('bound');
    // "zz_last" sorts after "p_z_mac"
    expect(g.gateway('named')?.network).to.equal('z_mac');
    expect(g.bindingOutcome('named', 0)?.kind).to.equal('unreachable');
  });

  it('gw_priority decides only on engines that read it (28.0 on)', () => {
    const text = lines('services:', '  prio: {image: x, ports: ["8082:80"], networks: {a_mac: {}, z_bridge: {gw_priority: 1}}}', 'networks:', '  a_mac: {driver: macvlan, driver_opts: {parent: eth9}}', '  z_bridge: {}');
    const project = loadProject({ cwd: tempProject({ 'compose.yaml': text }), env: {}, mode: 'compose' });
    expect(buildGraph(project, parseEngine('docker@28.0')).gateway('prio')?.network).to.equal('z_bridge');
    const old = buildGraph(project, parseEngine('docker@20.10'));
    expect(old.gateway('prio')?.network).to.equal('a_mac');
    expect(old.bindingOutcome('prio', 0)).to.deep.equal({ kind: 'unreachable', why: 'gateway-driver', network: 'a_mac' });
  });

  it('a network with IPv6 comes before an IPv4-only one named earlier', () => {
    const g = graphOf(lines('services:', '  a: {image: x, networks: [aa, zz]}', 'networks:', '  aa: {}', '  zz: {enable_ipv6: true, ipam: {config: [{subnet: "fd13:b::/64"}]}}'));
    expect(g.gateway('a')?.network).to.equal('zz');
  });

  it('network names compare as Go compares strings, by UTF-8 bytes: U+FFFF before U+10000, which JavaScript puts first', () => {
    const candidate = (dockerName: string): GatewayCandidate => ({ spec: { name: dockerName } as ServiceNetwork, network: { dockerName } as Network, ipv6: false });
    const [bmp, astral] = [candidate('n\uffff'), candidate('n\u{10000}')];
    expect(astral.network.dockerName < bmp.network.dockerName).to.equal(true);
    expect(gatewayOf([astral, bmp], false)).to.equal(bmp);
    expect(gatewayOf([bmp, astral], false)).to.equal(bmp);
    expect(gatewayOf([candidate('b'), candidate('ab'), candidate('a')], false)?.network.dockerName).to.equal('a');
  });

  it('a container that publishes nothing claims no host port: two of them on one port both start', () => {
    const g = graphOf(lines('services:', '  a: {image: x, ports: ["18301:80"], networks: [priv]}', '  b: {image: x, ports: ["18301:80"], networks: [priv]}', 'networks: {priv: {internal: true}}'));
    expect(g.portConflicts()).to.deep.equal([]);
    expect(g.bindingOutcome('b', 0)).to.deep.equal({ kind: 'unreachable', why: 'only-internal' });
  });

  it('a host-network service listens on its declared ports on the host: "P:P" is discarded, yet the host reaches P', () => {
    const g = graphOf(lines('services:', '  agent: {image: x, network_mode: host, ports: ["18206:18206", "18207:18208"], expose: ["9000-9002/udp"]}', '  web: {image: x, ports: ["18209:18209"]}'));
    expect(g.bindingOutcome('agent', 0)).to.deep.equal({ kind: 'discarded', why: 'host' });
    expect(g.listensOnHost('agent', 18206, 'tcp')).to.equal(true);
    expect(g.listensOnHost('agent', 18207, 'tcp')).to.equal(false);
    expect(g.listensOnHost('agent', 18208, 'tcp')).to.equal(true);
    expect(g.listensOnHost('agent', 9001, 'udp')).to.equal(true);
    expect(g.listensOnHost('agent', 9001, 'tcp')).to.equal(false);
    expect(g.listensOnHost('web', 18209, 'tcp')).to.equal(false);
  });
});
