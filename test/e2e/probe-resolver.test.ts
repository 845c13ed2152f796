import { expect } from 'chai';
import { connect, RUN_LABEL, SERVICE_LABEL } from '../../lib/probe/engine';
import type { ProbeReport } from '../../lib/probe';
import { labelled, probe, requireEngine } from './helpers';

/** Which of the run's containers start the twin's resolver, by service. */
async function resolvers(run: string): Promise<Record<string, boolean>> {
  const { docker, guard } = await connect(process.env);
  try {
    const containers = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${RUN_LABEL}=${run}`, SERVICE_LABEL] }) });
    const out: Record<string, boolean> = {};
    for (const c of containers) {
      const info = (await docker.getContainer(c.Id).inspect()) as { Args: string[] };
      out[c.Labels[SERVICE_LABEL]] = info.Args.includes('nxdomain');
    }
    return out;
  } finally {
    guard.close();
  }
}

/** The outcome of each name lookup from `source`, by the name looked up. */
function lookups(report: ProbeReport, source: string): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const r of report.results) if (r.case.kind === 'dns' && r.case.source === source && r.case.target.via === 'name') out[r.case.target.name] = r.final?.outcome;
  return out;
}

describe('probe on docker: the twin resolves a name nobody knows at once, on the machine', function () {
  this.timeout(120_000);
  before(async function () {
    await requireEngine(this);
  });

  it('a name the embedded DNS forwards, and one asked on a network without it, is an NXDOMAIN from the resolver, not a timeout', async () => {
    let started: Record<string, boolean> = {};
    const r = await probe(['-f', 'namespaces.yaml'], { built: async (run) => void (started = await resolvers(run)) });
    expect(r.code, r.stderr).to.equal(0);
    // the joiner shares app's namespace and its resolver
    expect(started).to.deep.equal({ app: true, sidecar: false, client: true, vault: true, island: true });
    // client is on appnet, vault only on the internal "secure": the embedded DNS forwards "vault" and "island"
    expect(lookups(r.report!, 'client')).to.include({ backend: 'ok', vault: 'nxdomain', island: 'nxdomain' });
    // network_mode none has no embedded DNS: the C library asks 127.0.0.1, the resolver itself
    expect(lookups(r.report!, 'island')).to.include({ app: 'nxdomain', vault: 'nxdomain' });
    expect(r.report!.summary).to.include({ disagreeing: 0, failed: 0, flaky: 0 });
    expect(await labelled(r.run)).to.deep.equal([]);
  });

  it("a host-network container starts no resolver: its loopback is the machine's", async () => {
    let started: Record<string, boolean> = {};
    const r = await probe(['-f', 'host-network-ports.yaml'], { built: async (run) => void (started = await resolvers(run)) });
    expect(r.code, r.stderr).to.equal(0);
    expect(started).to.deep.equal({ agent: false, app: true });
    expect(await labelled(r.run)).to.deep.equal([]);
  });
});
