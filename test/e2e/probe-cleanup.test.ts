import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { expect } from 'chai';
import { runProbeCommand } from '../../lib/probe';
import type { Engine } from '../../lib/probe/engine';
import { labelled, PROBE_IMAGE, probe, PROJECTS, REPO, requireEngine } from './helpers';

/** Runs the probe in a child process, as a user would, and sends it SIGINT once `when` shows on stderr. */
function interrupted(args: string[], when: RegExp): Promise<{ code: number | null; stderr: string; run?: string; signalled: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'test/e2e/probe-cli.ts'), '--probe-image', PROBE_IMAGE, ...args], {
      cwd: PROJECTS,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let signalled = false;
    const limit = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the probe did not finish within 90s; stderr:\n${stderr}`));
    }, 90_000);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      if (!signalled && when.test(stderr)) {
        signalled = true;
        child.kill('SIGINT');
      }
    });
    child.stdout.resume();
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(limit);
      resolve({ code, stderr, run: /run ([0-9a-f]{8})/.exec(stderr)?.[1], signalled });
    });
  });
}

describe('probe on docker: cleanup and failures', function () {
  this.timeout(180_000);
  let docker: Engine['docker'];
  const unrelated = `cnl-e2e-unrelated-${process.pid}`;

  before(async function () {
    docker = (await requireEngine(this)).docker;
    // an unrelated container and network the probe must never touch, whose names look like its own
    await docker.createNetwork({ Name: unrelated, Labels: { 'com.example.owner': 'e2e' } });
    const c = await docker.createContainer({ name: unrelated, Image: PROBE_IMAGE, Cmd: ['sleep', '600'], HostConfig: { NetworkMode: unrelated } });
    await c.start();
  });

  after(async () => {
    if (!docker) return;
    await docker.getContainer(unrelated).remove({ force: true }).catch(() => undefined);
    await docker.getNetwork(unrelated).remove().catch(() => undefined);
  });

  async function unrelatedIntact(): Promise<void> {
    const c = await docker.getContainer(unrelated).inspect();
    expect(c.State.Running, 'the unrelated container still runs').to.equal(true);
    const n = (await docker.getNetwork(unrelated).inspect()) as { Containers: Record<string, unknown> };
    expect(Object.keys(n.Containers), 'the unrelated network has only its own container').to.deep.equal([c.Id]);
  }

  it('SIGINT in the middle of a run removes everything the run created, and nothing else', async () => {
    const r = await interrupted(['-f', 'namespaces.yaml'], /waiting for \d+ containers? to be ready|running \d+ probes/);
    expect(r.signalled, r.stderr).to.equal(true);
    expect(r.code, r.stderr).to.equal(130);
    expect(r.stderr).to.match(/SIGINT: stopping; removing the twin/);
    expect(r.stderr).to.match(/removed 5 containers, 2 networks/);
    expect(r.run).to.match(/^[0-9a-f]{8}$/);
    expect(await labelled(r.run)).to.deep.equal([]);
    await unrelatedIntact();
  });

  it('SIGINT while the twin is being built leaves nothing behind either', async () => {
    const r = await interrupted(['-f', 'namespaces.yaml'], /creating and starting containers/);
    expect(r.code, r.stderr).to.equal(130);
    expect(await labelled(r.run)).to.deep.equal([]);
    await unrelatedIntact();
  });

  it('--keep leaves the twin up and says how to remove it; --cleanup removes it and nothing else', async () => {
    const kept = await probe(['-f', 'user-bridge.yaml', '--keep']);
    expect(kept.code, kept.stderr).to.equal(0);
    expect(kept.stdout).to.include(`note: the twin is kept (--keep). remove it with \`compose-netlint probe --cleanup\``);
    expect(kept.stderr).to.include(`kept the twin (--keep); remove it with`);
    expect((await labelled(kept.run)).sort()).to.deep.equal([
      `container /cnl-${kept.run}-e2e-user-bridge-api-1`,
      `container /cnl-${kept.run}-e2e-user-bridge-web-1`,
      `network cnl-${kept.run}-e2e-user-bridge_default`,
    ]);
    let stderr = '';
    const code = await runProbeCommand(['--cleanup'], { stdout: () => undefined, stderr: (t) => (stderr += t), env: process.env, cwd: PROJECTS });
    expect(code, stderr).to.equal(0);
    // at least the kept twin (another run on this engine may have left more)
    expect(stderr).to.match(/removed (\d+) containers?, (\d+) networks? left by earlier runs/);
    const [, containers, networks] = /removed (\d+) containers?, (\d+) networks?/.exec(stderr)!.map(Number);
    expect(containers).to.be.at.least(2);
    expect(networks).to.be.at.least(1);
    expect(await labelled(kept.run)).to.deep.equal([]);
    await unrelatedIntact();
  });

  it('an unreachable engine exits 2 with one line naming the socket tried', async () => {
    let stderr = '';
    const code = await runProbeCommand(['-f', 'user-bridge.yaml', '--probe-image', PROBE_IMAGE], {
      stdout: () => undefined,
      stderr: (t) => (stderr += t),
      env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent/docker.sock' },
      cwd: PROJECTS,
    });
    expect(code).to.equal(2);
    expect(stderr).to.match(/^compose-netlint: cannot reach the Docker engine at unix:\/\/\/nonexistent\/docker\.sock \(.*ENOENT.*\); start the engine .* or point DOCKER_HOST at one\n$/);
  });

  it('a missing probe image that cannot be pulled exits 2 and says what to do', async () => {
    // a registry on a closed loopback port: the pull fails at once and no traffic leaves the machine
    const image = '127.0.0.1:9/compose-netlint/no-such-image:missing';
    let stderr = '';
    const code = await runProbeCommand(['-f', 'user-bridge.yaml', '--probe-image', image], {
      stdout: () => undefined,
      stderr: (t) => (stderr += t),
      env: process.env,
      cwd: PROJECTS,
    });
    expect(code).to.equal(2);
    expect(stderr).to.include('probe: [');
    expect(stderr).to.include(`probe image ${image} is missing; pulling it`);
    expect(stderr).to.match(/compose-netlint: probe image 127\.0\.0\.1:9\/compose-netlint\/no-such-image:missing is missing and cannot be pulled \(.+\); build one with scripts\/ci-docker\.sh or pass --probe-image\n$/);
  });
});
