import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DOCKERODE_MISSING } from '../../lib/probe/engine';
import { tempProject } from '../helpers/project';
import { ROOT } from '../helpers/rules';

/**
 * dockerode is an optional peer dependency that only `probe` loads. These run the built CLI and
 * library (dist/) in a Node whose module loader refuses dockerode and the packages it brings, as if
 * they were not installed, and reports every attempt to load one on stderr.
 */
const HOOK = `const Module = require('node:module');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (/^(dockerode|docker-modem|ssh2|cpu-features)(\\/|$)/.test(request)) {
    process.stderr.write('[hook] refused ' + request + '\\n');
    const error = new Error("Cannot find module '" + request + "'");
    error.code = 'MODULE_NOT_FOUND';
    throw error;
  }
  return resolve.call(this, request, ...rest);
};
`;

describe('dockerode is loaded by probe only', function () {
  this.timeout(60_000);
  const hook = path.join(tempProject({ 'no-dockerode.cjs': HOOK }), 'no-dockerode.cjs');
  const bin = path.join(ROOT, 'dist', 'lib', 'cli', 'bin.js');

  function node(args: string[]) {
    const env = { ...process.env, NO_COLOR: '1', DOCKER_HOST: 'unix:///nonexistent' };
    const r = spawnSync(process.execPath, ['--require', hook, ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 30_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  it('the hook does refuse dockerode', () => {
    const r = node(['-e', "require('dockerode')"]);
    expect(r.stderr).to.match(/^\[hook\] refused dockerode\n[\s\S]*Cannot find module 'dockerode'/);
    expect(r.code).to.equal(1);
  });

  it('lint, graph, rules, --help and --version run without it', () => {
    const lint = node([bin, 'examples/shop']);
    expect(lint.stderr).to.equal('');
    expect(lint.stdout).to.match(/\[no-unreachable-reference\]$/m);
    expect(lint.code).to.equal(1);
    const graph = node([bin, 'graph', 'examples/shop', '--format', 'dot']);
    expect(graph.stderr).to.equal('');
    expect(graph.stdout).to.equal(fs.readFileSync(path.join(ROOT, 'test', 'graph', 'shop.dot'), 'utf8'));
    for (const args of [['rules'], ['--help'], ['--version'], ['graph', '--help']]) expect(node([bin, ...args]), args.join(' ')).to.deep.include({ code: 0, stderr: '' });
  });

  it('the library API, as CommonJS and as an ES module, runs without it', () => {
    const program = "const findings = lint({ projectDirectory: 'examples/shop', env: {} }); console.log(findings.map((f) => f.ruleId).join(' '))";
    const cjs = node(['-e', `const { lint } = require(${JSON.stringify(path.join(ROOT, 'dist', 'lib', 'index.js'))}); ${program}`]);
    const esm = node(['--input-type=module', '-e', `import { lint } from ${JSON.stringify(path.join(ROOT, 'dist', 'lib', 'index.mjs'))}; ${program}`]);
    for (const r of [cjs, esm]) expect(r).to.deep.equal({ code: 0, stdout: 'no-unreachable-reference no-ports-on-internal-network\n', stderr: '' });
  });

  it('probe without it exits 2 with one line saying how to install it', () => {
    const r = node([bin, 'probe', 'examples/shop']);
    expect(r.stderr).to.equal(`[hook] refused dockerode\ncompose-netlint: ${DOCKERODE_MISSING}\n`);
    expect(r.stdout).to.equal('');
    expect(r.code).to.equal(2);
  });
});
