import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Finding } from '../../lib/engine/finding';
import { formatters } from '../../lib/report';
import { rules } from '../../rules';
import { COMPOSE, fixtureFindings, fixtureInput, golden, sarifErrors } from './fixture';

/* eslint-disable @typescript-eslint/no-explicit-any */
const VERSION: string = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version;
const sarif = (input = fixtureInput()): any => JSON.parse(formatters.sarif(input));
const prints = (log: any): string[] => log.runs[0].results.map((r: any) => r.partialFingerprints['compose-netlint/v1']);

/** The fixture with `n` comment lines inserted at the top of compose.yaml: every position there moves down. */
function shifted(n: number) {
  const move = <T extends { file: string; line: number; endLine: number }>(at: T): T => (at.file === 'compose.yaml' ? { ...at, line: at.line + n, endLine: at.endLine + n } : at);
  const findings = fixtureFindings().map((f) => ({
    ...move(f),
    message: f.message.replace(/\(line (\d+)\)/, (_, line: string) => `(line ${Number(line) + n})`),
    ...(f.related ? { related: f.related.map(move) } : {}),
  }));
  return fixtureInput({ findings, sources: new Map([...fixtureInput().sources, ['compose.yaml', '# added\n'.repeat(n) + COMPOSE]]) });
}

