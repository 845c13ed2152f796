import { expect } from 'chai';
import { buildGraph, type NetworkGraph } from '../../lib/model';
import { loadProject } from '../../lib/source/project';
import { tempProject } from '../helpers/project';

const graphOf = (text: string, mode: 'compose' | 'stack' | 'auto' = 'auto') => buildGraph(loadProject({ cwd: tempProject({ 'compose.yaml': text }), env: {}, mode }));

/** Each binding's outcome in one line: `service[index] kind (detail)`. */
function outcomes(g: NetworkGraph): string[] {
  return [...g.services.keys()].flatMap((s) =>
    g.bindings(s).map(({ index, outcome: o }) => {
      const detail =
        o.kind === 'bound' ? (o.ephemeral ? 'ephemeral' : '') : o.kind === 'discarded' ? `${o.why}${o.owner ? ` ${o.owner}` : ''}` : o.kind === 'conflict' ? `to ${o.lostTo.other.service} ${o.lostTo.start}/${o.lostTo.other.protocol}` : o.why;
      return `${s}[${index}] ${o.kind}${detail ? ` (${detail})` : ''}`;
    }),
  );
}

describe('graph: published binding outcomes', () => {
  it('binds, discards (host, none, joined namespace, unset variable) and marks only-internal bindings unreachable', () => {
    const g = graphOf(
      [
        'services:',
        '  web: {image: a, ports: ["8080:80", "81"]}',
        '  agent: {image: a, network_mode: host, ports: ["9100:9100"]}',
        '  off: {image: a, network_mode: none, ports: ["9200:9200"]}',
        '  side: {image: a, network_mode: "service:web", ports: ["9300:9300"]}',
        '  vault: {image: a, networks: [private], ports: ["8200:8200"]}',
        '  later: {image: a, ports: ["${UNSET_PORT}:80"]}',
        'networks: {private: {internal: true}}',
        '',
      ].join('\n'),
    );
    expect(outcomes(g)).to.deep.equal(['web[0] bound', 'web[1] bound (ephemeral)', 'agent[0] discarded (host)', 'off[0] discarded (none)', 'side[0] discarded (joined web)', 'vault[0] unreachable (only-internal)', 'later[0] discarded (unknown)']);
    expect(g.bindingOutcome('web', 0)).to.deep.equal({ kind: 'bound', ephemeral: false });
    expect(g.bindingOutcome('web', 5)).to.equal(undefined);
  });

  it('gives a conflicting bind to the service that starts first: file order, unless depends_on, links or network_mode say otherwise', () => {
    const plain = graphOf('services:\n  web: {image: a, ports: ["18301:80"]}\n  admin: {image: a, ports: ["18301:8080"]}\n');
    expect(outcomes(plain)).to.deep.equal(['web[0] bound', 'admin[0] conflict (to web 18301/tcp)']);
    // admin must start before web: web's bind is the one that fails, and the conflict is web's
    const reversed = graphOf('services:\n  web: {image: a, ports: ["18301:80"], depends_on: [admin]}\n  admin: {image: a, ports: ["18301:8080"]}\n');
    expect(outcomes(reversed)).to.deep.equal(['web[0] conflict (to admin 18301/tcp)', 'admin[0] bound']);
    expect(reversed.portConflicts().map((c) => `${c.claim.service} after ${c.other.service}`)).to.deep.equal(['web after admin']);
    const linked = graphOf('services:\n  web: {image: a, ports: ["18301:80"], links: [admin]}\n  admin: {image: a, ports: ["18301:8080"]}\n');
    expect(outcomes(linked)).to.deep.equal(['web[0] conflict (to admin 18301/tcp)', 'admin[0] bound']);
  });

  it('keeps 127.0.0.1 and 127.0.0.2 apart, tcp and udp apart, and a wildcard against every address of its family', () => {
    const g = graphOf('services:\n  a: {image: x, ports: ["127.0.0.1:9000:1", "9001:1/udp"]}\n  b: {image: x, ports: ["127.0.0.2:9000:1", "9001:1"]}\n  c: {image: x, ports: ["0.0.0.0:9000:1"]}\n');
    expect(outcomes(g)).to.deep.equal(['a[0] bound', 'a[1] bound', 'b[0] bound', 'b[1] bound', 'c[0] conflict (to a 9000/tcp)']);
  });

  it('a host range for one container port binds as many replicas as it has ports (seeds 45, 123, 158, 159, 181)', () => {
    const g = graphOf(
      ['services:', '  narrow: {image: a, ports: ["42781-42782:80"], deploy: {replicas: 3}}', '  wide: {image: a, ports: ["42791-42793:80"], deploy: {replicas: 3}}', '  paired: {image: a, ports: ["42801-42802:80-81"], scale: 3}', ''].join('\n'),
    );
    expect(g.bindingOutcome('narrow', 0)).to.deep.equal({ kind: 'bound', ephemeral: false, replicasBound: 2 });
    expect(g.bindingOutcome('wide', 0)).to.deep.equal({ kind: 'bound', ephemeral: false });
    // a paired range is a fixed claim of every port: the second replica conflicts (no-scaled-fixed-host-port), no pool
    expect(g.bindingOutcome('paired', 0)).to.deep.equal({ kind: 'bound', ephemeral: false });
  });

  it("a host range beside its own container's fixed ports: a sure conflict when they take it all, else uncertain (seed 4)", () => {
    const g = graphOf(
      [
        'services:',
        '  db: {image: a, ports: ["127.0.0.1:42989-42990:6379-6380", "127.0.0.1:42989-42990:9000"]}',
        '  kv: {image: a, ports: ["43189:6379", "43189-43191:9000", "43195:80"]}',
        '  apart: {image: a, ports: ["127.0.0.1:43089:6379", "127.0.0.2:43089-43091:9000", "43089-43091:53/udp"]}',
        '',
      ].join('\n'),
    );
    expect(outcomes(g)).to.include.members(['db[1] conflict (to db 42989/tcp)', 'kv[1] uncertain (' + (g.bindingOutcome('kv', 1) as { why: string }).why + ')']);
    expect(g.bindingOutcome('kv', 1)).to.deep.include({ kind: 'uncertain' });
    expect(g.bindingUncertainty('kv', 0)).to.match(/^host range "43189-43191\/tcp" of "kv" takes the next free port/);
    expect(g.bindingUncertainty('kv', 1)).to.equal(g.bindingUncertainty('kv', 0));
    expect(g.bindingUncertainty('kv', 2)).to.equal(undefined);
    expect(g.bindingUncertainty('db', 0)).to.match(/cannot bind them all/);
    // another address, another protocol: no collision
    expect(outcomes(g).filter((o) => o.startsWith('apart'))).to.deep.equal(['apart[0] bound', 'apart[1] bound', 'apart[2] bound']);
    expect(g.portConflicts().map((c) => `${c.claim.service}[${c.claim.binding}] ${c.start}-${c.end}`)).to.deep.equal(['db[1] 42989-42990']);
  });

  it('makes a published port lose to a host-network listener that starts first', () => {
    const g = graphOf('services:\n  agent: {image: x, network_mode: host, expose: ["9100"]}\n  web: {image: x, ports: ["9100:80"]}\n', 'compose');
    expect(outcomes(g)).to.deep.equal(['web[0] conflict (to agent 9100/tcp)']);
    expect(g.bindingOutcome('web', 0)).to.have.nested.property('lostTo.other.kind', 'listener');
  });
});

