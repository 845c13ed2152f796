import { expect } from 'chai';
import { buildGraph } from '../../lib/model';
import { applicationCases, UDP_APPLICATION_SKIP } from '../../lib/probe/application';
import { composeContainers, controlPortFor, publishedAsWritten } from '../../lib/probe/attach';
import { parseProbeArgs } from '../../lib/probe/options';
import { planProbes } from '../../lib/probe/plan';
import { TOOLS } from '../../lib/probe/scripts';
import { loadProject } from '../../lib/source/project';
import { tempProject } from '../helpers/project';

const labels = (project: string, service: string, number: string, oneoff = 'False'): Record<string, string> => ({
  'com.docker.compose.project': project,
  'com.docker.compose.service': service,
  'com.docker.compose.container-number': number,
  'com.docker.compose.oneoff': oneoff,
});

describe('probe --attach: finding the project and planning for it (no docker engine needed)', () => {
  it("picks the project's running service containers by Compose's labels, leaving out one-off, stopped and other projects' containers", () => {
    const list = [
      { Id: 'b2', Names: ['/shop-web-2'], Labels: labels('shop', 'web', '2'), State: 'running' },
      { Id: 'b1', Names: ['/shop-web-1'], Labels: labels('shop', 'web', '1'), State: 'running' },
      { Id: 'a1', Names: ['/shop-api-1'], Labels: labels('shop', 'api', '1'), State: 'running' },
      { Id: 'r1', Names: ['/shop-api-run-0f3a'], Labels: labels('shop', 'api', '1', 'True'), State: 'running' },
      { Id: 's1', Names: ['/shop-db-1'], Labels: labels('shop', 'db', '1'), State: 'exited' },
      { Id: 'o1', Names: ['/blog-web-1'], Labels: labels('blog', 'web', '1'), State: 'running' },
      { Id: 'x1', Names: ['/shop-old-1'], Labels: labels('shop', 'old', '1'), State: 'running' },
    ];
    expect(composeContainers(list, 'shop', new Set(['api', 'web', 'db']))).to.deep.equal({
      found: [
        { id: 'a1', name: 'shop-api-1', service: 'api', number: 1 },
        { id: 'b1', name: 'shop-web-1', service: 'web', number: 1 },
        { id: 'b2', name: 'shop-web-2', service: 'web', number: 2 },
      ],
      unknown: ['shop-old-1'],
    });
  });

  it("chooses a control port no socket of the namespace holds, nor an earlier sidecar's", () => {
    expect(controlPortFor([], new Set())).to.equal(39_999);
    expect(controlPortFor([{ protocol: 'tcp', address: '0.0.0.0', port: 39_999, scope: 'any' }], new Set([39_998]))).to.equal(39_997);
    expect(controlPortFor([{ protocol: 'udp', address: '0.0.0.0', port: 39_999, scope: 'any' }], new Set())).to.equal(39_999);
  });

  it('probes published ports where the running project binds them: its own host port, on loopback only', () => {
    const compose = ['services:', '  api:', '    image: app', '    ports: ["8080:80", "127.0.0.2:9090:90", "10.9.8.7:7070:70", "5000"]', ''].join('\n');
    const graph = buildGraph(loadProject({ cwd: tempProject({ 'compose.yaml': compose }), env: {} }));
    const cases = planProbes({ graph, tools: new Set(TOOLS), hostProbes: true, publishing: publishedAsWritten(graph) }).filter((c) => c.kind === 'host');
    expect(cases.map((c) => (c.target.via === 'host' ? `${c.column} ${c.target.address}:${c.target.port}${c.skip ? ` skip: ${c.skip}` : ''}` : ''))).to.deep.equal([
      'api:8080->80/tcp 127.0.0.1:8080',
      'api:127.0.0.2:9090->90/tcp 127.0.0.2:9090',
      "api:10.9.8.7:7070->70/tcp 127.0.0.1:7070 skip: published on 10.9.8.7, not on loopback: the probe sends nothing off this machine's loopback",
      'api:ephemeral->5000/tcp 127.0.0.1:0',
    ]);
  });

  it('leaves UDP cells unprobed: an application need not answer a datagram', () => {
    const compose = ['services:', '  dns:', '    image: app', '    ports: ["5353:53/udp", "8053:53"]', '  web:', '    image: app', ''].join('\n');
    const graph = buildGraph(loadProject({ cwd: tempProject({ 'compose.yaml': compose }), env: {} }));
    const cases = planProbes({ graph, tools: new Set(TOOLS), hostProbes: true, publishing: publishedAsWritten(graph) });
    applicationCases(cases);
    expect(cases.filter((c) => c.kind !== 'dns').map((c) => `${c.kind} ${c.source} ${c.column}: ${c.skip ?? 'probed'}`)).to.deep.equal([
      `udp web dns:53/udp: ${UDP_APPLICATION_SKIP}`,
      'tcp web dns:53/tcp: probed',
      `host host dns:5353->53/udp: ${UDP_APPLICATION_SKIP}`,
      'host host dns:8053->53/tcp: probed',
    ]);
  });

  it('--attach and --real: one at a time, --ready-timeout only with --real, neither with --cleanup', () => {
    expect(parseProbeArgs(['--attach'])).to.deep.include({ attach: true, real: false, readyTimeout: 60 });
    expect(parseProbeArgs(['--real', '--ready-timeout', '5'])).to.deep.include({ attach: false, real: true, readyTimeout: 5 });
    const refused: [string[], string][] = [
      [['--attach', '--real'], 'give either --attach or --real, not both'],
      [['--attach', '--ready-timeout', '5'], '--ready-timeout goes with --real'],
      [['--real', '--ready-timeout', '0'], '--ready-timeout needs whole seconds from 1 to 600, not "0"'],
      [['--cleanup', '--real'], '--real does not go with --cleanup'],
      [['--attach', '--use-external'], '--use-external does not go with --attach: the running project has its own networks'],
    ];
    for (const [argv, message] of refused) expect(() => parseProbeArgs(argv), argv.join(' ')).to.throw(message);
  });
});
