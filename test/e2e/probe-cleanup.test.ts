import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { expect } from 'chai';
import { runProbeCommand, type ProbeReport } from '../../lib/probe';
import { PROJECT_LABEL, RUN_LABEL, type Engine } from '../../lib/probe/engine';
import { localProcesses, ownerLabels } from '../../lib/probe/owner';
import { labelled, PROBE_IMAGE, probe, PROJECTS, REPO, requireEngine } from './helpers';

/** A probe in a process of its own, as a user runs it: its stderr so far, a wait for a line, and its end. */
interface ChildProbe {
  child: ChildProcess;
  stderr: () => string;
  /** resolves once `pattern` shows on stderr (rejects when the probe ends first or after 90 s) */
  waitFor: (pattern: RegExp) => Promise<void>;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; run?: string }>;
}

function childProbe(args: string[]): ChildProbe {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'test/e2e/probe-cli.ts'), '--probe-image', PROBE_IMAGE, '--timeout', '2', ...args], {
    cwd: PROJECTS,
    env: process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: { pattern: RegExp; resolve: () => void; reject: (e: Error) => void }[] = [];
  const limit = setTimeout(() => child.kill('SIGKILL'), 120_000);
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    for (const w of [...waiters]) if (w.pattern.test(stderr)) (waiters.splice(waiters.indexOf(w), 1), w.resolve());
  });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; run?: string }>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(limit);
      for (const w of waiters) w.reject(new Error(`the probe ended (${code ?? signal}) before ${w.pattern}; stderr:\n${stderr}`));
      resolve({ code, signal, stdout, stderr, run: /run ([0-9a-f]{8})/.exec(stderr)?.[1] });
    });
  });
  const waitFor = (pattern: RegExp): Promise<void> =>
    pattern.test(stderr)
      ? Promise.resolve()
      : new Promise((resolve, reject) => {
          if (child.exitCode !== null || child.signalCode !== null) return reject(new Error(`the probe has ended; stderr:\n${stderr}`));
          waiters.push({ pattern, resolve, reject });
        });
  return { child, stderr: () => stderr, waitFor, done };
}

