import { expect } from 'chai';
import { buildGraph, type NetworkGraph } from '../../lib/model';
import { defaultPoolOverlapping } from '../../lib/model/default-pools';
import { parseCidr } from '../../lib/model/address';
import { loadProject } from '../../lib/source/project';
import { tempProject } from '../helpers/project';

function graphOf(text: string, mode: 'compose' | 'stack' = 'compose'): NetworkGraph {
  return buildGraph(loadProject({ cwd: tempProject({ 'compose.yaml': text }), env: {}, mode }));
}

const NETWORKS = [
  'networks:',
  '  local:',
  '    driver_opts:',
  '      com.docker.network.bridge.host_binding_ipv4: "127.0.0.1"',
  '  also-local:',
  '    driver_opts: { com.docker.network.bridge.host_binding_ipv4: 127.0.0.1 }',
  '  wildcard:',
  '    driver_opts: { com.docker.network.bridge.host_binding_ipv4: 0.0.0.0 }',
  '  plain: {}',
  '  a-plain: {}',
  '  hidden:',
  '    internal: true',
];

describe('graph: unaddressedBindIp (host_binding_ipv4)', () => {
  const graph = graphOf(
    [
      'services:',
      '  one: { image: a, networks: [local] }',
      '  both: { image: a, networks: [local, also-local] }',
      '  behind-internal: { image: a, networks: [local, hidden] }',
      '  mixed: { image: a, networks: [local, plain] }',
      '  plain-gateway: { image: a, networks: [local, a-plain] }',
      '  wild: { image: a, networks: [wildcard] }',
      '  joiner: { image: a, network_mode: "service:one" }',
      ...NETWORKS,
    ].join('\n'),
  );
  it("is the gateway network's option (the first non-internal network by name, checked on 20.10)", () => {
    for (const s of ['one', 'both', 'behind-internal', 'joiner', 'mixed']) expect(graph.unaddressedBindIp(s)?.value.text, s).to.equal('127.0.0.1');
  });
  it('is undefined when the gateway network lacks the option or sets the wildcard', () => {
    expect(graph.unaddressedBindIp('plain-gateway')).to.equal(undefined);
    expect(graph.unaddressedBindIp('wild')).to.equal(undefined);
  });
});

describe('model: defaultPoolOverlapping', () => {
  it('finds the pool a subnet lies in or overlaps', () => {
    expect(defaultPoolOverlapping(parseCidr('172.22.0.0/24'))?.base).to.equal('172.20.0.0/14');
    expect(defaultPoolOverlapping(parseCidr('192.168.80.0/20'))?.base).to.equal('192.168.0.0/16');
    expect(defaultPoolOverlapping(parseCidr('172.16.0.0/12'))?.base).to.equal('172.17.0.0/16');
  });
  it('is undefined outside the pools and for IPv6', () => {
    for (const text of ['10.0.0.0/8', '172.16.0.0/16', '172.32.0.0/16', 'fd00::/64', 'nonsense']) expect(defaultPoolOverlapping(parseCidr(text)), text).to.equal(undefined);
  });
});
