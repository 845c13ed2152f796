import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { loadPrecompiled, readSchemaText } from '../../lib/schema/precompiled';
import { toPlain } from '../../lib/source/tree';
import { parseYaml } from '../../lib/source/yaml';
import { corpusFiles } from '../helpers/corpus';

const ROOT = path.resolve(__dirname, '..', '..');

describe('schema: the check compiled at build time', () => {
  const precompiled = loadPrecompiled(ROOT);
  const compiled = new Ajv2020({ strict: false, logger: false }).compile(JSON.parse(readSchemaText(ROOT)) as object);

  it('answers as the schema compiled now, on every vendored file (test/fixtures) and on each with an unknown service key added', () => {
    const answers = { valid: 0, invalid: 0 };
    for (const file of corpusFiles()) {
      const parsed = parseYaml(file, fs.readFileSync(file, 'utf8'));
      for (const document of parsed.documents) {
        const data = toPlain(document);
        const expected = compiled(data);
        expect(precompiled(data), file).to.equal(expected);
        answers[expected ? 'valid' : 'invalid']++;
        const services = (data as { services?: Record<string, Record<string, unknown>> } | null)?.services;
        const first = services && typeof services === 'object' ? Object.values(services)[0] : undefined;
        if (!first || typeof first !== 'object') continue;
        first.network_mod = 'host';
        expect(precompiled(data), `${file} with services.*.network_mod`).to.equal(false);
        expect(compiled(data)).to.equal(false);
        answers.invalid++;
      }
    }
    // test/fixtures gives about 180 valid documents, 40 invalid ones and 170 made invalid by the unknown key
    expect(answers.valid).to.be.greaterThan(150);
    expect(answers.invalid).to.be.greaterThan(200);
  });
});
