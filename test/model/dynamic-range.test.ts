import { expect } from 'chai';
import { buildGraph } from '../../lib/model';
import { parseAddress } from '../../lib/model/address';
import { dynamicConfigHolding, dynamicRange } from '../../lib/model/dynamic-range';
import { loadProject } from '../../lib/source/project';
import { tempProject } from '../helpers/project';

const networkOf = (ipam: string) => {
  const graph = buildGraph(loadProject({ cwd: tempProject({ 'compose.yaml': `services:\n  a: {image: x, networks: [n]}\nnetworks:\n  n:\n    ipam:\n      config:\n${ipam}` }), env: {} }));
  return graph.networks.get('n')!;
};
const holding = (ipam: string, address: string) => {
  const config = dynamicConfigHolding(networkOf(ipam), parseAddress(address));
  return config && dynamicRange(config)?.value.text;
};

describe('model: the range Docker hands out dynamically (checked on Docker 20.10)', () => {
  it('is the ip_range when one is set, else the whole subnet', () => {
    expect(holding('        - subnet: 10.231.2.0/24\n', '10.231.2.2')).to.equal('10.231.2.0/24');
    expect(holding('        - {subnet: 10.231.3.0/24, ip_range: 10.231.3.128/25}\n', '10.231.3.129')).to.equal('10.231.3.128/25');
  });

  it('leaves out an address outside every range: in the subnet but not the ip_range, or in no subnet', () => {
    expect(holding('        - {subnet: 10.231.3.0/24, ip_range: 10.231.3.128/25}\n', '10.231.3.2')).to.equal(undefined);
    expect(holding('        - subnet: 10.231.2.0/24\n', '10.231.9.2')).to.equal(undefined);
  });

  it('picks the config of the address family among several', () => {
    expect(holding('        - subnet: 10.231.6.0/24\n        - subnet: fd00:231:6::/64\n', 'fd00:231:6::10')).to.equal('fd00:231:6::/64');
  });
});
