/**
 * The probe against the application itself, on a real engine: --real brings test/e2e/projects/apps up
 * from its own Dockerfiles (FROM the probe image: nothing is pulled), --attach probes the same project
 * started with plain engine calls that label it as Compose does. The apps: one listening on
 * 127.0.0.1:8080 only, one on 0.0.0.0:8080, one on 9090 while its neighbour calls 8080, one without a shell.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import type Docker from 'dockerode';
import { RUN_LABEL } from '../../lib/probe';
import type { Engine } from '../../lib/probe/engine';
import { grid, labelled, PROBE_IMAGE, probe, PROJECTS, REPO, requireEngine, type ProbeRun } from './helpers';

const APPS = path.join(PROJECTS, 'apps');

/** Each finding as "file:line:column ruleId service verdict". */
function placed(r: ProbeRun): string[] {
  return r.report!.findings.map((v) => `${v.finding.file}:${v.finding.line}:${v.finding.column} ${v.finding.ruleId} ${v.finding.service} ${v.verdict}`);
}

/** The images that carry a run's label (--real builds the project's `build:` contexts). */
async function labelledImages(engine: Engine, run: string): Promise<string[]> {
  const images = await engine.docker.listImages({ filters: JSON.stringify({ label: [`${RUN_LABEL}=${run}`] }) });
  return images.map((i) => i.Id);
}

/** Builds one of the apps' Dockerfiles with a tag of this test process, as `docker build` would. */
async function buildApp(engine: Engine, dir: string, tag: string): Promise<void> {
  const context = path.join(APPS, dir);
  const stream = await engine.docker.buildImage({ context, src: fs.readdirSync(context) }, { t: tag, rm: true, forcerm: true });
  const out = await new Promise<{ error?: string }[]>((resolve, reject) => engine.docker.modem.followProgress(stream, (error, result) => (error ? reject(error) : resolve(result as { error?: string }[]))));
  const failed = out.find((m) => m.error);
  if (failed) throw new Error(failed.error);
}

/**
 * Starts the loopback.yaml/wildcard.yaml project without the tool, as `docker compose up` would: the network
 * `<project>_default`, containers named `<project>-<service>-1` with Compose's labels and the service name as
 * alias, api publishing 8080 (on 127.0.0.1 only, so that the test opens nothing to the network).
 */
async function composeUp(engine: Engine, project: string, apiImage: string): Promise<{ containers: Docker.Container[]; network: Docker.Network }> {
  const compose = (service: string): Record<string, string> => ({
    'com.docker.compose.project': project,
    'com.docker.compose.service': service,
    'com.docker.compose.container-number': '1',
    'com.docker.compose.oneoff': 'False',
  });
  const network = await engine.docker.createNetwork({ Name: `${project}_default`, Driver: 'bridge', Labels: { 'com.docker.compose.project': project, 'com.docker.compose.network': 'default' } });
  const containers: Docker.Container[] = [];
  const start = async (service: string, options: Partial<Docker.ContainerCreateOptions>): Promise<void> => {
    const c = await engine.docker.createContainer({
      name: `${project}-${service}-1`,
      Labels: compose(service),
      NetworkingConfig: { EndpointsConfig: { [`${project}_default`]: { Aliases: [service] } } },
      ...options,
      HostConfig: { NetworkMode: `${project}_default`, ...options.HostConfig },
    });
    containers.push(c);
    await c.start();
  };
  await start('api', { Image: apiImage, ExposedPorts: { '8080/tcp': {} }, HostConfig: { PortBindings: { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }] } } });
  await start('web', { Image: PROBE_IMAGE, Cmd: ['sh', '-c', 'while :; do sleep 3600; done'], Env: ['API_URL=http://api:8080'] });
  return { containers, network };
}

