import { expect } from 'chai';
import { grid, findingAtReference, labelled, probe, requireEngine, verdicts } from './helpers';

describe('probe on docker: name resolution and reachability', function () {
  this.timeout(120_000);
  before(async function () {
    await requireEngine(this);
  });

  it('default bridge: names fail, addresses work, a legacy link resolves, no-default-bridge-dns is confirmed', async () => {
    const r = await probe(['-f', 'default-bridge.yaml']);
    expect(r.code, r.stderr).to.equal(0);
    const report = r.report!;
    // no embedded DNS on the default bridge; only the legacy link's /etc/hosts entry gives "legacy" a name
    expect(grid(report, 'dns')).to.deep.equal({
      web: { web: 'X', api: 'X', legacy: 'X' },
      api: { web: 'X', api: 'X', legacy: 'X' },
      legacy: { web: 'X', api: '.', legacy: 'X' },
    });
    expect(grid(report, 'tcp')).to.deep.equal({
      web: { 'api:8080/tcp': '.' },
      api: { 'web:80/tcp': '.' },
      legacy: { 'api:8080/tcp': '.', 'web:80/tcp': '.' },
    });
    expect(verdicts(report)).to.deep.equal(['no-default-bridge-dns web: confirmed', 'no-legacy-links legacy: not-probed']);
    expect(report.findings[0].reason).to.equal('dns web resolves "api": blocked; tcp web → api:8080/tcp: reachable');
    expect(report.summary).to.include({ probes: 13, agreeing: 13, disagreeing: 0, failed: 0, flaky: 0 });
    expect(await labelled(r.run)).to.deep.equal([]);
  });

  it('default bridge: a link named otherwise resolves by its link name only, as the graph says', async () => {
    const r = await probe(['-f', 'aliased-link.yaml']);
    expect(r.code, r.stderr).to.equal(0);
    const report = r.report!;
    // measured: /etc/hosts of legacy reads "172.17.0.x backend <container id> e2e-aliased-link-api-1"
    expect(grid(report, 'dns')).to.deep.equal({
      api: { api: 'X', backend: 'X', legacy: 'X' },
      legacy: { api: 'X', backend: '.', legacy: 'X' },
    });
    expect(verdicts(report)).to.deep.equal(['no-legacy-links legacy: not-probed', 'no-default-bridge-dns legacy: confirmed']);
    expect(report.summary).to.include({ disagreeing: 0, failed: 0 });
    expect(await labelled(r.run)).to.deep.equal([]);
  });

  it('default bridge: a link to a service with a container_name resolves that name, as under Compose', async () => {
    const r = await probe(['-f', 'linked-container-name.yaml']);
    const report = r.report!;
    expect(grid(report, 'dns')).to.deep.equal({
      api: { api: 'X', 'e2e-named-api': 'X', legacy: 'X' },
      legacy: { api: '.', 'e2e-named-api': '.', legacy: 'X' },
    });
    expect(report.summary).to.include({ disagreeing: 0, failed: 0 });
    expect(r.code, r.stderr).to.equal(0);
    expect(await labelled(r.run)).to.deep.equal([]);
  });

  it("user network: a link to a service whose container_name is the linker's name shadows nothing", async () => {
    const r = await probe(['-f', 'link-on-user-network.yaml']);
    const report = r.report!;
    expect(grid(report, 'dns').cache).to.include({ cache: '.' });
    expect(report.summary).to.include({ disagreeing: 0, failed: 0 });
    expect(await labelled(r.run)).to.deep.equal([]);
  });

  it('user network: a link hides its name from the linker when the target is not on the network, with no fall-through (seeds 26, 164)', async () => {
    const r = await probe(['-f', 'link-hides-name.yaml']);
    const report = r.report!;
    expect(grid(report, 'dns').a).to.include({ b: 'X', c: '.', e: '.' });
    expect(grid(report, 'dns').c).to.include({ b: '.' });
    expect(grid(report, 'dns').d).to.include({ e: '.' });
    expect(report.summary).to.include({ disagreeing: 0, failed: 0 });
    expect(r.code, r.stderr).to.equal(0);
    expect(await labelled(r.run)).to.deep.equal([]);
  });

  it('the same pair on a user-defined network resolves, and nothing is reported', async () => {
    const r = await probe(['-f', 'user-bridge.yaml']);
    expect(r.code, r.stderr).to.equal(0);
    expect(grid(r.report!, 'dns')).to.deep.equal({
      web: { web: '.', api: '.' },
      api: { web: '.', api: '.' },
    });
    expect(grid(r.report!, 'tcp')).to.deep.equal({
      web: { 'api:8080/tcp': '.' },
      api: { 'web:80/tcp': '.' },
    });
    expect(verdicts(r.report!)).to.deep.equal([]);
    expect(await labelled(r.run)).to.deep.equal([]);
  });

  it('split networks: no-unreachable-reference is confirmed by name and by address', async () => {
    const r = await probe(['-f', 'split-networks.yaml', '--format', 'json']);
    expect(r.code, r.stderr).to.equal(0);
    const report = r.report!;
    expect(grid(report, 'dns')).to.deep.equal({
      web: { web: '.', db: 'X', database: 'X' },
      db: { web: 'X', db: '.', database: '.' },
    });
    expect(grid(report, 'tcp')).to.deep.equal({
      web: { 'db:5432/tcp': 'X' },
      db: { 'web:80/tcp': 'X' },
    });
    expect(grid(report, 'host')).to.deep.equal({ host: { 'web:18101->80/tcp': '.' } });
    expect(verdicts(report)).to.deep.equal(['no-unreachable-reference web: confirmed']);
    // the JSON report keeps jq '.findings[].verdict' working
    const json = JSON.parse(r.stdout);
    expect(json.findings.map((f: { ruleId: string; verdict: string }) => `${f.ruleId} ${f.verdict}`)).to.deep.equal(['no-unreachable-reference confirmed']);
    expect(json.matrices.tcp).to.deep.equal({
      rows: ['web', 'db'],
      columns: ['db:5432/tcp', 'web:80/tcp'],
      cells: [
        ['X', null],
        [null, 'X'],
      ],
    });
    expect(json.summary).to.include({ disagreeing: 0 });
    expect(await labelled(r.run)).to.deep.equal([]);
  });

  it('split networks with web also on back: every cell agrees and there is no finding', async () => {
    const r = await probe(['-f', 'split-networks-fixed.yaml']);
    expect(r.code, r.stderr).to.equal(0);
    expect(grid(r.report!, 'dns')).to.deep.equal({
      web: { web: '.', db: '.', database: '.' },
      db: { web: '.', db: '.', database: '.' },
    });
    expect(grid(r.report!, 'tcp')).to.deep.equal({
      web: { 'db:5432/tcp': '.' },
      db: { 'web:80/tcp': '.' },
    });
    expect(verdicts(r.report!)).to.deep.equal([]);
    expect(r.stdout).to.match(/^Disagreements\n {2}none$/m);
    expect(await labelled(r.run)).to.deep.equal([]);
  });

  it('a deliberately wrong expectation and a wrong finding: exit 1, refuted, with the command that reproduces it', async () => {
    const r = await probe(['-f', 'split-networks-fixed.yaml'], {
      // the linter is made to claim that web cannot reach db, which shares "back" with it
      findings: (found, graph) => [...found, findingAtReference(graph, 'no-unreachable-reference', 'web', 'db')],
      // and the graph is made to predict that "db" does not resolve from web
      expect: (c) => (c.kind === 'dns' && c.source === 'web' && c.column === 'db' ? false : undefined),
    });
    expect(r.code).to.equal(1);
    const report = r.report!;
    expect(verdicts(report)).to.deep.equal(['no-unreachable-reference web: refuted']);
    expect(grid(report, 'dns').web).to.deep.equal({ web: '.', db: '.*', database: '.' });
    expect(report.summary).to.include({ disagreeing: 1 });
    // retried before it counted
    expect(report.results.find((x) => x.agrees === false)!.tries).to.have.length(3);
    const container = `cnl-${r.run}-e2e-split-fixed-web-1`;
    expect(r.stdout).to.include(`Disagreements\n  dns web resolves "db": the graph predicts blocked (resolves(web, "db") = db on back; overridden to blocked); observed reachable`);
    expect(r.stdout).to.include(`    docker exec ${container} nslookup db\n`);
    expect(r.stdout).to.match(/Refuted findings\n {2}no-unreachable-reference at split-networks-fixed\.yaml:\d+:\d+: dns web resolves "db": reachable/);
    expect(await labelled(r.run)).to.deep.equal([]);
  });
});
