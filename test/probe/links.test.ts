import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultConfig } from '../../lib/engine/config';
import { CLAIM_KINDS } from '../../lib/engine/probe-link';
import { lintProject } from '../../lib/lint';
import { planProbes } from '../../lib/probe/plan';
import { planPublishing } from '../../lib/probe/publish';
import type { Tool } from '../../lib/probe/scripts';
import { ENGINE_EVENT_KINDS, PROBE_KINDS, type ProbeCase } from '../../lib/probe/types';
import { CLAIMS, linkFindings } from '../../lib/probe/verdicts';
import type { NetworkGraph } from '../../lib/model/graph';
import type { Finding } from '../../lib/engine/finding';
import { rules } from '../../rules';
import { ROOT } from '../helpers/rules';
import { tempProject } from '../helpers/project';

const TOOLS = new Set<Tool>(['sh', 'timeout', 'nslookup', 'socat', 'nc']);

/** The cells of a plan that observe a finding's subject directly: a binding's host cells, a reference's name lookups. */
function observing(f: Finding, graph: NetworkGraph, cases: readonly ProbeCase[]): ProbeCase[] {
  const s = f.subject;
  if (s?.kind === 'binding') return cases.filter((c) => c.kind === 'host' && c.target.via === 'host' && c.target.service === s.service && c.target.binding === s.index && !c.skip);
  if (s?.kind === 'reference') {
    const ref = graph.referencesFrom(s.service)[s.index];
    return cases.filter((c) => c.kind === 'dns' && c.source === s.service && ref !== undefined && c.column.toLowerCase() === ref.name.toLowerCase() && !c.skip);
  }
  return [];
}

describe('meta: each rule declares how the probe observes its findings', () => {
  it('every declared link names a claim the probe implements, and cell and event kinds the probe has', () => {
    expect(Object.keys(CLAIMS).sort()).to.deep.equal([...CLAIM_KINDS].sort());
    for (const rule of rules) {
      const link = rule.probe;
      expect(link, rule.id).to.be.an('object');
      if ('notProbed' in link) {
        expect(link.notProbed, rule.id).to.match(/^[A-Za-z].*[^.]$/);
        continue;
      }
      expect(CLAIM_KINDS, rule.id).to.include(link.claim);
      for (const cell of link.cells) expect(PROBE_KINDS, `${rule.id} cell kind`).to.include(cell);
      for (const event of link.events ?? []) expect(ENGINE_EVENT_KINDS, `${rule.id} event kind`).to.include(event);
      expect(link.cells.length + (link.events?.length ?? 0), `${rule.id} observes nothing`).to.be.greaterThan(0);
    }
  });

  it('a rule whose findings the plan observes declares a link to those cells, and its link claims only cells of the kinds it declares', function () {
    this.timeout(60_000);
    for (const rule of rules) {
      const dir = path.join(ROOT, 'test', 'rules', rule.id, 'invalid');
      for (const name of fs.readdirSync(dir).filter((n) => !n.endsWith('.out'))) {
        const fixture = path.join(dir, name);
        const mode = /stack-mode/.test(name) ? 'stack' : /compose-mode/.test(name) ? 'compose' : 'auto';
        const { graph, findings } = lintProject({ target: fixture, cwd: dir, env: {}, rules: [rule], config: defaultConfig(), mode });
        if (!graph) continue;
        const cases = planProbes({ graph, tools: TOOLS, hostProbes: true, publishing: planPublishing(graph, () => 1) });
        const own = findings.filter((f) => f.ruleId === rule.id);
        const declared = 'notProbed' in rule.probe ? [] : rule.probe.cells;
        for (const f of own) {
          for (const c of observing(f, graph, cases)) expect(declared, `${rule.id} (${name}): the plan observes its finding in a ${c.kind} cell`).to.include(c.kind);
        }
        const links = linkFindings(own, { graph, cases, stack: graph.model.mode === 'stack', swarm: false }, rules);
        const byId = new Map(cases.map((c) => [c.id, c]));
        for (const l of links) if (!('notProbed' in l)) for (const claim of l.claims) expect(declared, `${rule.id} (${name}) claims a cell`).to.include(byId.get(claim.case)!.kind);
      }
    }
  });
});

describe('verdict links claim the paths the model predicts (issue 13, cause 5)', () => {
  /** Each finding's claims as "ruleId service: case-column reachable|blocked". */
  function claimsOf(text: string): string[] {
    const dir = tempProject({ 'compose.yaml': text });
    const { graph, findings } = lintProject({ cwd: dir, env: {}, config: defaultConfig() });
    const cases = planProbes({ graph: graph!, tools: TOOLS, hostProbes: true, publishing: planPublishing(graph!, () => 1) });
    const links = linkFindings(findings, { graph: graph!, cases, stack: false, swarm: false }, rules);
    return findings.flatMap((f, i) => {
      const link = links[i];
      if ('notProbed' in link) return [];
      return link.claims.map((c) => `${f.ruleId} ${f.service}: ${cases[c.case - 1].kind} ${cases[c.case - 1].column} ${c.reachable ? 'reachable' : 'blocked'}`);
    });
  }

  it('no-default-bridge-dns for a target off the default bridge: no address path either', () => {
    const text = ['services:', '  a: {image: x, network_mode: bridge, environment: ["B_URL=http://b:80/"]}', '  b: {image: x, expose: ["80"]}', ''].join('\n');
    expect(claimsOf(text)).to.deep.equal(['no-default-bridge-dns a: dns b blocked', 'no-default-bridge-dns a: tcp b:80/tcp blocked']);
  });

  it('no-default-bridge-dns for a target on the default bridge: the address works', () => {
    const text = ['services:', '  a: {image: x, network_mode: bridge, environment: ["B_URL=http://b:80/"]}', '  b: {image: x, network_mode: bridge, expose: ["80"]}', ''].join('\n');
    expect(claimsOf(text)).to.deep.equal(['no-default-bridge-dns a: dns b blocked', 'no-default-bridge-dns a: tcp b:80/tcp reachable']);
  });

  it('no-unreachable-reference where they share a network and only the alias is missing: the path exists', () => {
    const text = ['services:', '  c: {image: x, networks: [front], environment: ["D_URL=http://store:81/"]}', '  d: {image: x, expose: ["81"], networks: {front: {}, back: {aliases: [store]}}}', 'networks: {front: {}, back: {}}', ''].join('\n');
    expect(claimsOf(text)).to.deep.equal(['no-unreachable-reference c: dns store blocked', 'no-unreachable-reference c: tcp d:81/tcp reachable']);
  });
});