describe('probe on docker: --real and --attach probe the application itself', function () {
  this.timeout(240_000);
  let engine: Engine;
  before(async function () {
    engine = await requireEngine(this);
  });

  it('--real: api listening on 127.0.0.1:8080 only is reported at its ports entry and at the reference web calls it by; exit 1; nothing left', async () => {
    const r = await probe(['--real', '--ready-timeout', '20', '-f', 'apps/loopback.yaml', '-p', `cnlreal${process.pid}`]);
    expect(r.code, r.stderr + r.stdout).to.equal(1);
    expect(r.report!.probeMode).to.equal('real');
    expect(placed(r)).to.deep.equal(['apps/loopback.yaml:6:9 probe-loopback-listener api confirmed', 'apps/loopback.yaml:11:23 probe-loopback-listener web confirmed']);
    expect(r.report!.findings[0].finding.message).to.match(/^"api" listens on port 8080\/tcp only on loopback \(127\.0\.0\.1:8080\/tcp\) in "api" \(container "cnl-[0-9a-f]{8}-cnlreal\d+-api-1"\)/);
    // the TCP cell is observed from web's namespace: the path exists, the application refuses
    const tcp = r.report!.results.find((x) => x.case.kind === 'tcp' && x.case.source === 'web')!;
    expect([tcp.final?.detail, tcp.from]).to.deep.equal(['connection refused', `cnl-${r.run}-cnlreal${process.pid}-web-1`]);
    expect(grid(r.report!, 'tcp')).to.deep.equal({ web: { 'api:8080/tcp': '.' } });
    expect(grid(r.report!, 'host')).to.deep.equal({ host: { 'api:8080->8080/tcp': 'X*' } });
    expect(r.stdout).to.include("Probed from (a sidecar in each container's network namespace)");
    expect(r.stderr).to.match(/removed 4 containers, 1 network, 1 image\n/);
    expect(await labelled(r.run)).to.deep.equal([]);
    expect(await labelledImages(engine, r.run!)).to.deep.equal([]);
  });

  it('--real: the same project listening on 0.0.0.0:8080 exits 0', async () => {
    const r = await probe(['--real', '--ready-timeout', '20', '-f', 'apps/wildcard.yaml', '-p', `cnlwild${process.pid}`]);
    expect(r.code, r.stderr + r.stdout).to.equal(0);
    expect(placed(r)).to.deep.equal([]);
    expect(grid(r.report!, 'host')).to.deep.equal({ host: { 'api:8080->8080/tcp': '.' } });
    // connected from web's namespace: the application accepted (it sends nothing, and need not)
    expect(r.report!.results.find((x) => x.case.kind === 'tcp')!.final!.detail).to.equal('connected: the application accepted');
    expect(await labelled(r.run)).to.deep.equal([]);
  });

  it('--real: a listener on 9090 while the neighbour (an image without a shell) calls 8080 names 9090, at the reference', async () => {
    const r = await probe(['--real', '--ready-timeout', '5', '--format', 'json', '-f', 'apps/other-port.yaml', '-p', `cnlother${process.pid}`]);
    expect(r.code, r.stderr + r.stdout).to.equal(1);
    const json = JSON.parse(r.stdout) as { probeMode: string; findings: { ruleId: string; line: number; column: number; message: string }[]; cases: { source: string; column: string; cell: string; from?: string }[] };
    expect(json.probeMode).to.equal('real');
    expect(json.findings.map((f) => `${f.line}:${f.column} ${f.ruleId}`)).to.deep.equal(['10:17 probe-other-port']);
    expect(json.findings[0].message).to.include('it listens on 9090/tcp, which nobody declares. point the reference at 9090');
    // web has no shell: it is probed from a sidecar in its namespace all the same
    const fromWeb = json.cases.filter((c) => c.source === 'web').map((c) => `${c.column} ${c.cell}`);
    expect(fromWeb).to.deep.equal(['api .', 'web .']);
    expect(await labelled(r.run)).to.deep.equal([]);
  });

  describe('--attach on a project started without the tool', () => {
    const project = `cnlattach${process.pid}`;
    const tags = { loopback: `cnl-e2e-loopback:${process.pid}`, wildcard: `cnl-e2e-wildcard:${process.pid}` };
    let up: { containers: Docker.Container[]; network: Docker.Network } | undefined;
    before(async function () {
      this.timeout(120_000);
      await buildApp(engine, 'loopback', tags.loopback);
      await buildApp(engine, 'wildcard', tags.wildcard);
    });
    afterEach(async () => {
      // what this test started, and nothing else
      for (const c of up?.containers ?? []) await c.remove({ force: true }).catch(() => undefined);
      await up?.network.remove().catch(() => undefined);
      up = undefined;
    });
    after(async () => {
      for (const tag of Object.values(tags))
        await engine.docker
          .getImage(tag)
          .remove({ force: true })
          .catch(() => undefined);
    });

    it('gives the answers --real gives: the loopback-only listener at both places, exit 1; the containers are left as they were', async () => {
      up = await composeUp(engine, project, tags.loopback);
      const before = await Promise.all(up.containers.map((c) => c.inspect()));
      const r = await probe(['--attach', '-f', 'apps/loopback.yaml', '-p', project]);
      expect(r.code, r.stderr + r.stdout).to.equal(1);
      expect(r.report!.probeMode).to.equal('attach');
      expect(placed(r)).to.deep.equal(['apps/loopback.yaml:6:9 probe-loopback-listener api confirmed', 'apps/loopback.yaml:11:23 probe-loopback-listener web confirmed']);
      expect(r.report!.findings[0].finding.message).to.include(`(container "${project}-api-1")`);
      expect(grid(r.report!, 'tcp')).to.deep.equal({ web: { 'api:8080/tcp': '.' } });
      expect(grid(r.report!, 'host')).to.deep.equal({ host: { 'api:8080->8080/tcp': 'X*' } });
      expect(r.report!.results.find((x) => x.case.kind === 'tcp')!.from).to.equal(`${project}-web-1`);
      // the sidecars and the lease are gone; the project's containers run on, never restarted
      expect(r.stderr).to.match(/removed 2 containers\n/);
      expect(await labelled(r.run)).to.deep.equal([]);
      const after = await Promise.all(up.containers.map((c) => c.inspect()));
      expect(after.map((i) => [i.Id, i.State.Running, i.State.StartedAt, i.RestartCount])).to.deep.equal(before.map((i) => [i.Id, true, i.State.StartedAt, i.RestartCount]));
    });

    it('with 0.0.0.0: exit 0', async () => {
      up = await composeUp(engine, project, tags.wildcard);
      const r = await probe(['--attach', '-f', 'apps/wildcard.yaml', '-p', project]);
      expect(r.code, r.stderr + r.stdout).to.equal(0);
      expect(placed(r)).to.deep.equal([]);
      expect(grid(r.report!, 'host')).to.deep.equal({ host: { 'api:8080->8080/tcp': '.' } });
      expect(await labelled(r.run)).to.deep.equal([]);
    });

    it('with no running container of the project: exit 2, one line', async () => {
      const r = await probe(['--attach', '-f', 'apps/wildcard.yaml', '-p', `${project}none`]);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.match(/^compose-netlint: no running container of project "cnlattach\d+none" was found \(label com\.docker\.compose\.project=cnlattach\d+none\); start it with docker compose up, give its name with -p, or use --real\n$/m);
      // said before the run begins: no run, so nothing of it on the engine
      expect(r.run).to.equal(undefined);
    });
  });

  it('--real: an application container that exits is reported with its exit code and last log lines; sidecar names carry the run prefix once', async () => {
    let names: string[] = [];
    const r = await probe(['--real', '-f', 'apps/exits.yaml', '-p', `cnlexits${process.pid}`], {
      built: async (run) => {
        names = (await engine.docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${RUN_LABEL}=${run}`] }) })).map((c) => c.Names[0].slice(1)).sort();
      },
    });
    const report = r.report!;
    const api = `cnl-${r.run}-cnlexits${process.pid}-api-1`;
    expect(report.events.map((e) => [e.kind, e.service, e.message])).to.deep.equal([['start-failed', 'api', `"api": its container "${api}" exited with code 3`]]);
    expect(report.notes, report.notes.join('\n')).to.include(`"api": its container "${api}" exited with code 3; last log lines: "starting api" | "cannot read /etc/api/config.toml"`);
    expect(r.stdout).to.not.include('cannot join network');
    const web = `cnl-${r.run}-cnlexits${process.pid}-web-1`;
    expect(names.filter((n) => n.endsWith('-sidecar'))).to.deep.equal([`${web}-sidecar`]);
    expect(r.code, r.stderr).to.equal(1);
    expect(await labelled(r.run)).to.deep.equal([]);
  });

  it('--attach with nothing running says so before looking for the probe image (nothing pulled, nothing created)', async () => {
    // an image that is not on the engine, from a registry on loopback where nothing listens: were it looked for first, a pull would be tried
    const r = await probe(['--attach', '-f', 'apps/wildcard.yaml', '-p', `cnlidle${process.pid}`, '--probe-image', '127.0.0.1:9/cnl-absent:t3']);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.equal(`compose-netlint: no running container of project "cnlidle${process.pid}" was found (label com.docker.compose.project=cnlidle${process.pid}); start it with docker compose up, give its name with -p, or use --real\n`);
    expect(r.run).to.equal(undefined);
  });

  it('--real interrupted by SIGINT once the project runs: exit 130, the containers, network and built image are removed', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'test/e2e/probe-cli.ts'), '--probe-image', PROBE_IMAGE, '--timeout', '2', '--real', '-f', 'apps/loopback.yaml', '-p', `cnlsig${process.pid}`], {
      cwd: PROJECTS,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let sent = false;
    const limit = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      if (!sent && /attaching 2 sidecars/.test(stderr)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    child.stdout.resume();
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    clearTimeout(limit);
    const run = /run ([0-9a-f]{8})/.exec(stderr)?.[1];
    expect(code, stderr).to.equal(130);
    expect(stderr).to.match(/removed \d+ containers?, 1 network, 1 image\n/);
    expect(await labelled(run)).to.deep.equal([]);
    expect(await labelledImages(engine, run!)).to.deep.equal([]);
  });
});
