import { expect } from 'chai';
import { execIn, RUN_LABEL, SERVICE_LABEL } from '../../lib/probe/engine';
import type { Engine } from '../../lib/probe/engine';
import { grid, labelled, probe, requireEngine } from './helpers';

describe('probe on docker: what counts in the result', function () {
  this.timeout(180_000);
  let engine: Engine;
  before(async function () {
    engine = await requireEngine(this);
  });

  it('failed probes fail the run (exit 1) and the summary says why', async () => {
    const r = await probe(['-f', 'user-bridge.yaml'], {
      // break web's probe environment: its loopback control listener goes away, its other listeners stay
      built: async (run) => {
        const [web] = await engine.docker.listContainers({ filters: JSON.stringify({ label: [`${RUN_LABEL}=${run}`, `${SERVICE_LABEL}=web`] }) });
        const script = 'for f in $(grep -l "TCP-LISTEN:$1," /proc/[0-9]*/cmdline); do f=${f#/proc/}; kill "${f%/cmdline}" 2>/dev/null; done; exit 0';
        await execIn(engine.docker, web.Id, ['sh', '-c', script, 'break-control', '39999'], 10_000);
      },
    });
    const report = r.report!;
    // every cell from web failed; every other cell agrees
    expect(grid(report, 'dns')).to.deep.equal({ web: { web: '!', api: '!' }, api: { web: '.', api: '.' } });
    expect(grid(report, 'tcp')).to.deep.equal({ web: { 'api:8080/tcp': '!' }, api: { 'web:80/tcp': '.' } });
    expect(report.summary).to.include({ probes: 6, agreeing: 3, disagreeing: 0, failed: 3, flaky: 0, notProbed: 0 });
    expect(r.code, r.stderr).to.equal(1);
    expect(report.exitCode).to.equal(1);
    expect(r.stdout).to.match(/\nProbe failures \(nothing was observed: they fail the run\)\n {2}dns web resolves "web": control probe failed \(connection refused\): the probe environment is broken \(3 tries\)\n/);
    expect(r.stdout).to.match(/\n6 probes, 3 agreeing, 0 disagreeing, 3 failed, 0 flaky, 0 not probed; wall time [\d.]+s; exit 1: 3 probes failed\n$/);
    expect(await labelled(r.run)).to.deep.equal([]);
  });

  it('port ranges: both ends of a wide range are bound and probed; a host range for one port is probed as far as the twin binds it', async () => {
    const r = await probe(['-f', 'port-ranges.yaml']);
    const report = r.report!;
    expect(grid(report, 'host')).to.deep.equal({
      host: {
        'wide:18800->18800/tcp': '.',
        'wide:18899->18899/tcp': '.',
        // each of the 3 containers of "pool" binds one port of the range, which the engine picks at start
        'pool:18900-18949->80/tcp (replica 1)': '.',
        'pool:18900-18949->80/tcp (replica 3)': '.',
        'pool:18900-18949->80/tcp (the other 47 ports)': '-',
      },
    });
    const ports = report.results.filter((x) => x.case.kind === 'host' && x.case.column.startsWith('pool:') && x.reproduce).map((x) => Number(/ (\d+) <\/dev\/null$/.exec(x.reproduce!)?.[1]));
    expect(ports).to.have.length(2);
    for (const port of ports) expect(port).to.be.within(18900, 18949);
    expect(r.stdout).to.include('\nNot probed\n  1 cell: the twin runs 3 containers of "pool" (of 50 replicas), and each container binds one port of the host range 18900-18949: the other 47 stay unbound\n');
    expect(report.notes).to.include('"pool" runs 3 of its 50 replicas in the twin');
    expect(report.summary).to.include({ disagreeing: 0, failed: 0 });
    expect(r.code, r.stderr).to.equal(0);
    expect(await labelled(r.run)).to.deep.equal([]);
  });
});
