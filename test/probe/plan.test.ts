import { expect } from 'chai';
import { buildGraph, parseEngine } from '../../lib/model';
import { hostPortsPerContainer } from '../../lib/model/ports';
import { planProbes, twinReplicas } from '../../lib/probe/plan';
import { planPublishing, publishedOffsets } from '../../lib/probe/publish';
import { TOOLS } from '../../lib/probe/scripts';
import { loadProject } from '../../lib/source/project';
import { tempProject } from '../helpers/project';

/** The host cells the plan makes for a project, as "column" or "column: skip reason". */
function hostCells(compose: string, mode: 'compose' | 'stack'): string[] {
  const graph = buildGraph(loadProject({ cwd: tempProject({ 'compose.yaml': compose }), env: {}, mode }));
  const publishing = planPublishing(graph, (service) => twinReplicas(service).built);
  return planProbes({ graph, tools: new Set(TOOLS), hostProbes: true, publishing })
    .filter((c) => c.kind === 'host')
    .map((c) => (c.skip ? `${c.column}: ${c.skip}` : c.column));
}

const RANGES = [
  'services:',
  '  wide:',
  '    image: busybox',
  '    ports: ["127.0.0.1:18800-18899:18800-18899"]',
  '  pool:',
  '    image: busybox',
  '    deploy: { replicas: 50 }',
  '    ports: ["127.0.0.1:18900-18949:80"]',
  '  pair:',
  '    image: busybox',
  '    ports: ["127.0.0.1:18950-18951:80"]',
  '',
].join('\n');

describe('probe plan: host ports follow what the twin binds (no docker engine needed)', () => {
  it('the twin publishes the first 64 ports of a range and its last one', () => {
    expect(publishedOffsets({ start: 1, end: 100 })).to.deep.equal([...Array.from({ length: 64 }, (_, i) => i), 99]);
    expect(publishedOffsets({ start: 1, end: 65 })).to.deep.equal(Array.from({ length: 65 }, (_, i) => i));
    expect(publishedOffsets({ start: 80, end: 80 })).to.deep.equal([0]);
  });

  it('a container binds a whole host range paired with a container range, and one port of a host range for one container port', () => {
    expect(hostPortsPerContainer({ start: 18800, end: 18899 }, { start: 18800, end: 18899 })).to.equal(100);
    expect(hostPortsPerContainer({ start: 18900, end: 18949 }, { start: 80, end: 80 })).to.equal(1);
    expect(hostPortsPerContainer({ start: 18950, end: 18950 }, { start: 80, end: 80 })).to.equal(1);
  });

  it("compose: both ends of a wide range; of a host range for one port, the ports the twin's first and last containers bind", () => {
    expect(hostCells(RANGES, 'compose')).to.deep.equal([
      'wide:18800->18800/tcp',
      'wide:18899->18899/tcp',
      'pool:18900-18949->80/tcp (replica 1)',
      'pool:18900-18949->80/tcp (replica 3)',
      'pool:18900-18949->80/tcp (the other 47 ports): the twin runs 3 containers of "pool" (of 50 replicas), and each container binds one port of the host range 18900-18949: the other 47 stay unbound',
      'pair:18950-18951->80/tcp (replica 1)',
      'pair:18950-18951->80/tcp (the other port): the twin runs 1 container of "pair", and each container binds one port of the host range 18950-18951: the other one stays unbound',
    ]);
  });

  it('stack: the twin publishes nothing, so no host cell is probed', () => {
    const why = 'Swarm publishes a port on every interface of the machine (a Swarm port has no host address); the twin of a stack publishes none';
    expect(hostCells(RANGES, 'stack')).to.deep.equal([`wide:18800->18800/tcp: ${why}`, `wide:18899->18899/tcp: ${why}`, `pool:18900->80/tcp: ${why}`, `pool:18949->80/tcp: ${why}`, `pair:18950->80/tcp: ${why}`, `pair:18951->80/tcp: ${why}`]);
  });
});

describe('probe plan: address cells follow the target engine (no docker engine needed)', () => {
  // web on front, db on back, cache on an internal network: no shared network anywhere
  const compose = [
    'services:',
    '  web: {image: busybox, networks: [front], expose: ["80"]}',
    '  db: {image: busybox, networks: [back], expose: ["5432"]}',
    '  cache: {image: busybox, networks: [hidden], expose: ["6379"]}',
    'networks:',
    '  front: {}',
    '  back: {}',
    '  hidden: {internal: true}',
    '',
  ].join('\n');
  const cells = (engine: string) => {
    const graph = buildGraph(loadProject({ cwd: tempProject({ 'compose.yaml': compose }), env: {}, mode: 'compose' }), parseEngine(engine));
    const publishing = planPublishing(graph, (service) => twinReplicas(service).built);
    return planProbes({ graph, tools: new Set(TOOLS), hostProbes: false, publishing })
      .filter((c) => c.kind === 'tcp' && c.source === 'web')
      .map((c) => `${c.column} ${c.expect ? 'reachable' : 'blocked'}: ${c.basis}`);
  };

  it('on Podman before Netavark 2 an address on another routed network is reachable through the host; Docker blocks it', () => {
    expect(cells('podman@5.2')).to.deep.equal(['db:5432/tcp reachable: connected(web, db) = true (no shared network; podman@5.2 routes between networks through the host)', 'cache:6379/tcp blocked: connected(web, cache) = false (no shared network)']);
    for (const engine of ['docker@20.10', 'docker@29.1', 'podman@6.0'])
      expect(cells(engine), engine).to.deep.equal(['db:5432/tcp blocked: connected(web, db) = false (no shared network)', 'cache:6379/tcp blocked: connected(web, cache) = false (no shared network)']);
  });
});
