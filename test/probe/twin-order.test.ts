import { expect } from 'chai';
import { buildGraph, type NetworkGraph } from '../../lib/model';
import { planPublishing } from '../../lib/probe/publish';
import { resolverSpec } from '../../lib/probe/scripts';
import { startAfter } from '../../lib/probe/twin';
import { runAfter, sortTail } from '../../lib/probe/util';
import { loadProject } from '../../lib/source/project';
import { tempProject } from '../helpers/project';

/** The twin comes up several containers at a time with the outcome of one by one (no engine needed). */

function graphOf(compose: string): NetworkGraph {
  return buildGraph(loadProject({ cwd: tempProject({ 'compose.yaml': compose }), env: {}, mode: 'compose' }));
}

/** startAfter as `service: [earlier services]`, for the services in start order. */
function waitsFor(compose: string): Record<string, string[]> {
  const graph = graphOf(compose);
  const ordered = [...graph.startOrder()];
  const after = startAfter(
    graph,
    planPublishing(graph, () => 1),
    ordered,
  );
  return Object.fromEntries(ordered.map((s, i) => [s, after[i].map((j) => ordered[j])]));
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('probe twin: concurrent creation keeps the order that decides outcomes', () => {
  it('services with nothing in common wait for nothing', () => {
    expect(waitsFor('services:\n  a:\n    image: x\n  b:\n    image: x\n  c:\n    image: x\n')).to.deep.equal({ a: [], b: [], c: [] });
  });

  it('a service joining a namespace, linking or depending waits for that service', () => {
    const compose = ['services:', '  db:', '    image: x', '  sidecar:', '    image: x', '    network_mode: service:db', '  api:', '    image: x', '    network_mode: bridge', '    links: [db]', '  web:', '    image: x', '    depends_on: [api]'].join(
      '\n',
    );
    expect(waitsFor(compose + '\n')).to.deep.equal({ db: [], sidecar: ['db'], api: ['db'], web: ['api'] });
  });

  it('the second service on a fixed host port waits for the first (so the later one fails to bind, as one by one), whatever the address', () => {
    const compose = [
      'services:',
      '  a:',
      '    image: x',
      '    ports: ["127.0.0.1:8080:80"]',
      '  b:',
      '    image: x',
      '    ports: ["8081:80"]',
      '  c:',
      '    image: x',
      '    ports: ["8080:80", "8081:81/udp"]',
      '  d:',
      '    image: x',
      '    ports: ["80"]',
      '  e:',
      '    image: x',
      '    ports: ["8080:80"]',
    ].join('\n');
    // c contests a's 8080/tcp (not b's 8081/tcp: it publishes 8081/udp); e contests c's; d's port is the engine's pick
    expect(waitsFor(compose + '\n')).to.deep.equal({ a: [], b: [], c: ['a'], d: [], e: ['c'] });
  });

  it('the second service with a static address on a network waits for the first', () => {
    const compose = [
      'services:',
      '  a:',
      '    image: x',
      '    networks: { n: { ipv4_address: 172.28.0.5 } }',
      '  b:',
      '    image: x',
      '    networks: { n: { ipv4_address: 172.28.0.6 } }',
      '  c:',
      '    image: x',
      '    networks: { n: { ipv4_address: 172.28.0.5 } }',
      'networks:',
      '  n:',
      '    ipam: { config: [{ subnet: 172.28.0.0/16 }] }',
    ].join('\n');
    expect(waitsFor(compose + '\n')).to.deep.equal({ a: [], b: [], c: ['a'] });
  });

  it('host-network services come up one after another (each picks a free loopback port for its control listener)', () => {
    expect(waitsFor('services:\n  a:\n    image: x\n    network_mode: host\n  b:\n    image: x\n  c:\n    image: x\n    network_mode: host\n')).to.deep.equal({ a: [], b: [], c: ['a'] });
  });
});

describe('probe util: runAfter', () => {
  it('runs at most `limit` items at once, each after its dependencies, and waits for all of them', async () => {
    const log: string[] = [];
    let running = 0;
    let most = 0;
    const after = [[], [], [0], [], [2], []];
    await runAfter(
      [0, 1, 2, 3, 4, 5],
      2,
      (i) => after[i],
      async (item) => {
        running++;
        most = Math.max(most, running);
        log.push(`start ${item}`);
        await tick();
        await tick();
        log.push(`end ${item}`);
        running--;
      },
    );
    expect(most).to.equal(2);
    expect(log.filter((l) => l.startsWith('end'))).to.have.length(6);
    expect(log.indexOf('start 2')).to.be.greaterThan(log.indexOf('end 0'));
    expect(log.indexOf('start 4')).to.be.greaterThan(log.indexOf('end 2'));
  });

  it('skips the dependants of a failed item, lets the others finish, then rejects with the failure', async () => {
    const ran: number[] = [];
    let finishedLate = false;
    const work = runAfter(
      [0, 1, 2],
      3,
      (i) => (i === 2 ? [0] : []),
      async (item) => {
        ran.push(item);
        if (item === 0) throw new Error('no network');
        await tick();
        await tick();
        finishedLate = true;
      },
    );
    let error: unknown;
    await work.catch((e) => (error = e));
    expect((error as Error).message).to.equal('no network');
    expect(ran).to.deep.equal([0, 1]);
    expect(finishedLate).to.equal(true);
  });

  it('ignores a dependency on a later item, so that nothing can wait in a circle', async () => {
    const ran: number[] = [];
    await runAfter(
      [0, 1],
      1,
      (i) => (i === 0 ? [1] : [0]),
      async (item) => void ran.push(item),
    );
    expect(ran).to.deep.equal([0, 1]);
  });

  it('sortTail puts only the entries from `start` on in rank order, stably', () => {
    const list = ['keep-b', 'keep-a', 'x2', 'y1', 'x1', 'z2'];
    sortTail(list, 2, (s) => Number(s.slice(1)));
    expect(list).to.deep.equal(['keep-b', 'keep-a', 'y1', 'x1', 'x2', 'z2']);
  });
});

describe('probe twin: its resolver', () => {
  it('runs in a container of its own namespace, not on the host network, in a joiner, or where the container listens on 53/udp', () => {
    expect(resolverSpec(['tcp:80', 'udp:5353'], { hostNetwork: false, joiner: false })).to.deep.equal(['nxdomain']);
    expect(resolverSpec(['tcp:53'], { hostNetwork: false, joiner: false })).to.deep.equal(['nxdomain']);
    expect(resolverSpec([], { hostNetwork: true, joiner: false })).to.deep.equal([]);
    expect(resolverSpec([], { hostNetwork: false, joiner: true })).to.deep.equal([]);
    expect(resolverSpec(['udp:53'], { hostNetwork: false, joiner: false })).to.deep.equal([]);
  });
});
