import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultConfig } from '../../lib/engine/config';
import { lintProject } from '../../lib/lint';
import { planProbes } from '../../lib/probe/plan';
import { planPublishing } from '../../lib/probe/publish';
import type { Tool } from '../../lib/probe/scripts';
import { linkFindings } from '../../lib/probe/verdicts';
import { rules } from '../../rules';
import { ROOT } from '../helpers/rules';

const TOOLS = new Set<Tool>(['sh', 'timeout', 'nslookup', 'socat', 'nc']);

/** Every invalid fixture of every rule: each makes its rule fire, so each rule's findings reach the probe somewhere. */
function fixtures(): string[] {
  const out: string[] = [];
  for (const rule of rules) {
    const dir = path.join(ROOT, 'test', 'rules', rule.id, 'invalid');
    for (const name of fs.readdirSync(dir).sort()) if (!name.endsWith('.out')) out.push(path.join(dir, name));
  }
  return out;
}

/** The probe's expectations for a fixture linted with `off` turned off: planned, then linked to the findings as a probe run does. */
function expectations(fixture: string, off: string | undefined): string[] {
  const mode = /stack-mode/.test(fixture) ? 'stack' : /compose-mode/.test(fixture) ? 'compose' : 'auto';
  const levels = new Map(off ? [[off, 'off' as const]] : []);
  const { graph, findings } = lintProject({ target: fixture, cwd: path.dirname(fixture), env: {}, config: defaultConfig(), ruleLevels: levels, mode });
  if (!graph) return [];
  const cases = planProbes({ graph, tools: TOOLS, hostProbes: true, publishing: planPublishing(graph, () => 1) });
  linkFindings(findings, { graph, cases, stack: graph.model.mode === 'stack', swarm: false }, rules);
  return cases.map((c) => `${c.kind} ${c.source} ${c.column}: ${c.expect} (${c.basis})${c.skip ? ` skip: ${c.skip}` : ''}`);
}

describe("probe: predictions are the model's alone", () => {
  it("turning any rule off changes no probe expectation, on every rule's invalid fixtures", function () {
    this.timeout(120_000);
    const all = fixtures();
    expect(all.length).to.be.greaterThan(rules.length);
    let compared = 0;
    for (const fixture of all) {
      const base = expectations(fixture, undefined);
      for (const rule of rules) {
        const off = expectations(fixture, rule.id);
        expect(off, `${path.relative(ROOT, fixture)} with ${rule.id} off`).to.deep.equal(base);
        compared += base.length;
      }
    }
    // the fixtures do give the probe something to expect
    expect(compared).to.be.greaterThan(0);
  });
});

describe('probe plan: published bindings', () => {
  it('expects the bind the model says loses to fail, given start order, and links the finding to it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netlint-'));
    fs.writeFileSync(path.join(dir, 'compose.yaml'), 'services:\n  web: {image: a, ports: ["18301:80"], depends_on: [admin]}\n  admin: {image: a, ports: ["18301:8080"]}\n');
    const { graph, findings } = lintProject({ target: dir, cwd: dir, env: {}, config: defaultConfig() });
    const cases = planProbes({ graph: graph!, tools: TOOLS, hostProbes: true, publishing: planPublishing(graph!, () => 1) }).filter((c) => c.kind === 'host');
    expect(cases.map((c) => `${c.column} ${c.expect}`)).to.deep.equal(['web:18301->80/tcp false', 'admin:18301->8080/tcp true']);
    expect(cases[0].basis).to.equal('bindingOutcome(web, "18301:80") = fails: host port "18301/tcp" is taken by "admin", which starts first');
    const duplicate = findings.filter((f) => f.ruleId === 'no-duplicate-published-ports');
    // the finding is on the entry that loses, web's
    expect(duplicate.map((f) => f.service)).to.deep.equal(['web']);
    const [link] = linkFindings(duplicate, { graph: graph!, cases, stack: false, swarm: false }, rules);
    expect(link)
      .to.have.property('claims')
      .that.deep.equals([{ case: cases[0].id, reachable: false }]);
  });
});
