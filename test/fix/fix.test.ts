import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultConfig } from '../../lib/engine/config';
import { fixProject } from '../../lib/fix/project';
import type { LintProjectOptions } from '../../lib/lint';
import { rules } from '../../rules';
import { ROOT } from '../helpers/rules';

/** The fixtures of `test/rules/<id>/fix/`: `NAME.yaml` with its hand-written `NAME.fixed.yaml`, or `unfixable-*.yaml` that must stay as it is. */
function fixFixtures(id: string): string[] {
  const dir = path.join(ROOT, 'test', 'rules', id, 'fix');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((n) => /\.ya?ml$/.test(n) && !/\.fixed\.ya?ml$/.test(n))
    .sort()
    .map((n) => path.join(dir, n));
}

function options(fixture: string, rule: (typeof rules)[number], overlay?: Map<string, string>): LintProjectOptions {
  const mode = /stack-mode/.test(fixture) ? 'stack' : /compose-mode/.test(fixture) ? 'compose' : 'auto';
  return { target: fixture, cwd: path.dirname(fixture), env: {}, rules: [rule], config: defaultConfig(), mode, overlay };
}

describe('fixes: each fixable rule against its hand-written before and after files', () => {
  for (const rule of rules) {
    const fixtures = fixFixtures(rule.id);
    if (rule.fix) it(`${rule.id} has fix fixtures`, () => expect(fixtures.filter((f) => !/unfixable-/.test(path.basename(f)))).not.to.be.empty);
    for (const fixture of fixtures) {
      const name = path.basename(fixture);
      if (/^unfixable-/.test(name)) {
        it(`${rule.id}: leaves fix/${name} alone (the change is not certain) and still reports it`, () => {
          const { files, result, fixed } = fixProject(options(fixture, rule));
          expect(result.findings.filter((f) => f.ruleId === rule.id)).not.to.be.empty;
          expect(fixed).to.deep.equal([]);
          expect(files).to.deep.equal([]);
        });
        continue;
      }
      it(`${rule.id}: fix/${name} becomes its .fixed file, fixing again changes nothing, and the rule is then clean`, () => {
        const expected = fs.readFileSync(fixture.replace(/\.(ya?ml)$/, '.fixed.$1'), 'utf8');
        const first = fixProject(options(fixture, rule));
        expect(first.files.map((f) => f.path)).to.deep.equal([fixture]);
        expect(first.files[0].after).to.equal(expected);
        expect(first.fixed.every((f) => f.fix?.safety === rule.fix)).to.equal(true);
        expect(first.result.findings.filter((f) => f.ruleId === rule.id)).to.deep.equal([]);
        const again = fixProject(options(fixture, rule, new Map([[fixture, expected]])));
        expect(again.files).to.deep.equal([]);
        expect(again.fixed).to.deep.equal([]);
      });
    }
  }
});
