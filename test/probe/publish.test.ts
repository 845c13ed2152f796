import { expect } from 'chai';
import { buildGraph, type NetworkGraph } from '../../lib/model';
import { planProbes } from '../../lib/probe/plan';
import { planPublishing, PUBLISH_CAP, type Publishing } from '../../lib/probe/publish';
import { loadProject } from '../../lib/source/project';
import { tempProject } from '../helpers/project';

/** What the twin publishes (no engine needed): lib/probe/publish.ts. */

function graphOf(compose: string, mode: 'compose' | 'stack' = 'compose'): NetworkGraph {
  return buildGraph(loadProject({ cwd: tempProject({ 'compose.yaml': compose }), env: {}, mode }));
}

const ONE_REPLICA = (): number => 1;

/** Each service's port bindings as `target/proto hostIp:hostPort`, or `target/proto -` with why not. */
function bindings(publishing: Publishing, graph: NetworkGraph): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const s of graph.services.keys()) {
    out[s] = publishing.ports(s).map((p) => `${p.target}/${p.protocol} ${p.skip ? `- ${p.skip}` : p.addresses.map((a) => `${a.includes(':') ? `[${a}]` : a}:${p.hostPort}`).join(' ')}`);
  }
  return out;
}

describe('probe publishing: on loopback only, collisions kept, a bound per run', () => {
  it('binds a port without host IP, and 0.0.0.0, on 127.0.0.1, never on every interface, and says so once', () => {
    const graph = graphOf('services:\n  web:\n    ports: ["8080:80", "0.0.0.0:8443:443", "9000"]\n');
    const publishing = planPublishing(graph, ONE_REPLICA);
    expect(bindings(publishing, graph)).to.deep.equal({ web: ['80/tcp 127.0.0.1:8080', '443/tcp 127.0.0.1:8443', '9000/tcp 127.0.0.1:'] });
    expect(publishing.notes).to.deep.equal(['the twin binds published ports on loopback only, where the probes look: no host IP (every interface) as 127.0.0.1, "0.0.0.0" as 127.0.0.1']);
    expect(publishing.hostTarget('web', 0, 8080)).to.deep.equal({ address: '127.0.0.1' });
  });

  it('keeps loopback addresses, gives other IPv4 addresses loopback addresses of their own, and "::" ::1', () => {
    const graph = graphOf(['services:', '  a:', '    ports: ["127.0.0.2:8080:80", "10.1.2.3:8080:81", "192.168.1.9:8080:82", "10.1.2.3:9090:90", "[::]:7070:70"]', '  b:', '    ports: ["127.0.0.3:8080:80"]', ''].join('\n'));
    const publishing = planPublishing(graph, ONE_REPLICA);
    expect(bindings(publishing, graph)).to.deep.equal({
      // 127.0.0.2 and 127.0.0.3 are the project's, so 10.1.2.3 and 192.168.1.9 get the next free ones; 10.1.2.3 keeps its own on every port
      a: ['80/tcp 127.0.0.2:8080', '81/tcp 127.0.0.4:8080', '82/tcp 127.0.0.5:8080', '90/tcp 127.0.0.4:9090', '70/tcp [::1]:7070'],
      b: ['80/tcp 127.0.0.3:8080'],
    });
    expect(publishing.notes).to.deep.equal(['the twin binds published ports on loopback only, where the probes look: "10.1.2.3" as 127.0.0.4, "192.168.1.9" as 127.0.0.5, "::" as ::1']);
  });

  it('binds every interface on the address of the one other address of its port, so that the two still collide', () => {
    const graph = graphOf('services:\n  web:\n    ports: ["8080:80"]\n  admin:\n    ports: ["10.0.0.5:8080:80"]\n  local:\n    ports: ["127.0.0.1:9090:90"]\n  all:\n    ports: ["9090:91"]\n');
    expect(bindings(planPublishing(graph, ONE_REPLICA), graph)).to.deep.equal({
      web: ['80/tcp 127.0.0.2:8080'],
      admin: ['80/tcp 127.0.0.2:8080'],
      local: ['90/tcp 127.0.0.1:9090'],
      all: ['91/tcp 127.0.0.1:9090'],
    });
  });

  it('does not publish a port bound on every interface beside two different addresses: no loopback address reproduces that', () => {
    const graph = graphOf('services:\n  a:\n    ports: ["127.0.0.2:8080:80"]\n  b:\n    ports: ["127.0.0.3:8080:80"]\n  c:\n    ports: ["8080:80", "8081:81"]\n');
    const publishing = planPublishing(graph, ONE_REPLICA);
    const why = 'host port 8080/tcp is bound on every interface and on 2 different addresses; no loopback address collides with each of them as every interface does, so the twin does not publish them';
    expect(bindings(publishing, graph)).to.deep.equal({ a: [`80/tcp - ${why}`], b: [`80/tcp - ${why}`], c: [`80/tcp - ${why}`, '81/tcp 127.0.0.1:8081'] });
    const cases = planProbes({ graph, tools: new Set(['nslookup', 'timeout', 'socat']), hostProbes: true, publishing }).filter((c) => c.kind === 'host');
    expect(cases.map((c) => `${c.column} ${c.skip ?? (c.target as { address: string }).address}`)).to.deep.equal([`a:127.0.0.2:8080->80/tcp ${why}`, `b:127.0.0.3:8080->80/tcp ${why}`, `c:8080->80/tcp ${why}`, 'c:8081->81/tcp 127.0.0.1']);
  });

  it('binds the IPv6 side of a port without host IP (on ::1) only beside an explicit IPv6 binding of that port', () => {
    const graph = graphOf('services:\n  a:\n    ports: ["8080:80"]\n  b:\n    ports: ["[::1]:8080:80"]\n  c:\n    ports: ["9090:90"]\n  d:\n    ports: ["9090:90"]\n');
    expect(bindings(planPublishing(graph, ONE_REPLICA), graph)).to.deep.equal({
      a: ['80/tcp 127.0.0.1:8080 [::1]:8080'],
      b: ['80/tcp [::1]:8080'],
      c: ['90/tcp 127.0.0.1:9090'],
      d: ['90/tcp 127.0.0.1:9090'],
    });
  });

  it(`publishes at most ${PUBLISH_CAP} host ports a run, counting replicas, and leaves whole collision groups out`, () => {
    // 1-65535 is cut to its first 64 ports and its last by the range bound; with the replicas the run's bound is reached at "d"
    const graph = graphOf(
      [
        'services:',
        '  a:',
        '    ports: ["1-65535:1-65535"]',
        '  b:',
        '    deploy: { replicas: 2 }',
        '    ports: ["1-65535:1-65535/udp"]',
        '  c:',
        '    ports: ["8080:80"]',
        '  d:',
        '    ports: ["20001-30000:1-10000"]',
        '  e:',
        '    ports: ["127.0.0.1:8080:81"]',
        '',
      ].join('\n'),
    );
    const publishing = planPublishing(graph, (s) => (s.name === 'b' ? 2 : 1));
    const published = (s: string): number => publishing.ports(s).filter((p) => !p.skip).length;
    // a range publishes its first 64 ports and its last: a: 65, b: 65 x 2 replicas (195 in all), c: 196, d: 60 more make
    // 256, so d's other ports and everything after them stay out, and so does c, which collides with e: published alone
    // it would bind where Docker would refuse it
    expect(['a', 'b', 'c', 'd', 'e'].map(published)).to.deep.equal([65, 65, 0, 60, 0]);
    const over = `over the twin's bound of ${PUBLISH_CAP} published host ports a run`;
    expect([publishing.ports('c')[0].skip, publishing.ports('d')[60].skip, publishing.ports('e')[0].skip]).to.deep.equal([over, over, over]);
    expect(publishing.notes[1]).to.equal(`the twin publishes at most ${PUBLISH_CAP} host ports a run (each is a docker-proxy process on this machine): 7 container ports are left unpublished`);
    expect(publishing.hostTarget('a', 0, 64)).to.deep.equal({ address: '127.0.0.1' });
    expect(publishing.hostTarget('a', 0, 65535)).to.deep.equal({ address: '127.0.0.1' });
    expect(publishing.hostTarget('a', 0, 100)).to.deep.equal({ skip: 'the twin publishes the first 64 ports of a range and its last' });
    expect(publishing.hostTarget('c', 0, 8080)).to.deep.equal({ skip: over });
  });

  it('publishes nothing of a stack: Swarm has no host address for a port', () => {
    const graph = graphOf('services:\n  web:\n    ports: ["8080:80"]\n', 'stack');
    const publishing = planPublishing(graph, ONE_REPLICA);
    const reason = 'Swarm publishes a port on every interface of the machine (a Swarm port has no host address); the twin of a stack publishes none';
    expect(bindings(publishing, graph)).to.deep.equal({ web: [`80/tcp - ${reason}`] });
    expect(publishing.hostTarget('web', 0, 8080)).to.deep.equal({ skip: reason });
    expect(publishing.notes).to.deep.equal([`${reason}; published ports are not probed`]);
  });

  it('a host IP that is not an address is not passed to the engine', () => {
    const graph = graphOf('services:\n  web:\n    ports: ["myhost:8080:80"]\n');
    expect(bindings(planPublishing(graph, ONE_REPLICA), graph)).to.deep.equal({ web: ['80/tcp - host IP "myhost" is not an address'] });
  });
});
