import * as net from 'node:net';
import { expect } from 'chai';
import { PROJECT_LABEL, RUN_LABEL, type Engine } from '../../lib/probe/engine';
import { LISTENER } from '../../lib/probe/scripts';
import { grid, labelled, PROBE_IMAGE, probe, requireEngine, type ProbeRun } from './helpers';

/** Every cell of a report agrees with the graph. */
function allAgree(r: ProbeRun): void {
  expect(r.code, r.stderr).to.equal(0);
  const s = r.report!.summary;
  expect(s.probes).to.be.greaterThan(0);
  expect(s, r.stderr).to.include({ agreeing: s.probes, disagreeing: 0, failed: 0, flaky: 0 });
}

describe('probe on docker: two runs on one engine', function () {
  this.timeout(180_000);
  let engine: Engine;
  before(async function () {
    engine = await requireEngine(this);
  });

  it('two runs of one project at once, without fixed resources, both finish with every cell agreeing', async () => {
    const project = `cnl-e2e-twice-${process.pid}`;
    let second: ProbeRun | undefined;
    const first = await probe(['-f', 'user-bridge.yaml', '-p', project], {
      // while the first twin is up, the whole second run
      built: async () => {
        second = await probe(['-f', 'user-bridge.yaml', '-p', project]);
      },
    });
    allAgree(first);
    allAgree(second!);
    expect(second!.run).not.to.equal(first.run);
    expect(await labelled(first.run)).to.deep.equal([]);
    expect(await labelled(second!.run)).to.deep.equal([]);
  });

  it('a second run that needs the subnet and host port a live run holds stops at once, naming that run, and the first still agrees', async () => {
    let second: (ProbeRun & { ms: number }) | undefined;
    const first = await probe(['-f', 'fixed-resources.yaml'], {
      built: async () => {
        const t = Date.now();
        second = { ...(await probe(['-f', 'fixed-resources.yaml'])), ms: Date.now() - t };
      },
    });
    allAgree(first);
    const r = second!;
    expect(r.code, r.stderr).to.equal(2);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines.filter((l) => l.startsWith('probe: ')).map((l) => l.replace(/^probe: \[[\d.]+s\] /, '').split(':')[0])).to.deep.equal([`run ${r.run}`]);
    expect(lines.pop()).to.match(
      new RegExp(
        `^compose-netlint: subnet 10\\.231\\.61\\.0/24 and host port 127\\.0\\.0\\.1:18651/tcp are already held by run ${first.run} ` +
          `\\(project "e2e-fixed-resources", started \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z, pid ${process.pid} on host "[^"]+"; its owner process ${process.pid} is running\\); ` +
          'two probe runs cannot hold them at once\\. wait for that run to finish or probe on another engine$',
      ),
    );
    expect(r.ms).to.be.lessThan(10_000);
    expect(await labelled(r.run)).to.deep.equal([]);
    expect(await labelled(first.run)).to.deep.equal([]);
  });

  it('objects of a run without a lease (an older version) that hold the host port stop the run too', async () => {
    const run = `e${String(process.pid).padStart(7, '0').slice(-7)}`;
    const holder = await engine.docker.createContainer({
      Image: PROBE_IMAGE,
      Cmd: ['sleep', '300'],
      Labels: { [RUN_LABEL]: run, [PROJECT_LABEL]: 'e2e-old-version' },
      ExposedPorts: { '80/tcp': {} },
      HostConfig: { NetworkMode: 'bridge', PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '18652' }] } },
    });
    try {
      await holder.start();
      const r = await probe(['-f', 'held-port.yaml']);
      expect(r.code, r.stderr).to.equal(2);
      expect(r.stderr).to.match(
        new RegExp(
          `\\ncompose-netlint: host port 127\\.0\\.0\\.1:18652/tcp is already held by run ${run} \\(project "e2e-old-version", started [^;]+; no owner recorded \\(made by an older compose-netlint\\), started \\d+s ago \\(not older than 1h; see --older-than\\)\\); two probe runs cannot hold it at once\\. wait for that run to finish or probe on another engine\\n$`,
        ),
      );
      expect(await labelled(r.run)).to.deep.equal([]);
    } finally {
      await holder.remove({ force: true });
    }
  });

  it("a host port held by another run's twin that no label shows: its answer is a probe failure, never agreement", async () => {
    // the listener of a twin of another run, in a container without labels (a run that took the port between our check and our bind)
    const holder = await engine.docker.createContainer({
      Image: PROBE_IMAGE,
      Entrypoint: ['sh', '-c', LISTENER, 'cnl-listen'],
      Cmd: ['0.0.0.0', '39999', 'tcp:80'],
      Env: ['CNL_ID=web 0ther0ne'],
      ExposedPorts: { '80/tcp': {} },
      HostConfig: { NetworkMode: 'bridge', PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '18652' }] } },
    });
    try {
      await holder.start();
      const r = await probe(['-f', 'held-port.yaml']);
      expect(grid(r.report!, 'host')).to.deep.equal({ host: { 'web:18652->80/tcp': '!' } });
      const cell = r.report!.results.find((x) => x.case.kind === 'host')!;
      expect(cell.final!.detail).to.equal('answered by "web" of run 0ther0ne: another probe run holds host port 18652/tcp, so this twin\'s mapping cannot be seen');
      expect(r.report!.summary).to.include({ agreeing: r.report!.summary.probes - 1, failed: 1 });
      expect(await labelled(r.run)).to.deep.equal([]);
    } finally {
      await holder.remove({ force: true });
    }
  });

  it('a host port held by something that is no twin at all, even one that speaks like one: a probe failure, never agreement', async () => {
    const server = net.createServer((socket) => socket.end('cnl-ok web\n'));
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(18652, '127.0.0.1', () => resolve()));
    try {
      const r = await probe(['-f', 'held-port.yaml']);
      expect(grid(r.report!, 'host')).to.deep.equal({ host: { 'web:18652->80/tcp': '!' } });
      const cell = r.report!.results.find((x) => x.case.kind === 'host')!;
      expect(cell.final!.detail).to.match(
        /^the twin could not bind host port 18652\/tcp \("web" could not bind 127\.0\.0\.1:18652\/tcp: .*\) and no other service of the project takes it: something outside this run holds it, so whatever answers is not the twin$/,
      );
      expect(r.report!.events.map((e) => `${e.kind} ${e.service} ${e.port}`)).to.deep.equal(['bind-failed web 18652']);
      expect(await labelled(r.run)).to.deep.equal([]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