describe('graph: start order and connections', () => {
  it('starts dependencies first (depends_on, links, network_mode service:), then in file order', () => {
    const g = graphOf('services:\n  app: {image: a, depends_on: [db]}\n  side: {image: a, network_mode: "service:proxy"}\n  proxy: {image: a, links: [app]}\n  db: {image: a}\n');
    expect(g.startOrder()).to.deep.equal(['db', 'app', 'proxy', 'side']);
  });

  it('orders a depends_on chain of 20,000 services without exhausting the call stack', () => {
    const n = 20_000;
    const lines = ['services:'];
    for (let i = 0; i < n; i++) lines.push(`  s${i}: {image: a${i + 1 < n ? `, depends_on: [s${i + 1}]` : ''}}`);
    const order = graphOf(lines.join('\n') + '\n').startOrder();
    expect(order).to.have.length(n);
    expect([order[0], order[n - 1]]).to.deep.equal([`s${n - 1}`, 's0']);
  });

  it('says why two services are connected or not', () => {
    const g = graphOf('services:\n  a: {image: x, networks: [n]}\n  b: {image: x, networks: [n]}\n  c: {image: x, network_mode: none}\n  d: {image: x, network_mode: "service:a"}\nnetworks: {n: {}}\n');
    expect(g.connection('a', 'b')).to.deep.equal({ connected: true, why: 'shared: n' });
    expect(g.connection('a', 'c')).to.deep.equal({ connected: false, why: 'network_mode none' });
    expect(g.connection('d', 'a')).to.deep.equal({ connected: true, why: 'same namespace' });
  });
});
