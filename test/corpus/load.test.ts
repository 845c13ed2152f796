import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lintProject } from '../../lib/lint';
import { InputError } from '../../lib/source/diagnostic';
import { CORPUS, corpusFiles } from '../helpers/corpus';
import { DEPLOY_ENV } from '../helpers/deploy-env';

/**
 * Corpus files that are invalid on purpose (docker/compose and compose-spec test data), with why.
 * Keyed by path under ../shared/corpus; the value is the reason and the rule ids expected.
 */
const INTENTIONALLY_INVALID: Record<string, string> = {};


describe('corpus: every file loads without a crash or a hang', function () {
  this.timeout(120_000);
  const files = corpusFiles();

  it('has the corpus beside the checkout', () => {
    expect(fs.existsSync(CORPUS), `expected the shared corpus at ${CORPUS}`).to.equal(true);
    expect(files.length).to.be.greaterThan(500);
  });

  it('loads each file as its own project, with only input errors thrown', () => {
    const crashes: string[] = [];
    for (const file of files) {
      const started = Date.now();
      try {
        lintProject({ files: [file], cwd: path.dirname(file), env: {} });
      } catch (error) {
        if (!(error instanceof InputError)) crashes.push(`${path.relative(CORPUS, file)}: ${(error as Error).stack}`);
      }
      const took = Date.now() - started;
      if (took > 5000) crashes.push(`${path.relative(CORPUS, file)}: took ${took} ms`);
    }
    expect(crashes).to.deep.equal([]);
  });
});

describe('corpus: awesome-compose and the swarm stacks are valid Compose', function () {
  this.timeout(60_000);
  for (const under of ['awesome-compose', 'swarm-stacks']) {
    for (const file of corpusFiles(under)) {
      const key = path.relative(CORPUS, file);
      it(`${key} has no yaml-syntax, compose-load or compose-schema finding`, () => {
        const { findings } = lintProject({ files: [file], cwd: path.dirname(file), env: DEPLOY_ENV[key] ?? {} });
        const invalid = findings.filter((f) => ['yaml-syntax', 'compose-load', 'compose-schema'].includes(f.ruleId)).map((f) => `${f.line}:${f.column} ${f.ruleId}: ${f.message}`);
        if (INTENTIONALLY_INVALID[key]) expect(invalid, INTENTIONALLY_INVALID[key]).not.to.deep.equal([]);
        else expect(invalid).to.deep.equal([]);
      });
    }
  }
});
