import { expect } from 'chai';
import { buildGraph } from '../../lib/model';
import type { Engine } from '../../lib/probe/engine';
import { executeCases } from '../../lib/probe/execute';
import { planProbes, twinReplicas } from '../../lib/probe/plan';
import { planPublishing } from '../../lib/probe/publish';
import { TOOLS } from '../../lib/probe/scripts';
import { createdNetworksLine, newTwin } from '../../lib/probe/twin';
import { loadProject } from '../../lib/source/project';
import { tempProject } from '../helpers/project';

// "a" joins n2, whose IPAM driver the twin refuses, so "a" has no twin; "b" shares n1 with it
const COMPOSE = ['services:', '  a: { image: busybox, networks: [n1, n2] }', '  b: { image: busybox, networks: [n1] }', 'networks:', '  n1: {}', '  n2: { ipam: { driver: ../../../tmp/evil } }', ''].join('\n');

describe('probe: a service without a twin is never probed (no docker engine needed)', () => {
  it('a name cell whose target has no twin is not-probed with the reason, and runs nothing', async () => {
    const graph = buildGraph(loadProject({ cwd: tempProject({ 'compose.yaml': COMPOSE }), env: {} }));
    const publishing = planPublishing(graph, (s) => twinReplicas(s).built);
    const cases = planProbes({ graph, tools: new Set(TOOLS), hostProbes: false, publishing }).filter((c) => c.kind === 'dns' && c.source === 'b' && c.column === 'a');
    expect(cases.map((c) => c.expect)).to.deep.equal([true]);
    const twin = newTwin('r1', 'p');
    twin.excluded.set('a', 'its network "n2" could not be built');
    twin.containers.push({ service: 'b', replica: 1, name: 'b-1', id: 'b1', running: true, controlPort: 1, listen: [], addresses: new Map([['n1', '10.9.0.2']]) });
    let calls = 0;
    const engine = new Proxy(
      {},
      {
        get: () => {
          calls++;
          throw new Error('the engine was called');
        },
      },
    ) as Engine;
    const results = await executeCases({ engine, twin, graph, tools: new Set(TOOLS), timeout: 1, concurrency: 1, tries: 1, progress: () => undefined }, cases);
    expect(results.map((r) => ({ skip: r.case.skip, tries: r.tries.length, final: r.final }))).to.deep.equal([{ skip: '"a" has no twin: its network "n2" could not be built', tries: 0, final: undefined }]);
    expect(calls).to.equal(0);
  });

  it('the progress line counts the networks really created', () => {
    const twin = newTwin('r1', 'p');
    twin.networks.set('n1', { key: 'n1', dockerName: 'p_n1', id: 'x', created: true });
    twin.networks.set('n2', { key: 'n2', dockerName: 'p_n2', created: true, failed: 'refused' });
    expect(createdNetworksLine(twin, 'network')).to.equal('created 1 network; 1 could not be built');
    twin.networks.set('n1', { key: 'n1', dockerName: 'ext', id: 'x', created: false });
    twin.networks.delete('n2');
    expect(createdNetworksLine(twin, 'overlay network')).to.equal('created 0 overlay networks');
  });
});
