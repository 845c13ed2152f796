import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { engineGate, inCi } from './gate';

const NO_ENGINE = 'cannot reach the Docker engine at unix:///nonexistent (connect ENOENT /nonexistent); start the engine (scripts/ci-docker.sh, or `sudo systemctl start docker`) or point DOCKER_HOST at one';

describe('e2e gate: engine tests without an engine (no engine needed)', function () {
  this.timeout(60_000);

  it('runs the tests when nothing is missing, in CI or not', () => {
    expect(engineGate(undefined, {}, new Set())).to.deep.equal({ action: 'run' });
    expect(engineGate(undefined, { CI: 'true' }, new Set())).to.deep.equal({ action: 'run' });
  });

  it('without CI, skips them and says why and how to run them once per reason', () => {
    const announced = new Set<string>();
    expect(engineGate(NO_ENGINE, {}, announced)).to.deep.equal({
      action: 'skip',
      line: 'docker e2e tests skipped: cannot reach the Docker engine at unix:///nonexistent (connect ENOENT /nonexistent). to run them: bash scripts/ci-docker.sh (a Docker engine, the probe image and a single-node Swarm), then npm test',
    });
    expect(engineGate(NO_ENGINE, {}, announced)).to.deep.equal({ action: 'skip' });
    expect(engineGate('the engine is not a Swarm manager', { CI: 'false' }, announced)).to.deep.equal({
      action: 'skip',
      line: 'docker e2e tests skipped: the engine is not a Swarm manager. to run them: bash scripts/ci-docker.sh (a Docker engine, the probe image and a single-node Swarm), then npm test',
    });
  });

  it('in CI, fails them', () => {
    expect(engineGate(NO_ENGINE, { CI: 'true' }, new Set())).to.deep.equal({
      action: 'fail',
      message: `the docker e2e tests need a Docker engine, the probe image and a single-node Swarm, and ${NO_ENGINE}; CI is set, so they fail instead of being skipped (bash scripts/ci-docker.sh sets them up)`,
    });
  });

  it('reads CI as CI services set it', () => {
    expect(['true', '1', 'yes', 'TRUE'].filter((ci) => !inCi({ CI: ci }))).to.deep.equal([]);
    expect([undefined, '', '0', 'false', 'False'].filter((ci) => inCi({ CI: ci }))).to.deep.equal([]);
  });

  describe('two engine suites run by mocha with DOCKER_HOST pointing at nothing', () => {
    const suites = ['test/e2e/probe-names.test.ts', 'test/e2e/probe-ports.test.ts'];
    const root = path.join(__dirname, '..', '..');
    function mocha(ci: string | undefined) {
      const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: 'unix:///nonexistent', NO_COLOR: '1' };
      delete env.CI;
      if (ci !== undefined) env.CI = ci;
      const r = spawnSync(process.execPath, [require.resolve('mocha/bin/mocha.js'), '--no-config', '--node-option', 'import=tsx', '--extension', 'ts', '--reporter', 'spec', ...suites], { cwd: root, env, encoding: 'utf8', timeout: 50_000 });
      return { code: r.status, out: `${r.stdout}${r.stderr}` };
    }

    it('without CI: every test pending, one line saying why, exit 0', () => {
      const { code, out } = mocha(undefined);
      expect(out.split('\n').filter((line) => line.includes('docker e2e tests skipped'))).to.deep.equal([
        '  docker e2e tests skipped: cannot reach the Docker engine at unix:///nonexistent (connect ENOENT /nonexistent). to run them: bash scripts/ci-docker.sh (a Docker engine, the probe image and a single-node Swarm), then npm test',
      ]);
      expect(out)
        .to.match(/^ {2}0 passing/m)
        .and.match(/^ {2}\d+ pending/m)
        .and.not.match(/failing/);
      expect(code).to.equal(0);
    });

    it('with CI=true: the suites fail, saying what is missing', () => {
      const { code, out } = mocha('true');
      expect(out).to.include('CI is set, so they fail instead of being skipped').and.not.include('docker e2e tests skipped');
      expect(out).to.match(/^ {2}2 failing/m);
      expect(code).to.equal(2);
    });
  });
});
