import { expect } from 'chai';
import { lintProject } from '../../lib/lint';
import { planProbes, twinReplicas } from '../../lib/probe/plan';
import { PUBLISH_CAP, planPublishing } from '../../lib/probe/publish';
import { TOOLS } from '../../lib/probe/scripts';
import { newTwin, type TwinContainer } from '../../lib/probe/twin';
import type { Finding } from '../../lib/engine/finding';
import type { EngineEvent } from '../../lib/probe/types';
import { decide, linkFindings, markPredicted } from '../../lib/probe/verdicts';
import { rules } from '../../rules';
import { tempProject } from '../helpers/project';

/** Lints a project and decides its findings against a twin whose containers `containers` gives, with no cell results. */
function verdictsOf(compose: string, containers: (publishing: ReturnType<typeof planPublishing>) => TwinContainer[]): Record<string, string> {
  const { graph, findings } = lintProject({ cwd: tempProject({ 'compose.yaml': compose }), env: {}, mode: 'compose' });
  const publishing = planPublishing(graph!, (s) => twinReplicas(s).built);
  const cases = planProbes({ graph: graph!, tools: new Set(TOOLS), hostProbes: true, publishing });
  const wanted = findings.filter((f) => f.ruleId === 'no-scaled-fixed-host-port');
  const links = linkFindings(wanted, { graph: graph!, cases, stack: false, swarm: false, publishing }, rules);
  const twin = newTwin('r1', 'p');
  twin.containers.push(...containers(publishing));
  return Object.fromEntries(decide(wanted, links, [], twin.events, twin).map((v) => [v.finding.service!, `${v.verdict}: ${v.reason}`]));
}

/** Both replicas of each service running, with the host ports the twin published for them bound (as an inspect shows). */
const running = (publishing: ReturnType<typeof planPublishing>, services: string[]): TwinContainer[] =>
  services.flatMap((service) =>
    [1, 2].map((replica) => ({
      service,
      replica,
      name: `${service}-${replica}`,
      running: true,
      controlPort: 1,
      listen: [],
      addresses: new Map(),
      hostPorts: new Map(
        publishing
          .ports(service)
          .filter((p) => !p.skip)
          .map((p) => [`${p.target}/${p.protocol}`, [{ hostIp: '127.0.0.1', port: p.hostRange![0] }]]),
      ),
    })),
  );

describe('probe verdicts: only what the twin built can confirm or refute a finding (no docker engine needed)', () => {
  it('no-scaled-fixed-host-port: replicas whose ports the bound kept unpublished are not-probed, not refuted', () => {
    // six services of 200 ports × 2 replicas: the first one fits the bound of published ports, the others do not
    const compose = ['services:', ...[0, 1, 2, 3, 4, 5].flatMap((i) => [`  s${i}:`, '    image: busybox', `    ports: ["${32000 + i * 1000}-${32199 + i * 1000}:${32000 + i * 1000}-${32199 + i * 1000}"]`, '    deploy: { replicas: 2 }']), ''].join(
      '\n',
    );
    const verdicts = verdictsOf(compose, (publishing) => running(publishing, ['s0', 's1', 's2', 's3', 's4', 's5']));
    // s0 and s1 (2 × 65 ports each: the first 64 of a range and its last) fit; s2 to s5 are over the bound
    const over = (s: string): string => `not-probed: the twin did not publish the fixed host ports of "${s}": over the twin's bound of ${PUBLISH_CAP} published host ports a run`;
    const both = (s: string): string => `refuted: 2 replicas of "${s}" started, each bound to its fixed host port`;
    expect(verdicts).to.deep.equal({ s0: both('s0'), s1: both('s1'), s2: over('s2'), s3: over('s3'), s4: over('s4'), s5: over('s5') });
  });

  it('no-scaled-fixed-host-port: replicas running without their fixed port bound observe nothing', () => {
    const compose = ['services:', '  web:', '    image: busybox', '    ports: ["127.0.0.1:18080:80"]', '    deploy: { replicas: 2 }', ''].join('\n');
    const unbound = verdictsOf(compose, (publishing) => running(publishing, ['web']).map((c) => ({ ...c, hostPorts: new Map([['80/tcp', []]]) })));
    expect(unbound).to.deep.equal({ web: 'not-probed: fewer than 2 replicas of "web" ran with their fixed host ports bound, so none showed whether a second one can bind' });
    const bound = verdictsOf(compose, (publishing) => running(publishing, ['web']));
    expect(bound).to.deep.equal({ web: 'refuted: 2 replicas of "web" started, each bound to its fixed host port' });
  });
});

