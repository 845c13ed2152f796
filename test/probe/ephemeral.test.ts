import { expect } from 'chai';
import * as net from 'node:net';
import { lintProject } from '../../lib/lint';
import type { Engine } from '../../lib/probe/engine';
import { executeCases, progressLine } from '../../lib/probe/execute';
import { planProbes } from '../../lib/probe/plan';
import { planPublishing } from '../../lib/probe/publish';
import type { Tool } from '../../lib/probe/scripts';
import { newTwin, type HostPorts, type TwinContainer } from '../../lib/probe/twin';
import { tempProject } from '../helpers/project';

const TOOLS = new Set<Tool>(['sh', 'timeout', 'nslookup', 'socat', 'nc']);

const COMPOSE = [
  'services:',
  '  web:',
  '    image: nginx',
  '    ports: ["80", "127.0.0.1::81", "8080:8080"]',
  '  vault:',
  '    image: vault',
  '    networks: [private]',
  '    ports: ["8200"]',
  '  agent:',
  '    image: agent',
  '    network_mode: host',
  '    ports: ["9100"]',
  'networks:',
  '  private:',
  '    internal: true',
  '',
].join('\n');

function graphOf(text: string) {
  const { graph } = lintProject({ target: tempProject({ 'compose.yaml': text }), env: {} });
  return graph!;
}

/** The plan, with what the twin publishes (one replica each). */
function plan(graph: ReturnType<typeof graphOf>) {
  return planProbes({ graph, tools: TOOLS, hostProbes: true, publishing: planPublishing(graph, () => 1) });
}

function container(service: string, hostPorts: HostPorts): TwinContainer {
  return { service, replica: 1, name: `c-${service}`, id: `id-${service}`, running: true, controlPort: 39_999, listen: [], addresses: new Map(), hostPorts };
}

/** A listener on 127.0.0.1 that answers as the twin's listener does, with the service's name. */
async function twinListener(service: string): Promise<{ port: number; close: () => void }> {
  const server = net.createServer((socket) => socket.end(`cnl-ok ${service}\n`));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as net.AddressInfo).port, close: () => server.close() };
}

describe('probe: bare container ports (ephemeral host ports)', () => {
  it("are planned from the host, at the ports the engine will pick, with the graph's prediction", () => {
    const cases = plan(graphOf(COMPOSE)).filter((c) => c.kind === 'host');
    expect(cases.map((c) => [c.column, c.expect, c.skip ?? '', c.target.via === 'host' ? [c.target.port, c.target.ephemeralFor] : []])).to.deep.equal([
      ['web:ephemeral->80/tcp', true, '', [0, 80]],
      ['web:ephemeral->81/tcp', true, '', [0, 81]],
      ['web:8080->8080/tcp', true, '', [8080, undefined]],
      ['vault:ephemeral->8200/tcp', false, '', [0, 8200]],
      ['agent:ephemeral->9100/tcp', false, 'the engine picks no host port for it (host network: Docker discards ports)', [0, 9100]],
      ['agent:9100/tcp (host network)', true, '', [9100, undefined]],
    ]);
    expect(cases[0].basis).to.equal('bindingOutcome(web, "80") = bound on a host port the engine picks');
    expect(cases[3].basis).to.equal('bindingOutcome(vault, "8200") = bound, but every network of the service is internal: published ports do not work');
  });

  it("are probed at the port the engine bound on the probed address's family, and a port bound nowhere is observed blocked", async () => {
    const graph = graphOf(COMPOSE);
    const cases = plan(graph).filter((c) => c.kind === 'host' && /ephemeral->(80|8200)\//.test(c.column));
    const web = await twinListener('web');
    try {
      const twin = newTwin('run1', 'proj');
      // Docker binds 0.0.0.0 and :: to different ports; the probe goes to 127.0.0.1, so the IPv4 one counts
      twin.containers.push(
        container(
          'web',
          new Map([
            [
              '80/tcp',
              [
                { hostIp: '::', port: 1 },
                { hostIp: '0.0.0.0', port: web.port },
              ],
            ],
          ]),
        ),
      );
      // attached only to an internal network: the engine binds nothing (inspect shows "Ports": {})
      twin.containers.push(container('vault', new Map()));
      const progress: string[] = [];
      const results = await executeCases({ engine: {} as Engine, twin, graph, tools: TOOLS, timeout: 2, concurrency: 1, tries: 1, progress: (t) => progress.push(t) }, cases);
      expect(results.map((r) => [r.case.column, r.final?.reach, r.final?.detail, r.agrees])).to.deep.equal([
        ['web:ephemeral->80/tcp', 'reachable', 'answered by web', true],
        ['vault:ephemeral->8200/tcp', 'blocked', 'the engine bound no host port for 8200/tcp', true],
      ]);
      expect(results[0].reproduce).to.equal(`nc -w 2 127.0.0.1 ${web.port} </dev/null`);
      // the progress line counts what the summary counts: every case with an observation
      expect(progress).to.deep.equal(['2 probes: running 1 from 1 source; 1 settled without running (the engine bound no host port for 8200/tcp)']);
    } finally {
      web.close();
    }
  });

  it('are not probed, with the reason, when the container that would bind them is missing', async () => {
    const graph = graphOf(COMPOSE);
    const cases = plan(graph).filter((c) => c.column === 'web:ephemeral->80/tcp');
    const results = await executeCases({ engine: {} as Engine, twin: newTwin('run1', 'proj'), graph, tools: TOOLS, timeout: 2, concurrency: 1, tries: 1, progress: () => undefined }, cases);
    expect([results[0].final, results[0].case.skip]).to.deep.equal([undefined, '"web" has no running container']);
  });
});

describe('probe: the progress line', () => {
  it('counts the cases settled before running (a broken routing mesh) as the summary does', () => {
    expect(progressLine(24, 5, [])).to.equal('running 24 probes from 5 sources');
    expect(progressLine(1, 1, [])).to.equal('running 1 probe from 1 source');
    expect(progressLine(58, 5, ['the routing mesh does not work on this engine', 'the routing mesh does not work on this engine'])).to.equal(
      '60 probes: running 58 from 5 sources; 2 settled without running (the routing mesh does not work on this engine)',
    );
  });

  it('of a run where a control failed before running agrees with the results it produces', async () => {
    const graph = graphOf('services:\n  web:\n    image: nginx\n    ports: ["18080:80", "18081:81"]\n');
    const cases = plan(graph).filter((c) => c.kind === 'host');
    const twin = newTwin('run1', 'proj');
    const progress: string[] = [];
    const broken = new Map(cases.map((c) => [c.id, 'the routing mesh does not work on this engine']));
    const results = await executeCases({ engine: {} as Engine, twin, graph, tools: TOOLS, timeout: 2, concurrency: 1, tries: 3, progress: (t) => progress.push(t), broken }, cases);
    // the cells a failed control rules out are not probed, with its reason: neither the line nor the summary counts them
    expect(results.filter((r) => r.final)).to.have.length(0);
    expect(results.map((r) => r.case.skip)).to.deep.equal(['the routing mesh does not work on this engine', 'the routing mesh does not work on this engine']);
    expect(progress[0]).to.equal('running 0 probes from 0 sources');
  });
});
