import { expect } from 'chai';
import { RUN_LABEL } from '../../lib/probe';
import type { Engine } from '../../lib/probe/engine';
import { grid, labelled, probe, requireEngine, verdicts, type ProbeRun } from './helpers';

/** The probe count of the progress line ("running N probes", or "N probes: running M …"). */
function progressCount(r: ProbeRun): number {
  const m = /probe: \[[\d.]+s\] (?:(\d+) probes: running \d+|running (\d+) probes?) from/.exec(r.stderr);
  expect(m, r.stderr).not.to.equal(null);
  return Number(m![1] ?? m![2]);
}

/** The host port in a case's repro command (`nc -w T 127.0.0.1 PORT`). */
function reproPort(r: ProbeRun, column: string): number {
  const result = r.report!.results.find((x) => x.case.kind === 'host' && x.case.column === column)!;
  return Number(/ (\d+)(?: <\/dev\/null)?$/.exec(result.reproduce ?? '')?.[1]);
}

describe('probe on docker: bare container ports, at the host port the engine picked', function () {
  this.timeout(180_000);
  let engine: Engine;
  before(async function () {
    engine = await requireEngine(this);
  });

  it('a Compose project: each bare port is probed from the host at the port the engine bound, an internal one is observed unbound', async () => {
    const bound: Record<string, string> = {};
    const r = await probe(['-f', 'ephemeral-ports.yaml'], {
      // while the twin is up: the ports the engine picked, as docker inspect shows them
      built: async (run) => {
        for (const c of await engine.docker.listContainers({ filters: JSON.stringify({ label: [`${RUN_LABEL}=${run}`, 'com.compose-netlint.service=web'] }) })) {
          const info = await engine.docker.getContainer(c.Id).inspect();
          for (const [key, list] of Object.entries(info.NetworkSettings.Ports ?? {})) {
            const v4 = (list ?? []).find((b) => !b.HostIp.includes(':'));
            if (v4) bound[key] = v4.HostPort;
          }
        }
      },
    });
    expect(r.code, r.stderr + r.stdout).to.equal(0);
    const report = r.report!;
    expect(grid(report, 'host')).to.deep.equal({
      host: { 'web:ephemeral->80/tcp': '.', 'web:ephemeral->81/tcp': '.', 'web:ephemeral->5353/udp': '.', 'vault:ephemeral->8200/tcp': 'X' },
    });
    expect(reproPort(r, 'web:ephemeral->80/tcp')).to.equal(Number(bound['80/tcp']));
    expect(reproPort(r, 'web:ephemeral->81/tcp')).to.equal(Number(bound['81/tcp']));
    const vault = report.results.find((x) => x.case.column === 'vault:ephemeral->8200/tcp')!;
    expect(vault.final!.detail).to.equal('the engine bound no host port for 8200/tcp');
    expect(verdicts(report)).to.deep.equal(['no-ports-on-internal-network vault: confirmed']);
    expect(report.summary.notProbed).to.equal(0);
    expect(progressCount(r)).to.equal(report.summary.probes);
    expect(await labelled(r.run)).to.deep.equal([]);
  });

  it('a stack: bare ports are not published (a Swarm port has no host address, so Swarm would open it on every interface); progress and summary count alike', async function () {
    if (!engine.swarmManager) return this.skip();
    const r = await probe(['-f', 'ephemeral-ports-stack.yml']);
    const report = r.report!;
    expect(report.mode).to.equal('stack');
    expect(grid(report, 'host')).to.deep.equal({ host: { 'web:ephemeral->80/tcp': '-', 'web:ephemeral->90/tcp': '-' } });
    const why = 'Swarm publishes a port on every interface of the machine (a Swarm port has no host address); the twin of a stack publishes none';
    expect(report.results.filter((x) => x.case.kind === 'host').map((x) => x.case.skip)).to.deep.equal([why, why]);
    expect(progressCount(r)).to.equal(report.summary.probes);
    expect([r.code, report.summary.notProbed], r.stderr + r.stdout).to.deep.equal([0, 2]);
    expect(await labelled(r.run)).to.deep.equal([]);
  });
});
