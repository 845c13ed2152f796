import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { applicationVerdicts, markSources } from '../../lib/probe/application';
import { SOCKET_FINDING_IDS, socketDocsUrl } from '../../lib/probe/listening';
import { formatJson, formatJunit, formatText } from '../../lib/probe/report';
import { newTwin } from '../../lib/probe/twin';
import type { CaseResult, ProbeReport } from '../../lib/probe/types';
import { buildGraph } from '../../lib/model';
import { loadProject } from '../../lib/source/project';
import { tempProject } from '../helpers/project';

const ROOT = path.join(__dirname, '..', '..');
const COMPOSE = ['services:', '  api:', '    image: app', '    ports: ["8080:8080"]', '  web:', '    image: app', '    environment:', '      API_URL: http://api:8080', ''].join('\n');

/** An attach run's report on the project above: api listens on 127.0.0.1:8080 only (no engine needed). */
function attachReport(): ProbeReport {
  const graph = buildGraph(loadProject({ cwd: tempProject({ 'compose.yaml': COMPOSE }), env: {} }));
  const twin = newTwin('0badc0de', graph.model.name);
  twin.containers.push({ service: 'web', replica: 1, name: 'cnl-0badc0de-shop-web-1-sidecar', id: 'w', running: true, controlPort: 39_999, listen: [], addresses: new Map(), probes: 'shop-web-1' });
  const results: CaseResult[] = [
    {
      case: { id: 1, kind: 'tcp', source: 'web', column: 'api:8080/tcp', target: { via: 'service', service: 'api', port: 8080, protocol: 'tcp' }, expect: true, basis: 'connected(web, api) = true' },
      tries: [{ outcome: 'refused', reach: 'reachable', detail: 'connection refused' }],
      final: { outcome: 'refused', reach: 'reachable', detail: 'connection refused' },
      agrees: true,
    },
  ];
  markSources(results, twin);
  const lint = {
    finding: { ruleId: 'no-unreachable-reference', severity: 'error' as const, message: 'm', file: 'compose.yaml', line: 8, column: 23, endLine: 8, endColumn: 26, service: 'web', subject: { kind: 'reference' as const, service: 'web', index: 0 } },
    verdict: 'refuted' as const,
    reason: 'tcp web → api:8080/tcp: reachable (connection refused)',
    cases: [1],
  };
  const findings = applicationVerdicts(graph, new Map([['api', { container: 'shop-api-1', listeners: [{ protocol: 'tcp', address: '127.0.0.1', port: 8080, scope: 'loopback' }] }]]), [lint], results);
  return {
    run: '0badc0de',
    project: 'shop',
    mode: 'compose',
    probeMode: 'attach',
    engine: { host: 'unix:///var/run/docker.sock', version: '20.10.24', swarm: false },
    image: 'busybox',
    kept: false,
    notes: [],
    findings,
    results,
    events: [],
    summary: { probes: 1, agreeing: 1, disagreeing: 0, failed: 0, flaky: 0, notProbed: 0, unpredicted: 0, seconds: 1 },
    exitCode: 1,
  };
}

describe('probe reports in attach and real mode (no docker engine needed)', () => {
  it('text: the mode, the container each row was probed from, the socket findings with their messages, and why the run fails', () => {
    const text = formatText(attachReport());
    expect(text.split('\n')[0]).to.equal('compose-netlint probe: project "shop" (compose), attached to the running project, run 0badc0de, engine 20.10.24 at unix:///var/run/docker.sock, image busybox');
    expect(text).to.include(
      [
        'Findings',
        '  compose.yaml:4:13  error  probe-loopback-listener  api  confirmed',
        '      "api" listens on port 8080/tcp only on loopback (127.0.0.1:8080/tcp) in "api" (container "shop-api-1"), so the published port is refused: the engine forwards to the container\'s own address. make the application bind 0.0.0.0 (or ::)',
        '      read in the socket tables (/proc/net/tcp, tcp6, udp, udp6) of "shop-api-1" through a sidecar in its namespace',
        '  compose.yaml:8:23  error  no-unreachable-reference  web  refuted',
        '      tcp web → api:8080/tcp: reachable (connection refused); probed from "shop-web-1"; the socket table of "shop-api-1" shows probe-loopback-listener at the same place',
        '  compose.yaml:8:23  error  probe-loopback-listener  web  confirmed',
      ].join('\n'),
    );
    expect(text).to.include("Probed from (a sidecar in each container's network namespace)\n  web  shop-web-1\n");
    expect(text).to.include('; exit 1: 1 finding refuted, 2 errors in the socket tables\n');
  });

  it("json and junit: the mode and each cell's container", () => {
    const json = JSON.parse(formatJson(attachReport())) as { probeMode: string; cases: { from?: string }[]; findings: { ruleId: string; docsUrl?: string }[] };
    expect(json.probeMode).to.equal('attach');
    expect(json.cases.map((c) => c.from)).to.deep.equal(['shop-web-1']);
    expect(json.findings.map((f) => f.ruleId)).to.deep.equal(['probe-loopback-listener', 'no-unreachable-reference', 'probe-loopback-listener']);
    expect(formatJunit(attachReport())).to.include('<testcase classname="probe.tcp" name="tcp web → api:8080/tcp"><properties><property name="from" value="shop-web-1"/></properties></testcase>');
  });

  it('every socket finding has its page, titled with its id, and the README probe section links it', () => {
    const section = fs.readFileSync(path.join(ROOT, 'docs', 'probe-section.md'), 'utf8');
    for (const id of SOCKET_FINDING_IDS) {
      const page = fs.readFileSync(path.join(ROOT, 'docs', 'probe', `${id}.md`), 'utf8');
      expect(page.split('\n')[0]).to.equal(`# ${id}`);
      expect(socketDocsUrl(id)).to.match(new RegExp(`/docs/probe/${id}\\.md$`));
      expect(section).to.include(`(docs/probe/${id}.md)`);
    }
  });
});
