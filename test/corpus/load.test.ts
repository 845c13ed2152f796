import { expect } from 'chai';
import * as path from 'node:path';
import { lintProject } from '../../lib/lint';
import { corpusFiles, FIXTURES, loadCheck } from '../helpers/corpus';
import { DEPLOY_ENV } from '../helpers/deploy-env';

describe('corpus: every vendored file loads without a crash or a hang', function () {
  this.timeout(120_000);

  it('loads each file of test/fixtures as its own project, with only input errors thrown', () => {
    const files = corpusFiles();
    // the subset SOURCES.md lists: awesome-compose, four Swarm examples, docker/compose fixtures, compose-spec examples
    expect(files.length).to.be.greaterThan(200);
    const check = loadCheck(files, FIXTURES);
    expect(check.problems).to.deep.equal([]);
    // the subset holds broken input on purpose: YAML, schema and load errors must all be among the answers
    expect([...check.findings.keys()]).to.include.members(['yaml-syntax', 'compose-schema', 'compose-load']);
  });
});

describe('corpus: awesome-compose and the swarm stacks are valid Compose', function () {
  this.timeout(60_000);
  for (const under of ['awesome-compose', 'swarm-stacks']) {
    for (const file of corpusFiles(under)) {
      const key = path.relative(FIXTURES, file);
      it(`${key} has no yaml-syntax, compose-load or compose-schema finding`, () => {
        const { findings } = lintProject({ files: [file], cwd: path.dirname(file), env: DEPLOY_ENV[key] ?? {} });
        expect(findings.filter((f) => ['yaml-syntax', 'compose-load', 'compose-schema'].includes(f.ruleId)).map((f) => `${f.line}:${f.column} ${f.ruleId}: ${f.message}`)).to.deep.equal([]);
      });
    }
  }
});
