import { execFileSync } from 'node:child_process';
import { expect } from 'chai';
import { RUN_LABEL, SERVICE_LABEL } from '../../lib/probe/engine';
import { labelled, probe, requireEngine } from './helpers';

describe('probe on docker: retries of a disagreeing cell', function () {
  this.timeout(180_000);
  before(async function () {
    await requireEngine(this);
  });

  it('a disagreement seen on every try whose last retry failed is a disagreement, not flaky (exit 1)', async () => {
    let run: string | undefined;
    const r = await probe(
      ['-f', 'user-bridge.yaml'],
      {
        // a wrong prediction: web resolves "api" on the user network, the graph is told it does not
        expect: (c) => (c.kind === 'dns' && c.source === 'web' && c.column === 'api' ? false : undefined),
        built: (id) => void (run = id),
      },
      (text) => {
        // the last retry's probe fails: web's container is stopped (synchronously, so before the retry runs)
        if (!run || !text.includes('(try 3 of 3)')) return;
        const id = execFileSync('docker', ['ps', '-q', '--filter', `label=${RUN_LABEL}=${run}`, '--filter', `label=${SERVICE_LABEL}=web`], { encoding: 'utf8' }).trim();
        execFileSync('docker', ['kill', id], { stdio: 'ignore' });
      },
    );
    const report = r.report!;
    const cell = report.results.find((x) => x.case.kind === 'dns' && x.case.source === 'web' && x.case.column === 'api')!;
    expect(cell.tries.map((o) => o.reach)).to.deep.equal(['reachable', 'reachable', 'failed']);
    expect(cell).to.include({ agrees: false, flaky: false });
    expect(cell.final!.reach).to.equal('reachable');
    expect(report.summary).to.include({ disagreeing: 1, flaky: 0 });
    expect(r.code, r.stderr).to.equal(1);
    expect(await labelled(r.run)).to.deep.equal([]);
  });
});
