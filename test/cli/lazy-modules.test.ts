import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { tempProject } from '../helpers/project';
import { ROOT } from '../helpers/rules';

/**
 * Start-up: a lint of a valid file loads only what it uses. These run the built CLI (dist/) with a
 * preload that prints, at exit, every module file loaded under ajv/ and dist/lib/{report,graph,probe}/.
 */
const HOOK = `process.on('exit', () => {
  const loaded = Object.keys(require.cache)
    .map((f) => f.split(require('node:path').sep).join('/'))
    .map((f) => (/node_modules\\/ajv\\/(.*)$/.exec(f) || /dist\\/lib\\/((?:report|graph|probe)\\/.*)$/.exec(f) || [])[1])
    .filter(Boolean)
    .sort();
  process.stderr.write('[loaded] ' + loaded.join(' ') + '\\n');
});
`;

describe('start-up: lint loads Ajv, the formats and the other commands only when used', function () {
  this.timeout(60_000);
  const hook = path.join(tempProject({ 'loaded.cjs': HOOK }), 'loaded.cjs');
  const bin = path.join(ROOT, 'dist', 'lib', 'cli', 'bin.js');

  function loaded(args: string[], files: Record<string, string>): string[] {
    const cwd = tempProject(files);
    const r = spawnSync(process.execPath, ['--require', hook, bin, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' }, encoding: 'utf8', timeout: 30_000 });
    const line = /^\[loaded\] (.*)$/m.exec(r.stderr);
    expect(line, r.stderr).to.not.equal(null);
    return line![1].split(' ').filter(Boolean);
  }

  it("a valid file: the precompiled check needs only Ajv's runtime helpers, stylish only its own module", () => {
    const list = loaded([], { 'compose.yaml': 'services:\n  web:\n    image: nginx\n' });
    expect(list.filter((f) => !f.startsWith('dist/runtime/'))).to.deep.equal(['report/index.js', 'report/shared.js', 'report/stylish.js', 'report/types.js']);
  });

  it('a file with a schema error loads Ajv to explain it; --format json loads the json format', () => {
    const list = loaded(['--format', 'json'], { 'compose.yaml': 'services:\n  web:\n    image: nginx\n    netwroks: [front]\n' });
    expect(list).to.include('dist/2020.js');
    expect(list.filter((f) => f.startsWith('report/')))
      .to.include('report/json.js')
      .and.not.include('report/stylish.js');
  });
});
