import { expect } from 'chai';
import { buildGraph } from '../../lib/model';
import { loadProject } from '../../lib/source/project';
import { formatExpose, formatExtraHost, formatLink, formatNetworkMode, formatShortPort, formatVolume, parseExpose, parseExtraHost, parseLink, parseNetworkMode, parseShortPort, parseVolume } from '../../lib/syntax/compose';
import { tempProject } from '../helpers/project';

describe('syntax: each Compose micro-syntax, parsed and formatted in one place', () => {
  it('ports: nat.ParsePortSpec forms round-trip through formatShortPort', () => {
    for (const text of ['80', '8080:80', '127.0.0.1:8080:80', '127.0.0.1::81', '[::1]:8080:80/udp', '9000-9001:80-81/sctp']) expect(formatShortPort(parseShortPort(text))).to.equal(text);
    expect(parseShortPort('::1:8080:80')).to.deep.equal({ hostIp: '::1', published: { start: 8080, end: 8080 }, target: { start: 80, end: 80 }, protocol: 'tcp' });
    expect(formatShortPort(parseShortPort('8080:80'), { protocol: 'always' })).to.equal('8080:80/tcp');
    expect(() => parseShortPort('8080:80/icmp')).to.throw('unknown protocol "icmp" (use tcp, udp or sctp)');
    expect(() => parseShortPort('9000-9002:80-81')).to.throw('differ in size');
  });

  it('volumes: a Windows drive is not a separator, as in compose-go format.ParseVolume', () => {
    expect(parseVolume('C:\\docker\\sock:/var/run/docker.sock')).to.deep.equal({ source: 'C:\\docker\\sock', target: '/var/run/docker.sock', type: 'bind', readOnly: false });
    expect(parseVolume('/var/run/docker.sock:/var/run/docker.sock:ro')).to.deep.equal({ source: '/var/run/docker.sock', target: '/var/run/docker.sock', type: 'bind', readOnly: true });
    expect(parseVolume('data:/var/lib/data:ro,rw')).to.deep.equal({ source: 'data', target: '/var/lib/data', type: 'volume', readOnly: false });
    expect(parseVolume('/anonymous')).to.deep.equal({ target: '/anonymous', type: 'volume', readOnly: false });
    expect(parseVolume('ab::c')).to.equal(undefined);
    expect(parseVolume('vol:/x:ro:extra')).to.equal(undefined);
    expect(formatVolume(parseVolume('./src:/app:ro')!)).to.equal('./src:/app:ro');
  });

  it('the model reads a Windows-style bind source whole', () => {
    const g = buildGraph(loadProject({ cwd: tempProject({ 'compose.yaml': 'services:\n  agent:\n    image: a\n    volumes: ["C:\\\\pipes\\\\docker:/var/run/docker.sock"]\n' }), env: {} }));
    const [volume] = g.services.get('agent')!.volumes;
    expect([volume.type, volume.source, volume.target]).to.deep.equal(['bind', 'C:\\pipes\\docker', '/var/run/docker.sock']);
  });

  it('expose, extra_hosts, links and network_mode', () => {
    expect(parseExpose('9100-9110/UDP')).to.deep.equal({ ports: { start: 9100, end: 9110 }, protocol: 'udp' });
    expect(parseExpose('x')).to.equal(undefined);
    expect(formatExpose({ ports: { start: 53, end: 53 }, protocol: 'udp' })).to.equal('53/udp');
    expect(parseExtraHost('db=10.0.0.5')).to.deep.equal({ host: 'db', addresses: [{ address: '10.0.0.5', start: 3, end: 11 }] });
    expect(parseExtraHost('v6:::1')).to.deep.equal({ host: 'v6', addresses: [{ address: '::1', start: 3, end: 6 }] });
    // compose-go types/hostList.go NewHostsList: several addresses after one separator, brackets stripped
    expect(parseExtraHost('myhost=0.0.0.1,[::2]')).to.deep.equal({
      host: 'myhost',
      addresses: [
        { address: '0.0.0.1', start: 7, end: 14 },
        { address: '::2', start: 15, end: 20 },
      ],
    });
    expect(parseExtraHost('lonely')).to.deep.equal({ host: 'lonely', addresses: [{ address: '', start: 0, end: 6 }] });
    expect(formatExtraHost({ host: 'db', address: '10.0.0.5' })).to.equal('db=10.0.0.5');
    expect(parseLink('db:database')).to.deep.equal({ service: 'db', alias: 'database' });
    expect(formatLink(parseLink('db'))).to.equal('db');
    for (const text of ['host', 'none', 'bridge', 'service:web', 'container:abc', 'my-net']) expect(formatNetworkMode(parseNetworkMode(text))).to.equal(text);
    expect(parseNetworkMode('service:web')).to.deep.equal({ kind: 'service', target: 'web' });
  });
});
