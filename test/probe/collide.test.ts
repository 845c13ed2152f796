import { expect } from 'chai';
import { buildGraph, loadProject } from '../../lib';
import { claimText, collisions, foreignAnswer, heldByObjects, leaseClaims, nanoseconds, portsCollide, twinClaims, type PortClaim } from '../../lib/probe/collide';
import { dockerRemoval } from '../../lib/probe/leftovers';
import type { RunObjects } from '../../lib/probe/runs';
import { planPublishing } from '../../lib/probe/publish';
import { newTwin, twinReplicas } from '../../lib/probe/twin';
import type { Observation } from '../../lib/probe/types';
import { tempProject } from '../helpers/project';

const graphOf = (yaml: string, mode: 'compose' | 'stack' = 'compose') => buildGraph(loadProject({ cwd: tempProject({ 'compose.yaml': yaml }), env: {}, mode }));
const claimsOf = (graph: ReturnType<typeof graphOf>, swarm: boolean) =>
  twinClaims(
    graph,
    swarm,
    planPublishing(graph, (s) => twinReplicas(s).built),
  );
const port = (protocol: string, ip: string, start: number, end = start): PortClaim => ({ protocol, ip, start, end });

const PROJECT = `
name: fixed
services:
  web:
    ports: ["127.0.0.1:18611:80", "8080-8081:80-81", "9000", "7000-7005:70", "5353:53/udp"]
    networks: [pinned, loose]
  sidecar:
    network_mode: service:web
  agent:
    network_mode: host
    expose: ["18612"]
  vault:
    networks: [locked]
    ports: ["18613:8200"]
  island:
    network_mode: none
    ports: ["18614:80"]
networks:
  pinned:
    ipam: { config: [{ subnet: 10.231.61.0/24 }, { subnet: "fd00:61::/64" }] }
  loose: {}
  locked:
    internal: true
    ipam: { config: [{ subnet: 10.231.62.0/24 }] }
  outside:
    external: true
`;

