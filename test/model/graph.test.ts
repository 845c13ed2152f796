import { expect } from 'chai';
import { buildGraph, type NetworkGraph } from '../../lib/model';
import { loadProject } from '../../lib/source/project';
import { tempProject } from '../helpers/project';

/** The graph of a project written from `files` (relative path -> text). */
function graphOf(files: Record<string, string>, mode: 'compose' | 'stack' | 'auto' = 'auto'): NetworkGraph {
  const dir = tempProject(files);
  return buildGraph(loadProject({ cwd: dir, env: {}, mode }));
}

describe('graph: ownersOf', () => {
  const graph = graphOf({
    'compose.yaml': [
      'services:',
      '  redis:',
      '    image: redis',
      '    container_name: cache-1',
      '    networks:',
      '      back:',
      '        aliases: [cache]',
      '  memcached:',
      '    image: memcached',
      '    networks:',
      '      front:',
      '        aliases: [cache]',
      '  web:',
      '    image: nginx',
      '    network_mode: host',
      '  app:',
      '    image: app',
      '    networks: [back]',
      '    links: ["redis:kv"]',
      'networks:',
      '  back: {}',
      '  front: {}',
      '',
    ].join('\n'),
  });

  it('names the services a project name belongs to: service name, container_name, aliases on any network, link aliases', () => {
    expect(graph.ownersOf('web')).to.deep.equal(['web']);
    expect(graph.ownersOf('cache-1')).to.deep.equal(['redis']);
    expect(graph.ownersOf('cache')).to.deep.equal(['memcached', 'redis']);
    expect(graph.ownersOf('kv')).to.deep.equal(['redis']);
  });

  it("ignores case, as Docker's DNS does (checked on the engine: NLCHK-DB resolves container nlchk-db)", () => {
    expect(graph.ownersOf('Cache-1')).to.deep.equal(['redis']);
    expect(graph.ownersOf('CACHE')).to.deep.equal(['memcached', 'redis']);
    expect(graph.isProjectName('WEB')).to.equal(true);
    expect(graph.isProjectName('elsewhere')).to.equal(false);
  });

  it('is empty exactly for outside hosts, agreeing with isProjectName', () => {
    for (const name of ['web', 'cache-1', 'cache', 'kv', 'redis', 'example.com', 'db', 'Cache']) {
      expect(graph.ownersOf(name).length > 0, name).to.equal(graph.isProjectName(name));
    }
    expect(graph.ownersOf('example.com')).to.deep.equal([]);
  });

  it('knows tasks.<service> in stack mode only', () => {
    const files = { 'compose.yaml': 'services:\n  api:\n    image: api\n' };
    expect(graphOf(files, 'stack').ownersOf('tasks.api')).to.deep.equal(['api']);
    expect(graphOf(files, 'compose').ownersOf('tasks.api')).to.deep.equal([]);
  });

  it('takes aliases from anchors, override files and interpolated values', () => {
    const g = graphOf({
      '.env': 'ALIAS=queue\n',
      'compose.yaml': 'x-net: &net\n  aliases: [search]\nservices:\n  es:\n    image: es\n    networks:\n      default: *net\n  mq:\n    image: mq\n    networks:\n      default:\n        aliases: ["${ALIAS}"]\n',
      'compose.override.yaml': 'services:\n  db:\n    image: db\n    networks:\n      default:\n        aliases: [database]\n',
    });
    expect(g.ownersOf('search')).to.deep.equal(['es']);
    expect(g.ownersOf('queue')).to.deep.equal(['mq']);
    expect(g.ownersOf('database')).to.deep.equal(['db']);
  });
});

describe('graph: extraHost', () => {
  const graph = graphOf({
    'compose.yaml': ['services:', '  legacy:', '    image: app', '    network_mode: bridge', '    extra_hosts:', '      - "DB=172.17.0.5"', '  sidecar:', '    image: tool', '    network_mode: "service:legacy"', '  other:', '    image: app', ''].join(
      '\n',
    ),
  });

  it('finds the extra_hosts entry for a name, case-insensitively', () => {
    expect(graph.extraHost('legacy', 'db')?.host).to.equal('DB');
    expect(graph.extraHost('legacy', 'cache')).to.equal(undefined);
    expect(graph.extraHost('other', 'db')).to.equal(undefined);
  });

  it("answers for a service: joiner with its namespace owner's /etc/hosts", () => {
    expect(graph.extraHost('sidecar', 'db')?.host).to.equal('DB');
  });
});