describe('probe verdicts: which engine refusals a finding predicted (issue 13, cause 14)', () => {
  /** Lints `compose`, decides its findings against `events` and marks them; returns each event's `predicted`. */
  function marked(compose: string, events: EngineEvent[], keep = (_: Finding) => true): (boolean | undefined)[] {
    const { graph, findings } = lintProject({ cwd: tempProject({ 'compose.yaml': compose }), env: {}, mode: 'compose' });
    const publishing = planPublishing(graph!, (s) => twinReplicas(s).built);
    const cases = planProbes({ graph: graph!, tools: new Set(TOOLS), hostProbes: true, publishing });
    const wanted = findings.filter(keep);
    const links = linkFindings(wanted, { graph: graph!, cases, stack: false, swarm: false, publishing }, rules);
    const twin = newTwin('r1', 'p');
    twin.events.push(...events);
    markPredicted(twin.events, decide(wanted, links, [], twin.events, twin), graph!);
    return twin.events.map((e) => e.predicted);
  }
  const bind = (service: string, replica: number, port: number): EngineEvent => ({
    kind: 'bind-failed',
    service,
    replica,
    port,
    protocol: 'tcp',
    hostIp: '127.0.0.1',
    message: `"${service}" (replica ${replica}) could not bind 127.0.0.1:${port}/tcp`,
  });
  const compose = ['services:', '  web:', '    image: busybox', '    ports: ["127.0.0.1:18080:80", "127.0.0.1:18081:81"]', '    deploy: { replicas: 3 }', ''].join('\n');

  it('every later replica failing every fixed port of a scaled service is predicted by no-scaled-fixed-host-port', () => {
    const events = [bind('web', 2, 18080), bind('web', 2, 18081), bind('web', 3, 18080), bind('web', 3, 18081)];
    expect(marked(compose, events)).to.deep.equal([true, true, true, true]);
  });

  it('without the finding, the same refusals are unpredicted; a joiner left without its namespace is a consequence', () => {
    const consequence: EngineEvent = { kind: 'create-failed', service: 'web', replica: 1, message: '"web" joins "db", whose container is not running', consequence: true };
    expect(marked(compose, [bind('web', 2, 18080), consequence], () => false)).to.deep.equal([false, true]);
  });
});

describe('probe verdicts: a refusal of every replica (issue 13, cause 14)', () => {
  it('no-network-mode-conflict predicts the refusal of each replica of a host-network service with links', () => {
    const compose = ['services:', '  api:', '    image: busybox', '  admin:', '    image: busybox', '    network_mode: host', '    links: [api]', '    scale: 2', ''].join('\n');
    const { graph, findings } = lintProject({ cwd: tempProject({ 'compose.yaml': compose }), env: {}, mode: 'compose' });
    const publishing = planPublishing(graph!, (s) => twinReplicas(s).built);
    const cases = planProbes({ graph: graph!, tools: new Set(TOOLS), hostProbes: true, publishing });
    const links = linkFindings(findings, { graph: graph!, cases, stack: false, swarm: false, publishing }, rules);
    const twin = newTwin('r1', 'p');
    const refusal = (replica: number): EngineEvent => ({ kind: 'create-failed', service: 'admin', replica, message: `the engine refused the container of "admin": conflicting options: host type networking can't be used with links` });
    twin.events.push(refusal(1), refusal(2));
    const verdicts = decide(findings, links, [], twin.events, twin);
    expect(verdicts.find((v) => v.finding.ruleId === 'no-network-mode-conflict')?.verdict).to.equal('confirmed');
    expect(markPredicted(twin.events, verdicts, graph!)).to.equal(0);
  });
});