describe('probe collisions between runs (no docker engine needed)', () => {
  it('a Compose twin claims the subnets of its local networks and the host ports the engine will bind', () => {
    const claims = claimsOf(graphOf(PROJECT), false);
    expect(claims.subnets).to.deep.equal(['10.231.61.0/24', 'fd00:61::/64', '10.231.62.0/24']);
    // not the ephemeral 9000, not the pool 7000-7005, nothing of a joiner, of network_mode none or of a service only on internal networks;
    // the host-network listener on the host's loopback
    // (neighbours of one address join into a range); every port on loopback, as the twin binds it
    expect(claims.ports.map(claimText)).to.deep.equal(['host port 127.0.0.1:8080-8081/tcp', 'host port 127.0.0.1:18611-18612/tcp', 'host port 127.0.0.1:5353/udp']);
  });

  it('a stack twin claims no port (it publishes none: a Swarm port has no host address) and no overlay subnet (Swarm lets overlays share one)', () => {
    const claims = claimsOf(
      graphOf(
        `
services:
  web:
    ports: [{ target: 80, published: 18621, mode: host }, { target: 81, published: 18622 }]
    networks: [front]
networks:
  front: { driver: overlay, ipam: { config: [{ subnet: 10.231.63.0/24 }] } }
`,
        'stack',
      ),
      true,
    );
    expect(claims).to.deep.equal({ subnets: [], ports: [] });
  });

  it('host bindings collide as the kernel has them: a wildcard takes every address of its family, tcp and udp are apart', () => {
    const cases: [PortClaim, PortClaim, boolean][] = [
      [port('tcp', '', 80), port('tcp', '127.0.0.2', 80), true],
      [port('tcp', '0.0.0.0', 80), port('tcp', '127.0.0.1', 80), true],
      [port('tcp', '127.0.0.1', 80), port('tcp', '127.0.0.2', 80), false],
      [port('tcp', '127.0.0.1', 80), port('tcp', '127.0.0.1', 80), true],
      [port('tcp', '::', 80), port('tcp', '127.0.0.1', 80), false],
      [port('tcp', '::', 80), port('tcp', '::1', 80), true],
      [port('tcp', '0:0::1', 80), port('tcp', '::1', 80), true],
      [port('udp', '', 80), port('tcp', '', 80), false],
      [port('tcp', '', 80, 89), port('tcp', '', 89, 95), true],
      [port('tcp', '', 80, 88), port('tcp', '', 89, 95), false],
    ];
    for (const [a, b, expected] of cases) {
      expect(portsCollide(a, b), `${claimText(a)} vs ${claimText(b)}`).to.equal(expected);
      expect(portsCollide(b, a), `${claimText(b)} vs ${claimText(a)}`).to.equal(expected);
    }
    expect(collisions({ subnets: ['10.231.61.0/24', '10.9.0.0/16'], ports: [port('tcp', '127.0.0.1', 18611)] }, { subnets: ['10.231.0.0/16'], ports: [port('tcp', '0.0.0.0', 18611)] })).to.deep.equal([
      'subnet 10.231.61.0/24',
      'host port 127.0.0.1:18611/tcp',
    ]);
  });

  it('reads what another run holds from its objects, and its claims from its lease label', () => {
    const r = {
      run: 'abcd0123',
      containers: [
        {
          Ports: [
            { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 18611, Type: 'tcp' },
            { IP: '', PrivatePort: 81, Type: 'tcp' },
          ],
        },
      ],
      networks: [
        { Id: 'n1', Name: 'cnl-abcd0123-x', Scope: 'local', IPAM: { Config: [{ Subnet: '10.231.61.0/24' }] } },
        { Id: 'n2', Name: 'cnl-abcd0123-y', Scope: 'swarm', IPAM: { Config: [{ Subnet: '10.231.63.0/24' }] } },
      ],
      services: [{ ID: 's', Endpoint: { Ports: [{ Protocol: 'udp', PublishedPort: 5353 }] } }],
      veths: [],
    } as unknown as RunObjects;
    expect(heldByObjects(r)).to.deep.equal({ subnets: ['10.231.61.0/24'], ports: [port('tcp', '0.0.0.0', 18611), port('udp', '', 5353)] });
    const claims = { subnets: ['10.1.0.0/24'], ports: [port('tcp', '', 80)] };
    expect(leaseClaims(JSON.stringify(claims))).to.deep.equal(claims);
    expect(leaseClaims('{"subnets": [1, "10.2.0.0/16"], "ports": [{"protocol": "tcp"}]}')).to.deep.equal({ subnets: ['10.2.0.0/16'], ports: [] });
    expect(leaseClaims('not json')).to.deep.equal({ subnets: [], ports: [] });
  });

  it("orders leases by the engine's creation time to the nanosecond", () => {
    expect(nanoseconds('2026-03-01T12:00:00.000000002Z') > nanoseconds('2026-03-01T12:00:00.000000001Z')).to.equal(true);
    expect(nanoseconds('2026-03-01T12:00:00.1Z')).to.equal(nanoseconds('2026-03-01T12:00:00.100000000Z'));
    expect(nanoseconds('2026-03-01T12:00:01Z') > nanoseconds('2026-03-01T12:00:00.999999999Z')).to.equal(true);
  });

  it('an answer on the host counts only when it comes from this run, on a port this twin holds', () => {
    const graph = graphOf(`
services:
  web: { ports: ["18631:80"] }
  admin: { ports: ["18631:8080"] }
  api: { ports: ["18632:80"] }
`);
    const twin = newTwin('run00001', 'fixed');
    const ok = (service: string, run = 'run00001'): Observation => ({ outcome: 'ok', reach: 'reachable', detail: 'answered', answeredBy: service, answeredRun: run });
    expect(foreignAnswer(twin, graph, { service: 'web', port: 18631, protocol: 'tcp' }, ok('web'))).to.equal(undefined);
    expect(foreignAnswer(twin, graph, { service: 'web', port: 18631, protocol: 'tcp' }, ok('web', 'run00002'))).to.equal('answered by "web" of run run00002: another probe run holds host port 18631/tcp, so this twin\'s mapping cannot be seen');
    twin.events.push({ kind: 'bind-failed', service: 'api', replica: 1, port: 18632, protocol: 'tcp', hostIp: '0.0.0.0', message: '"api" could not bind 0.0.0.0:18632/tcp: address already in use' });
    twin.events.push({ kind: 'bind-failed', service: 'admin', replica: 1, port: 18631, protocol: 'tcp', hostIp: '0.0.0.0', message: '"admin" could not bind 0.0.0.0:18631/tcp: port is already allocated' });
    // nothing in the project takes 18632: whatever answers is not the twin, banner or not
    const something: Observation = { outcome: 'refused', reach: 'blocked', detail: 'something else answered: "hello"' };
    expect(foreignAnswer(twin, graph, { service: 'api', port: 18632, protocol: 'tcp' }, something)).to.match(
      /^the twin could not bind host port 18632\/tcp \("api" could not bind .*\) and no other service of the project takes it: something outside this run holds it/,
    );
    expect(foreignAnswer(twin, graph, { service: 'api', port: 18632, protocol: 'tcp' }, ok('api', undefined as unknown as string))).to.be.a('string');
    // web takes 18631 in this project: admin's lost bind is the project's own doing and the observation stands
    expect(foreignAnswer(twin, graph, { service: 'admin', port: 18631, protocol: 'tcp' }, ok('web'))).to.equal(undefined);
  });

  it('the docker commands for a kept twin remove Swarm services first and wait for their tasks before the networks', () => {
    const twin = newTwin('run00001', 'fixed');
    twin.networks.set('front', { key: 'front', dockerName: 'cnl-run00001-front', id: 'n1', created: true });
    expect(dockerRemoval('run00001', twin)).to.equal('docker rm -f $(docker ps -aq --filter label=com.compose-netlint.run=run00001); docker network rm $(docker network ls -q --filter label=com.compose-netlint.run=run00001)');
    twin.swarmServices.set('web', { id: 's1', name: 'cnl-run00001-fixed_web', vips: new Map() });
    twin.veths.push('cnlrun000010a');
    expect(dockerRemoval('run00001', twin)).to.equal(
      'docker service rm $(docker service ls -q --filter label=com.compose-netlint.run=run00001); ' +
        'for i in $(seq 60); do [ -z "$(docker ps -aq --filter label=com.compose-netlint.run=run00001 --filter label=com.compose-netlint.service)" ] && break; sleep 1; done; ' +
        'docker rm -f $(docker ps -aq --filter label=com.compose-netlint.run=run00001); ' +
        'docker network rm $(docker network ls -q --filter label=com.compose-netlint.run=run00001); ' +
        'ip link del cnlrun000010a',
    );
  });
});
