import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { rules } from '../../rules';
import { docExamples, docOutput, exampleFileName, goldenLines, lintFixture, lintText, ROOT } from '../helpers/rules';

const LOAD_IDS = new Set(['yaml-syntax', 'compose-load', 'compose-schema']);

function fixtures(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() || /\.ya?ml$/.test(e.name))
    .map((e) => path.join(dir, e.name))
    .sort();
}

for (const rule of rules) {
  describe(`rule ${rule.id}`, () => {
    const base = path.join(ROOT, 'test', 'rules', rule.id);
    for (const fixture of fixtures(path.join(base, 'invalid'))) {
      const name = path.basename(fixture).replace(/\.ya?ml$/, '');
      it(`reports invalid/${name} exactly as its golden says`, () => {
        const findings = lintFixture(fixture, rule);
        expect(
          findings.filter((f) => LOAD_IDS.has(f.ruleId)),
          'fixture must be valid Compose',
        ).to.deep.equal([]);
        const golden = fs.readFileSync(path.join(base, 'invalid', `${name}.out`), 'utf8').trimEnd();
        expect(goldenLines(findings)).to.equal(golden);
      });
    }
    for (const fixture of fixtures(path.join(base, 'valid'))) {
      it(`accepts valid/${path.basename(fixture)}`, () => {
        const findings = lintFixture(fixture, rule);
        expect(
          findings.filter((f) => LOAD_IDS.has(f.ruleId)),
          'fixture must be valid Compose',
        ).to.deep.equal([]);
        expect(goldenLines(findings)).to.equal('');
      });
    }

    const doc = path.join(ROOT, 'rules', `${rule.id}.md`);
    if (!fs.existsSync(doc)) return;
    const examples = docExamples(fs.readFileSync(doc, 'utf8'));
    examples.forEach((example, index) => {
      it(`doc example ${index + 1} (${example.section}) ${example.section === 'Incorrect' ? 'fires, with the output shown' : 'stays clean'}`, () => {
        const findings = lintText(example.yaml, rule, exampleFileName(rule));
        expect(
          findings.filter((f) => LOAD_IDS.has(f.ruleId)),
          'doc example must be valid Compose',
        ).to.deep.equal([]);
        if (example.section === 'Correct') return expect(docOutput(findings)).to.equal('');
        expect(findings.length, 'an Incorrect example must fire').to.be.greaterThan(0);
        expect(example.output?.text, 'the output shown is generated: run `npm run docs`').to.equal(docOutput(findings));
      });
    });
  });
}
