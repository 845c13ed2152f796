import { expect } from 'chai';
import { endless, fakeEngine, hello, json, probeCli, type FakeEngine } from './fake-engine';

/** The last line of stderr: the one-line error the CLI ends with. */
const lastLine = (stderr: string): string => stderr.trimEnd().split('\n').pop() ?? '';

describe('probe against faulty engines (no docker engine needed: fakes on unix sockets)', function () {
  this.timeout(40_000);
  let engine: FakeEngine | undefined;
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
  });

  it('an engine that accepts and never answers: the message at 5 s, and the process exits right after', async () => {
    engine = await fakeEngine(() => undefined);
    const r = await probeCli(['-f', 'user-bridge.yaml'], engine.host, 30_000);
    expect(r.code, r.stderr).to.equal(2);
    expect(r.stderr).to.equal(`compose-netlint: cannot reach the Docker engine at ${engine.host} (did not answer GET /_ping within 5s); start the engine (scripts/ci-docker.sh, or \`sudo systemctl start docker\`) or point DOCKER_HOST at one\n`);
    // no connection or timer is left to keep the process alive (it took 62 s)
    expect(r.seconds).to.be.below(12);
  });

  it('an endless answer is cut at 16 MiB, and says so', async () => {
    engine = await fakeEngine((_, res) => endless(res));
    const r = await probeCli(['-f', 'user-bridge.yaml'], engine.host, 30_000);
    expect(r.code, r.stderr).to.equal(2);
    expect(r.stderr).to.equal(`compose-netlint: the Docker engine at ${engine.host} sent more than 16 MiB in answer to GET /_ping; it is not a Docker engine, or a broken one\n`);
    expect(r.seconds).to.be.below(12);
  });

  it('an engine that answers only ping, version and info: the first other call times out, nothing is pulled', async () => {
    engine = await fakeEngine((req, res) => void hello(req, res));
    const r = await probeCli(['-f', 'user-bridge.yaml', '--engine-timeout', '2'], engine.host, 30_000);
    expect(r.code, r.stderr).to.equal(2);
    expect(r.stderr).not.to.include('pulling');
    expect(r.stderr).to.equal(`compose-netlint: the Docker engine at ${engine.host} did not answer GET /images/busybox/json within 2s; it is stuck or is not a Docker engine (a slow one needs a larger --engine-timeout)\n`);
    expect(engine.seen).to.deep.equal(['GET /_ping', 'GET /version', 'GET /info', 'GET /images/busybox/json']);
    expect(r.seconds).to.be.below(10);
  });

  it('a 404 that is not "No such image" is no reason to pull', async () => {
    engine = await fakeEngine((req, res) => {
      if (!hello(req, res)) res.writeHead(404, { 'Content-Type': 'text/plain' }).end('page not found\n');
    });
    const r = await probeCli(['-f', 'user-bridge.yaml'], engine.host, 30_000);
    expect(r.code, r.stderr).to.equal(2);
    expect(r.stderr).to.equal(`compose-netlint: the Docker engine at ${engine.host} could not inspect probe image busybox (page not found); check --probe-image and DOCKER_HOST\n`);
    expect(engine.seen).not.to.include('POST /images/create');
  });

  it('--cleanup against an engine that answers 404 to listing: the one-line engine message, not an internal error', async () => {
    engine = await fakeEngine((req, res) => {
      if (!hello(req, res)) res.writeHead(404, { 'Content-Type': 'text/plain' }).end('page not found\n');
    });
    const r = await probeCli(['--cleanup'], engine.host, 30_000);
    expect(r.code, r.stderr).to.equal(2);
    expect(r.stderr).to.equal(`compose-netlint: the Docker engine at ${engine.host} could not list probe runs (page not found); check DOCKER_HOST\n`);
    expect(engine.seen.filter((c) => c.startsWith('DELETE'))).to.deep.equal([]);
  });

  it("--cleanup against an engine that answers only ping, version and info: the guard's deadline message", async () => {
    engine = await fakeEngine((req, res) => void hello(req, res));
    const r = await probeCli(['--cleanup', '--engine-timeout', '2'], engine.host, 30_000);
    expect(r.code, r.stderr).to.equal(2);
    expect(r.stderr).to.match(
      new RegExp(
        `^compose-netlint: the Docker engine at ${engine.host.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} did not answer GET /(containers|networks)/json within 2s; it is stuck or is not a Docker engine \\(a slow one needs a larger --engine-timeout\\)\n$`,
      ),
    );
    expect(r.seconds).to.be.below(10);
  });

  it('a pull whose progress is not JSON fails with one line instead of crashing', async () => {
    engine = await fakeEngine((req, res) => {
      if (hello(req, res)) return;
      if (req.url?.includes('/images/create')) return void res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"status":"Pulling"}\n<html>oops</html>\n');
      json(res, 404, { message: 'No such image: busybox:latest' });
    });
    const r = await probeCli(['-f', 'user-bridge.yaml'], engine.host, 30_000);
    expect(r.code, r.stderr).to.equal(2);
    expect(r.stderr).to.include('probe image busybox is missing; pulling it');
    expect(lastLine(r.stderr)).to.equal('compose-netlint: probe image busybox is missing and cannot be pulled (the engine sent a progress line that is not JSON: "<html>oops</html>"); build one with scripts/ci-docker.sh or pass --probe-image');
  });

  it('an engine that stops answering in the middle of a run: the run stops, tears down what it made, and names the call', async () => {
    let created = 0;
    engine = await fakeEngine((req, res) => {
      if (hello(req, res)) return;
      const url = (req.url ?? '').replace(/^\/v[\d.]+/, '').split('?')[0];
      if (req.method === 'GET' && /^\/images\/[^/]+\/json$/.test(url)) return json(res, 200, { Id: 'sha256:0123' });
      if (req.method === 'GET' && /^\/(containers\/json|networks)$/.test(url)) return json(res, 200, []);
      // the run's lease is created; the next container (the tool check) never is
      if (req.method === 'POST' && url === '/containers/create' && created++ === 0) return json(res, 201, { Id: 'c0ffee' });
    });
    const r = await probeCli(['-f', 'user-bridge.yaml', '--engine-timeout', '1'], engine.host, 30_000);
    expect(r.code, r.stderr).to.equal(2);
    expect(r.stderr).to.match(/probe: \[[\d.]+s\] removing the twin after the engine fault\n/);
    expect(lastLine(r.stderr)).to.equal(`compose-netlint: the Docker engine at ${engine.host} did not answer POST /containers/create within 1s; it is stuck or is not a Docker engine (a slow one needs a larger --engine-timeout)`);
    expect(engine.seen.slice(0, 6)).to.deep.equal(['GET /_ping', 'GET /version', 'GET /info', 'GET /images/busybox/json', 'POST /containers/create', 'POST /containers/create']);
    // the teardown looked for the run's objects after the fault
    expect(engine.seen.slice(6)).to.include('GET /containers/json');
    expect(r.seconds).to.be.below(15);
  });

  it('a DOCKER_HOST port out of range is a one-line error, not an internal one', async () => {
    const r = await probeCli(['-f', 'user-bridge.yaml'], 'tcp://127.0.0.1:99999', 30_000);
    expect(r.code, r.stderr).to.equal(2);
    expect(r.stderr).to.equal('compose-netlint: DOCKER_HOST="tcp://127.0.0.1:99999" names port 99999, and a TCP port is 1 to 65535\n');
  });
});
