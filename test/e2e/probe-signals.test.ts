import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { expect } from 'chai';
import { removeLabelled } from '../../lib/probe/cleanup';
import type { Engine } from '../../lib/probe/engine';
import { labelled, PROBE_IMAGE, PROJECTS, REPO, requireEngine } from './helpers';

interface Signalled {
  code: number | null;
  /** the signal that ended the process, when one did */
  killedBy: NodeJS.Signals | null;
  stderr: string;
  run?: string;
}

/**
 * Runs the probe in a child process, as CI runs it, and sends each step's signal once its pattern
 * shows on stderr, in order. Gives up (SIGKILL) after 120 s.
 */
function signalled(args: string[], steps: { when: RegExp; signal: NodeJS.Signals }[]): Promise<Signalled> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'test/e2e/probe-cli.ts'), '--probe-image', PROBE_IMAGE, '--timeout', '2', ...args], {
      cwd: PROJECTS,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let next = 0;
    const limit = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      while (next < steps.length && steps[next].when.test(stderr)) child.kill(steps[next++].signal);
    });
    child.stdout.resume();
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(limit);
      resolve({ code, killedBy: signal, stderr, run: /run ([0-9a-f]{8})/.exec(stderr)?.[1] });
    });
  });
}

const READY = /waiting for 6 containers to be ready/;
const TEARDOWN = /removing the twin after the interruption/;

describe('probe on docker: signals as CI and people send them', function () {
  this.timeout(180_000);
  let engine: Engine;
  before(async function () {
    engine = await requireEngine(this);
  });

  it('SIGINT, then SIGTERM during the teardown (a cancelled GitHub job): the teardown finishes, exit 130, nothing of the run is left', async () => {
    const r = await signalled(
      ['-f', 'six-services.yaml'],
      [
        { when: READY, signal: 'SIGINT' },
        { when: TEARDOWN, signal: 'SIGTERM' },
      ],
    );
    expect(r.run, r.stderr).to.match(/^[0-9a-f]{8}$/);
    expect(r.code, r.stderr).to.equal(130);
    expect(r.stderr).to.match(/SIGINT: stopping; removing the twin \(press Ctrl-C again to leave it behind\)/);
    expect(r.stderr).to.match(/SIGTERM: still removing the twin \(at most 120s\); press Ctrl-C again to leave it behind/);
    expect(r.stderr).to.match(/removed 6 containers, 2 networks\n/);
    expect(await labelled(r.run)).to.deep.equal([]);
  });

  it('SIGTERM twice: the second one does not cut the teardown short either (exit 143)', async () => {
    const r = await signalled(
      ['-f', 'six-services.yaml'],
      [
        { when: READY, signal: 'SIGTERM' },
        { when: TEARDOWN, signal: 'SIGTERM' },
      ],
    );
    expect(r.code, r.stderr).to.equal(143);
    expect(r.stderr).to.match(/removed 6 containers, 2 networks\n/);
    expect(await labelled(r.run)).to.deep.equal([]);
  });

  it('only a second SIGINT leaves the twin behind, and says so', async () => {
    const r = await signalled(
      ['-f', 'six-services.yaml'],
      [
        { when: READY, signal: 'SIGINT' },
        { when: TEARDOWN, signal: 'SIGINT' },
      ],
    );
    expect(r.run, r.stderr).to.match(/^[0-9a-f]{8}$/);
    try {
      expect(r.code, r.stderr).to.equal(130);
      expect(r.stderr).to.match(/left the twin behind; remove it with/);
      expect(r.stderr).not.to.match(/removed \d+ container/);
      expect(await labelled(r.run)).not.to.deep.equal([]);
    } finally {
      // this run's objects only
      await removeLabelled(engine, r.run);
    }
    expect(await labelled(r.run)).to.deep.equal([]);
  });
});
