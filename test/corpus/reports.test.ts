import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { defaultConfig } from '../../lib/engine/config';
import { lintProject } from '../../lib/lint';
import { parseEngine } from '../../lib/model';
import type { Mode } from '../../lib/source/project';
import { FIXTURES } from '../helpers/corpus';

/**
 * Public reports of broken Compose and stack networks (issue 15, "Also"), each reduced to a small project
 * under test/fixtures/reports/<slug>/ with an `expected.yaml` written by hand after checking on a Docker
 * engine what Docker does (test/fixtures/SOURCES.md says what was checked, and where each report is):
 *
 *   source: <URL of the report>
 *   mode: stack                 # optional; default auto
 *   engine: docker@20.10        # optional; the engine target linted for, default the one the reports were checked on
 *   findings:                   # every finding the product should give, with all rules on; [] for a valid look-alike
 *     - { rule: <rule id>, at: "<line>:<column>", file: <name> }   # file defaults to compose.yaml
 *   pending: <why the product does not give that yet, and who owns the fix>   # optional
 *
 * A fixture with `pending` is skipped (mocha lists it as pending, with the reason), never counted as passing.
 */
const REPORTS = path.join(FIXTURES, 'reports');

/** The engine every report was checked on (test/fixtures/SOURCES.md), so the engine target the fixtures are linted for. */
const CHECKED_ON = 'docker@20.10';

interface Expected {
  source: string;
  mode?: Mode;
  engine?: string;
  findings: { rule: string; at: string; file?: string }[];
  pending?: string;
}

function readExpected(dir: string): Expected {
  const data = parse(fs.readFileSync(path.join(dir, 'expected.yaml'), 'utf8')) as Partial<Expected> | null;
  if (!data || typeof data.source !== 'string' || !Array.isArray(data.findings)) throw new Error(`${dir}/expected.yaml needs "source" and "findings"`);
  return data as Expected;
}

const slugs = fs
  .readdirSync(REPORTS, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

describe('corpus: public reports of broken networks, reduced (test/fixtures/reports)', function () {
  this.timeout(60_000);

  it('holds at least 15 reports, each listed with its source in SOURCES.md', () => {
    const sources = fs.readFileSync(path.join(FIXTURES, 'SOURCES.md'), 'utf8');
    expect(slugs.length).to.be.at.least(15);
    expect(slugs.filter((slug) => !sources.includes(`\`reports/${slug}/\``) || !sources.includes(readExpected(path.join(REPORTS, slug)).source))).to.deep.equal([]);
  });

  for (const slug of slugs) {
    const dir = path.join(REPORTS, slug);
    const expected = readExpected(dir);
    const want = expected.findings.map((f) => `${f.file ?? 'compose.yaml'}:${f.at} ${f.rule}`).sort();
    const title = `${slug}: ${want.length ? want.join(', ') : 'no finding'}`;
    if (expected.pending !== undefined) {
      it.skip(`${title} — pending: ${expected.pending}`);
      continue;
    }
    it(title, () => {
      const { findings } = lintProject({ cwd: dir, env: {}, config: defaultConfig(), mode: expected.mode ?? 'auto', engine: parseEngine(expected.engine ?? CHECKED_ON) });
      expect(findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId}`).sort()).to.deep.equal(want);
    });
  }
});