/** `probe --cleanup ARGS` in this process. */
async function cleanup(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runProbeCommand(['--cleanup', ...args], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: process.env, cwd: PROJECTS });
  return { code, stdout, stderr };
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
    await docker
      .getContainer(unrelated)
      .remove({ force: true })
      .catch(() => undefined);
    await docker
      .getNetwork(unrelated)
      .remove()
      .catch(() => undefined);
  });

  async function unrelatedIntact(): Promise<void> {
    const c = await docker.getContainer(unrelated).inspect();
    expect(c.State.Running, 'the unrelated container still runs').to.equal(true);
    const n = (await docker.getNetwork(unrelated).inspect()) as { Containers: Record<string, unknown> };
    expect(Object.keys(n.Containers), 'the unrelated network has only its own container').to.deep.equal([c.Id]);
  }

  it('SIGINT in the middle of a run removes everything the run created, and nothing else', async () => {
    const p = childProbe(['-f', 'namespaces.yaml']);
    await p.waitFor(/waiting for \d+ containers? to be ready|running \d+ probes/);
    p.child.kill('SIGINT');
    const r = await p.done;
    expect(r.code, r.stderr).to.equal(130);
    expect(r.stderr).to.match(/SIGINT: stopping; removing the twin/);
    expect(r.stderr).to.match(/removed 5 containers, 2 networks/);
    expect(r.run).to.match(/^[0-9a-f]{8}$/);
    expect(await labelled(r.run)).to.deep.equal([]);
    await unrelatedIntact();
  });

  it('SIGINT while the twin is being built leaves nothing behind either', async () => {
    const p = childProbe(['-f', 'namespaces.yaml']);
    await p.waitFor(/creating and starting containers/);
    p.child.kill('SIGINT');
    const r = await p.done;
    expect(r.code, r.stderr).to.equal(130);
    expect(await labelled(r.run)).to.deep.equal([]);
    await unrelatedIntact();
  });

  it('a second SIGINT leaves the twin behind and says how to remove only this run, which then works', async () => {
    const p = childProbe(['-f', 'user-bridge.yaml', '-p', `cnl-e2e-twice-interrupted-${process.pid}`]);
    await p.waitFor(/waiting for \d+ containers? to be ready|running \d+ probes/);
    p.child.kill('SIGINT');
    await p.waitFor(/SIGINT: stopping; removing the twin/);
    p.child.kill('SIGINT');
    const r = await p.done;
    expect(r.code, r.stderr).to.equal(130);
    expect(r.stderr).to.include(`left the twin behind; remove it with \`compose-netlint probe --cleanup --run ${r.run}\`\n`);
    const swept = await cleanup(['--run', r.run!]);
    expect(swept.code, swept.stderr).to.equal(0);
    expect(swept.stdout).to.match(new RegExp(`^removed run ${r.run} .*: its owner process ${p.child.pid} is gone; .*\nremoved 1 run, left 0\n$`));
    expect(await labelled(r.run)).to.deep.equal([]);
    await unrelatedIntact();
  });

  it('probe --cleanup while a probe is in flight leaves that run alone, and it finishes with every cell agreeing', async () => {
    const project = `cnl-e2e-inflight-${process.pid}`;
    const p = childProbe(['-f', 'user-bridge.yaml', '-p', project, '--format', 'json']);
    await p.waitFor(/waiting for \d+ containers? to be ready/);
    const run = /run ([0-9a-f]{8})/.exec(p.stderr())![1];
    const swept = await cleanup(['--project', project]);
    expect(p.child.exitCode, 'the probe was still running during the cleanup').to.equal(null);
    expect(swept.code, swept.stderr).to.equal(0);
    expect(swept.stdout).to.match(new RegExp(`^left run ${run} \\(project "${project}", started [^,]+, pid ${p.child.pid} on host "[^"]+"\\): its owner process ${p.child.pid} is running\\nremoved 0 runs, left 1\\n$`));
    const r = await p.done;
    expect(r.code, r.stderr).to.equal(0);
    const report = JSON.parse(r.stdout) as ProbeReport;
    expect(report.summary.probes).to.be.greaterThan(0);
    expect(report.summary).to.include({ agreeing: report.summary.probes, disagreeing: 0, failed: 0, flaky: 0, notProbed: 0 });
    expect(await labelled(run)).to.deep.equal([]);
  });

  it('a crashed run (its owner process killed) is removed; live runs, young runs of other hosts and of older versions are left', async () => {
    const project = `cnl-e2e-crashed-${process.pid}`;
    const self = localProcesses.self();
    const exited = spawnSync(process.execPath, ['-e', '']).pid!;
    const hourAgo = (h: number): Date => new Date(Date.now() - h * 3_600_000);
    // leftovers made here, each a container that never starts, with run ids of this test process
    const id = (n: number): string => `${(process.pid % 0x100000).toString(16).padStart(5, '0')}f0${n}`;
    const fakes: [string, Record<string, string>][] = [
      [id(1), ownerLabels(self, hourAgo(0.1))],
      [id(2), ownerLabels({ ...self, pid: exited }, hourAgo(0.1))],
      [id(3), ownerLabels({ ...self, pidStart: '1' }, hourAgo(0.1))],
      [id(4), ownerLabels({ host: 'cnl-e2e-elsewhere', pid: 4242 }, hourAgo(2))],
      [id(5), ownerLabels({ host: 'cnl-e2e-elsewhere', pid: 4242 }, hourAgo(0.5))],
      [id(6), {}],
    ];
    for (const [run, labels] of fakes) {
      await docker.createContainer({ name: `cnl-${run}-e2e-${process.pid}`, Image: PROBE_IMAGE, Cmd: ['true'], Labels: { ...labels, [RUN_LABEL]: run, [PROJECT_LABEL]: project }, HostConfig: { NetworkMode: 'none' } });
    }
    const p = childProbe(['-f', 'user-bridge.yaml', '-p', project]);
    await p.waitFor(/waiting for \d+ containers? to be ready/);
    p.child.kill('SIGKILL');
    const killed = await p.done;
    expect(killed.signal).to.equal('SIGKILL');
    const crashed = killed.run!;
    expect((await labelled(crashed)).sort()).to.deep.equal([`container /cnl-${crashed}-${project}-api-1`, `container /cnl-${crashed}-${project}-web-1`, `container /cnl-${crashed}-lease`, `network cnl-${crashed}-${project}_default`]);

    const swept = await cleanup(['--project', project]);
    expect(swept.code, swept.stderr).to.equal(0);
    // one line per run (in the order of their oldest object), then the count
    const lines = swept.stdout
      .trimEnd()
      .split('\n')
      .map((l) =>
        l
          .replace(/ \(project [^)]*\)/, '')
          .replace(/started \d+s ago/, 'started Ns ago')
          .replace(/started 30m\d+s ago/, 'started 30m ago'),
      );
    expect(lines.pop()).to.equal('removed 4 runs, left 3');
    expect(lines.sort()).to.deep.equal(
      [
        `left run ${id(1)}: its owner process ${process.pid} is running`,
        `left run ${id(5)}: owned by pid 4242 on host "cnl-e2e-elsewhere", started 30m ago (not older than 1h; see --older-than)`,
        `left run ${id(6)}: no owner recorded (made by an older compose-netlint), started Ns ago (not older than 1h; see --older-than)`,
        `removed run ${crashed}: its owner process ${p.child.pid} is gone; 2 containers, 1 network`,
        `removed run ${id(2)}: its owner process ${exited} is gone; 1 container`,
        `removed run ${id(3)}: its owner process ${process.pid} is gone (the pid now belongs to a process started later); 1 container`,
        `removed run ${id(4)}: owned by pid 4242 on host "cnl-e2e-elsewhere", started 2h ago (older than 1h); 1 container`,
      ].sort(),
    );
    expect(await labelled(crashed)).to.deep.equal([]);
    for (const run of [id(2), id(3), id(4)]) expect(await labelled(run), run).to.deep.equal([]);
    for (const run of [id(1), id(5), id(6)]) expect(await labelled(run), run).to.have.length(1);

    // a shorter --older-than takes the young run of the other host too; --all takes the live one
    const older = await cleanup(['--project', project, '--older-than', '20m']);
    expect(older.stdout).to.match(new RegExp(`^removed run ${id(5)} \\(.*\\): owned by pid 4242 on host "cnl-e2e-elsewhere", started 30m(\\d+s)? ago \\(older than 20m\\); 1 container$`, 'm'));
    const all = await cleanup(['--project', project, '--all']);
    expect(all.stderr).to.equal(`probe: --all removes every run of project "${project}" on this engine, runs still in progress too: those will break\n`);
    expect(all.stdout).to.match(new RegExp(`^removed run ${id(1)} \\(.*\\): --all \\(its owner process ${process.pid} is running\\); 1 container$`, 'm'));
    expect(all.stdout).to.match(/^removed 2 runs, left 0$/m);
    for (const [run] of fakes) expect(await labelled(run), run).to.deep.equal([]);
    await unrelatedIntact();
  });

  it('--keep prints how to remove the twin: --cleanup --run once the process has ended, or docker commands that work', async () => {
    // in this process the owner is alive: the run is left until --all says otherwise
    const project = `cnl-e2e-kept-${process.pid}`;
    const kept = await probe(['-f', 'user-bridge.yaml', '-p', project, '--keep']);
    expect(kept.code, kept.stderr).to.equal(0);
    const run = kept.run!;
    expect(kept.stdout).to.include(`note: the twin is kept (--keep). remove it with \`compose-netlint probe --cleanup --run ${run}\` once this process has ended, or with docker: `);
    expect(kept.stderr).not.to.match(/--cleanup`/);
    expect((await labelled(run)).sort()).to.deep.equal([`container /cnl-${run}-${project}-api-1`, `container /cnl-${run}-${project}-web-1`, `container /cnl-${run}-lease`, `network cnl-${run}-${project}_default`]);
    const left = await cleanup(['--run', run]);
    expect(left.stdout).to.match(new RegExp(`^left run ${run} .*: its owner process ${process.pid} is running\\n`));
    expect(await labelled(run)).to.have.length(4);
    const all = await cleanup(['--run', run, '--all']);
    expect(all.code, all.stderr).to.equal(0);
    expect(all.stdout).to.match(/; 2 containers, 1 network\nremoved 1 run, left 0\n$/);
    expect(await labelled(run)).to.deep.equal([]);

    // from the command line the owner ends with the run, and the recommended command removes the twin
    const cli = childProbe(['-f', 'user-bridge.yaml', '-p', project, '--keep']);
    const ended = await cli.done;
    expect(ended.code, ended.stderr).to.equal(0);
    const hint = /kept the twin \(--keep\); remove it with `([^`]+)`/.exec(ended.stderr)![1];
    expect(hint).to.equal(`compose-netlint probe --cleanup --run ${ended.run}`);
    const swept = await cleanup(hint.split(' ').slice(3));
    expect(swept.stdout).to.match(new RegExp(`^removed run ${ended.run} .*: its owner process ${cli.child.pid} is gone; 2 containers, 1 network\\n`));
    expect(await labelled(ended.run)).to.deep.equal([]);
    await unrelatedIntact();
  });

  it('--keep on a stack prints docker commands that remove its services before its networks, and they work', async function () {
    const engine = await requireEngine(this, { swarm: true });
    const project = `cnl-e2e-kept-stack-${process.pid}`;
    const kept = childProbe(['-f', 'kept-stack.yml', '--mode', 'stack', '-p', project, '--keep']);
    const ended = await kept.done;
    expect(ended.code, ended.stderr).to.equal(0);
    const run = ended.run!;
    const services = (await engine.docker.listServices({ filters: JSON.stringify({ label: [`${RUN_LABEL}=${run}`] }) })) as unknown[];
    expect(services).to.have.length(2);
    const command = /kept the twin \(--keep\); .* or with docker: (.*)$/m.exec(ended.stderr)![1];
    expect(command.indexOf('docker service rm')).to.be.lessThan(command.indexOf('docker network rm'));
    const removal = spawnSync('bash', ['-c', command], { encoding: 'utf8', timeout: 90_000 });
    expect(removal.status, removal.stderr).to.equal(0);
    expect(await labelled(run)).to.deep.equal([]);
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
