import { expect } from 'chai';
import { ESLint } from 'eslint';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

/** The import-boundary messages ESLint gives one line of code placed at `file` (relative to the repository). */
async function violations(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: ROOT });
  const [result] = await eslint.lintText(`${code}\nexport {};\n`, { filePath: path.join(ROOT, file) });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('lint: the layers of the design are enforced by eslint.config.mjs', function () {
  this.timeout(60_000);

  it('rules import neither the probe, nor dockerode, nor the YAML tree', async () => {
    expect(await violations('rules/some-rule.ts', "import { planProbes } from '../lib/probe/plan';")).to.have.length(1);
    expect(await violations('rules/some-rule.ts', "import type Docker from 'dockerode';")).to.have.length(1);
    expect(await violations('rules/some-rule.ts', "import { get } from '../lib/source/tree';")).to.have.length(1);
    expect(await violations('rules/some-rule.ts', "import type { NetworkGraph } from '../lib/model/graph';")).to.deep.equal([]);
  });

  it('the model never imports a rule or the engine; reports never the probe; only lib/probe loads dockerode', async () => {
    expect(await violations('lib/model/some.ts', "import { rules } from '../../rules';")).to.have.length(1);
    expect(await violations('lib/model/some.ts', "import type { Finding } from '../engine/finding';")).to.have.length(1);
    expect(await violations('lib/report/some.ts', "import type { ProbeCase } from '../probe/types';")).to.have.length(1);
    expect(await violations('lib/graph/some.ts', "import Docker from 'dockerode';")).to.have.length(1);
    expect(await violations('lib/source/some.ts', "import { buildGraph } from '../model';")).to.have.length(1);
    expect(await violations('lib/syntax/some.ts', "import type { Span } from '../source/span';")).to.have.length(1);
    expect(await violations('lib/probe/some.ts', "import type { NetworkGraph } from '../model/graph';")).to.deep.equal([]);
  });
});