describe('graph: ipv6Enabled', () => {
  const graph = graphOf({
    'compose.yaml': [
      'services:',
      '  web:',
      '    image: nginx',
      '    networks: [v6, opt, off, ext, later]',
      'networks:',
      '  v6:',
      '    enable_ipv6: true',
      '  opt:',
      '    driver_opts:',
      '      com.docker.network.enable_ipv6: "true"',
      '  off: {}',
      '  ext:',
      '    external: true',
      '  later:',
      '    enable_ipv6: ${IPV6}',
      '',
    ].join('\n'),
  });

  it('reads enable_ipv6 and the driver option the engine also reads', () => {
    expect(graph.ipv6Enabled('v6')).to.equal(true);
    expect(graph.ipv6Enabled('opt')).to.equal(true);
    expect(graph.ipv6Enabled('off')).to.equal(false);
  });

  it('does not guess for external networks or unset variables', () => {
    expect(graph.ipv6Enabled('ext')).to.equal(undefined);
    expect(graph.ipv6Enabled('later')).to.equal(undefined);
    expect(graph.ipv6Enabled('missing')).to.equal(undefined);
  });
});

describe('graph: hostBindings', () => {
  const graph = graphOf({
    'compose.yaml': [
      'services:',
      '  web:',
      '    image: nginx',
      '    ports:',
      '      - "8080:80"',
      '      - "443"',
      '      - "127.0.0.1::9000"',
      '      - "${UNSET}:81"',
      '  host-net:',
      '    image: agent',
      '    network_mode: host',
      '    ports: ["9100"]',
      '  sidecar:',
      '    image: envoy',
      '    network_mode: service:web',
      '',
    ].join('\n'),
  });
  const summary = (service: string) => graph.hostBindings(service).map((b) => `${b.hostIp?.value.text ?? '*'}:${b.published?.value.start ?? '-'}:${b.target.value.start}`);

  it('lists published ports and bare container ports (ephemeral host ports), but not unknown ones', () => {
    expect(summary('web')).to.deep.equal(['*:8080:80', '*:-:443', '127.0.0.1:-:9000']);
    expect(graph.publishedOnHost('web').map((b) => b.target.value.start)).to.deep.equal([80]);
  });

  it('lists nothing for host networking or a joined namespace', () => {
    expect(summary('host-net')).to.deep.equal([]);
    expect(summary('sidecar')).to.deep.equal([]);
  });
});

describe('graph: joinedService and serviceKey', () => {
  const graph = graphOf({
    '.env': 'OWNER=vpn\n',
    'compose.yaml': [
      'x-dns: &dns',
      '  dns: [1.1.1.1]',
      'services:',
      '  vpn:',
      '    image: gluetun',
      '    container_name: vpn-1',
      '  torrent:',
      '    image: qbittorrent',
      '    network_mode: service:${OWNER}',
      '    <<: *dns',
      '  tap:',
      '    image: tcpdump',
      '    network_mode: container:vpn-1',
      '    ports: []',
      '    hostname: ${HOST_NAME}',
      '  debug:',
      '    image: netshoot',
      '    network_mode: container:elsewhere',
      '',
    ].join('\n'),
    'compose.override.yaml': 'services:\n  vpn:\n    expose: ["8080"]\n',
  });

  it('names the service a network_mode joins directly, through an interpolated service: or a project container_name', () => {
    expect(graph.joinedService('torrent')).to.equal('vpn');
    expect(graph.joinedService('tap')).to.equal('vpn');
    expect(graph.joinedService('debug')).to.equal(undefined);
    expect(graph.joinedService('vpn')).to.equal(undefined);
  });

  it('names none in stack mode, where docker stack deploy ignores network_mode', () => {
    const stack = graphOf({ 'compose.yaml': 'services:\n  vpn:\n    image: gluetun\n  torrent:\n    image: qbittorrent\n    network_mode: service:vpn\n' }, 'stack');
    expect(stack.joinedService('torrent')).to.equal(undefined);
  });

  it('finds a service key with its span, from an override file or a merge key, and says whether it is empty or unknown', () => {
    const expose = graph.serviceKey('vpn', 'expose')!;
    expect([expose.span.file, expose.span.line, expose.span.column, expose.empty, expose.unknown]).to.deep.equal(['compose.override.yaml', 3, 5, false, false]);
    const dns = graph.serviceKey('torrent', 'dns')!;
    expect([dns.span.line, dns.origin?.line, dns.empty]).to.deep.equal([10, 2, false]);
    expect(graph.serviceKey('tap', 'ports')!.empty).to.equal(true);
    expect(graph.serviceKey('tap', 'hostname')!.unknown).to.equal(true);
    expect(graph.serviceKey('tap', 'links')).to.equal(undefined);
  });
});