describe('report: sarif', () => {
  it('the golden, an empty run and odd paths validate against the SARIF 2.1.0 schema', () => {
    expect(sarifErrors(JSON.parse(golden('sarif.json')))).to.deep.equal([]);
    expect(sarifErrors(sarif(fixtureInput({ findings: [], exitCode: 0 })))).to.deep.equal([]);
    const odd: Finding = { ...fixtureFindings()[0], file: path.join('..', 'other dir', 'a#b?.yaml') };
    const absolute: Finding = { ...fixtureFindings()[0], file: path.resolve('/srv/x y/compose.yaml') };
    expect(sarifErrors(sarif(fixtureInput({ findings: [odd, absolute] })))).to.deep.equal([]);
  });

  it('lists every rule, the loader and configuration ids too, with docs, default level and category tag', () => {
    const driver = sarif().runs[0].tool.driver;
    expect(driver).to.include({ name: 'compose-netlint', version: '0.1.0', informationUri: 'https://github.com/compose-netlint/compose-netlint' });
    const ids = driver.rules.map((r: any) => r.id);
    expect(ids).to.deep.equal([...rules.map((r) => r.id), 'ambiguous-mode', 'compose-load', 'compose-schema', 'config-error', 'yaml-syntax'].sort());
    for (const rule of rules) {
      const d = driver.rules.find((r: any) => r.id === rule.id);
      expect(d.shortDescription.text).to.equal(rule.description);
      expect(d.fullDescription.text).to.include(rule.description);
      expect(d.helpUri).to.equal(`https://github.com/compose-netlint/compose-netlint/blob/v${VERSION}/rules/${rule.id}.md`);
      expect(d.defaultConfiguration.level).to.equal({ error: 'error', warning: 'warning', info: 'note' }[rule.severity]);
      expect(d.properties.tags[0]).to.equal(rule.category);
      // GitHub shows a security severity only for rules that carry one, and only security rules should
      expect(d.properties['security-severity'] !== undefined, rule.id).to.equal(rule.category === 'security');
    }
  });

  it('gives descriptors precision, tags and (security rules) a security-severity GitHub grades as High or Medium', () => {
    const props = (id: string) => sarif().runs[0].tool.driver.rules.find((r: any) => r.id === id).properties;
    expect(props('no-public-datastore-ports')).to.deep.equal({ precision: 'high', tags: ['security', 'fixable'], 'security-severity': '7.5' });
    expect(props('require-overlay-encryption')).to.deep.equal({ precision: 'very-high', tags: ['security', 'stack-only', 'fixable'], 'security-severity': '5.9' });
    expect(props('no-host-network-ports')).to.deep.equal({ precision: 'very-high', tags: ['correctness', 'compose-only', 'fixable'] });
    expect(props('yaml-syntax')).to.deep.equal({ precision: 'very-high', tags: ['correctness'] });
  });

  it("carries a finding's fix as SARIF fixes: a replacement per edit, an insertion as an empty deleted region", () => {
    const fixed: Finding = {
      ...fixtureFindings()[0],
      fix: {
        title: 'bind host port "5432" to 127.0.0.1',
        safety: 'changes-behaviour',
        edits: [
          { file: 'compose.yaml', line: 6, column: 9, endLine: 6, endColumn: 20, text: '"127.0.0.1:5432:5432"' },
          { file: 'compose.yaml', line: 9, column: 1, endLine: 9, endColumn: 1, text: '    x: y\n' },
        ],
      },
    };
    const log = sarif(fixtureInput({ findings: [fixed] }));
    expect(sarifErrors(log)).to.deep.equal([]);
    expect(log.runs[0].results[0].fixes).to.deep.equal([
      {
        description: { text: 'bind host port "5432" to 127.0.0.1 (changes-behaviour)' },
        artifactChanges: [
          {
            artifactLocation: { uri: 'compose.yaml', uriBaseId: '%SRCROOT%' },
            replacements: [
              { deletedRegion: { startLine: 6, startColumn: 9, endLine: 6, endColumn: 20 }, insertedContent: { text: '"127.0.0.1:5432:5432"' } },
              { deletedRegion: { startLine: 9, startColumn: 1, endLine: 9, endColumn: 1 }, insertedContent: { text: '    x: y\n' } },
            ],
          },
        ],
      },
    ]);
  });

  it('names the engine target in the run properties when every project was linted for the same one', () => {
    const projects = fixtureInput().projects.map((p) => ({ ...p, engine: 'docker@20.10' }));
    expect(sarif(fixtureInput({ projects })).runs[0].properties.engine).to.equal('docker@20.10');
    expect(sarif(fixtureInput({ projects: [projects[0], { ...projects[1], engine: 'podman@5.2' }] })).runs[0].properties).not.to.have.property('engine');
  });

  it('points each result at its rule by index', () => {
    const run = sarif().runs[0];
    for (const result of run.results) expect(run.tool.driver.rules[result.ruleIndex].id).to.equal(result.ruleId);
  });

  it('marks only the inline-suppressed finding, with its reason as justification', () => {
    const results = sarif().runs[0].results;
    expect(results.filter((r: any) => r.suppressions).map((r: any) => [r.ruleId, r.suppressions])).to.deep.equal([['no-public-datastore-ports', [{ kind: 'inSource', status: 'accepted', justification: 'demo box, firewalled' }]]]);
  });

  it('carries the exit code in the invocation', () => {
    expect(sarif(fixtureInput({ exitCode: 0 })).runs[0].invocations).to.deep.equal([{ executionSuccessful: true, exitCode: 0 }]);
  });

  it('writes URIs relative to %SRCROOT% with / separators and percent-encoding, and absolute paths as file: URIs', () => {
    const at = (file: string) => sarif(fixtureInput({ findings: [{ ...fixtureFindings()[0], file }] })).runs[0].results[0].locations[0].physicalLocation.artifactLocation;
    expect(at(path.join('stacks', 'web,app:v1%.yml'))).to.deep.equal({ uri: 'stacks/web,app%3Av1%25.yml', uriBaseId: '%SRCROOT%' });
    expect(at(path.join('..', 'other dir', 'a#b?.yaml'))).to.deep.equal({ uri: '../other%20dir/a%23b%3F.yaml', uriBaseId: '%SRCROOT%' });
    expect(at('/srv/x y/compose.yaml')).to.deep.equal({ uri: 'file:///srv/x%20y/compose.yaml' });
  });

  it('keeps partial fingerprints when lines are added above, even when the message names a line', () => {
    const before = prints(sarif());
    expect(new Set(before).size).to.equal(before.length);
    expect(prints(sarif(shifted(3)))).to.deep.equal(before);
  });

  it('changes the fingerprint when the blamed text or the message changes, and numbers identical findings', () => {
    const [first] = fixtureFindings();
    const base = prints(sarif(fixtureInput({ findings: [first] })))[0];
    const edited = new Map([...fixtureInput().sources, ['compose.yaml', COMPOSE.replace('netwroks', 'netwrokz')]]);
    expect(prints(sarif(fixtureInput({ findings: [first], sources: edited })))[0]).not.to.equal(base);
    expect(prints(sarif(fixtureInput({ findings: [{ ...first, message: 'other' }] })))[0]).not.to.equal(base);
    const twice = prints(sarif(fixtureInput({ findings: [first, { ...first }] })));
    expect(twice[0]).to.equal(base);
    expect(twice[1]).not.to.equal(base);
  });
});
