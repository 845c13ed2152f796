import { expect } from 'chai';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { execIn, RUN_LABEL } from '../../lib/probe/engine';
import { classifyDns, classifyTcp, classifyUdp, parseRunnerOutput } from '../../lib/probe/outcome';
import { probeableName } from '../../lib/probe/plan';
import { RUNNER, shArgv } from '../../lib/probe/scripts';
import { bindFailure } from '../../lib/probe/twin';
import { labelled, probe, PROBE_IMAGE, requireEngine, verdicts } from './helpers';

describe('probe on docker: values from the project stay arguments', function () {
  this.timeout(60_000);

  it('the runner passes names to nslookup as argv: shell text in a name is never run', async function () {
    const { docker } = await requireEngine(this);
    const label = `e2e-safety-${process.pid}`;
    const container = await docker.createContainer({
      Image: PROBE_IMAGE,
      Cmd: ['sleep', '120'],
      Labels: { [RUN_LABEL]: label },
      HostConfig: { NetworkMode: 'none', Dns: ['127.0.0.1'] },
    });
    try {
      await container.start();
      const evil = ['$(touch /tmp/pwned-1)', '`touch /tmp/pwned-2`', 'x; touch /tmp/pwned-3', "a' ; touch /tmp/pwned-4 ; '", 'x\ntouch /tmp/pwned-5'];
      const args = ['1'];
      evil.forEach((name, i) => args.push(String(i + 1), 'dns', name, '-'));
      const result = await execIn(docker, container.id, shArgv(RUNNER, 'cnl-probe', args), 20_000);
      const raw = parseRunnerOutput(result.stdout);
      expect([...raw.keys()]).to.deep.equal(['1', '2', '3', '4', '5']);
      for (const r of raw.values()) expect(classifyDns(r).reach).to.equal('blocked');
      const listing = await execIn(docker, container.id, ['ls', '/tmp'], 10_000);
      expect(listing.stdout).not.to.match(/pwned/);
    } finally {
      await container.remove({ force: true });
    }
  });

  it('names that look like options or carry odd characters are never handed to a probe (no docker engine needed)', () => {
    expect(['db', 'api.internal', 'tasks.web', 'my_service', 'web-1'].map(probeableName)).to.deep.equal([true, true, true, true, true]);
    expect(['-type=any', '$(id)', 'a b', 'x;y', '', '.hidden'].map(probeableName)).to.deep.equal([false, false, false, false, false, false]);
  });
});

describe('probe on docker: the project cannot make the engine load a plugin', function () {
  this.timeout(120_000);

  it('an IPAM driver that climbs to a socket of the checkout is never passed: the daemon never connects, the service is not probed', async function () {
    await requireEngine(this);
    // what a pull request would commit: a socket (or a .spec naming one) and a driver name that climbs to it
    // from the engine's plugin folders; Docker 20.10 connects to it and POSTs /Plugin.Activate
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnl-e2e-plugin-'));
    const socket = path.join(dir, 'evil.sock');
    const calls: string[] = [];
    const server = net.createServer((c) => c.on('data', (d) => (calls.push(d.toString().split('\r\n')[0]), c.destroy())));
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    fs.writeFileSync(path.join(dir, 'evil.spec'), `unix://${socket}\n`);
    const compose = path.join(dir, 'compose.yaml');
    fs.writeFileSync(compose, `name: e2e-ipam-path\nservices:\n  web:\n    networks: [front]\n  api:\n    networks: [back]\nnetworks:\n  front:\n    ipam:\n      driver: ../../..${dir}/evil\n  back: {}\n`);
    try {
      const r = await probe(['-f', compose]);
      expect(calls, "the daemon called the project's plugin").to.deep.equal([]);
      expect(r.code, r.stderr).to.equal(0);
      const why = `network "front" uses IPAM driver "../../..${dir}/evil"; the probe passes the engine only its built-in IPAM drivers ("default", "null"), never a name it would look up as a plugin`;
      expect(r.report!.notes).to.include(`"web" has no twin: ${why}`);
      expect(verdicts(r.report!)).to.deep.equal(['no-driver-path front: not-probed']);
      // the other service was built and probed
      expect(r.report!.results.some((x) => x.case.source === 'api' && x.final)).to.equal(true);
      expect(await labelled(r.run)).to.deep.equal([]);
    } finally {
      server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('probe output parsing, from real busybox and engine output (no docker engine needed)', () => {
  it('classifies nslookup answers, unknown names and a missing resolver', () => {
    const answer = 'Server:\t\t127.0.0.11\nAddress:\t127.0.0.11:53\n\nNon-authoritative answer:\nName:\tdb\nAddress: 172.19.0.3\n\nNon-authoritative answer:\n';
    expect(classifyDns({ exit: 0, text: answer })).to.deep.include({ outcome: 'ok', reach: 'reachable', addresses: ['172.19.0.3'] });
    expect(classifyDns({ exit: 143, text: 'Terminated' })).to.deep.include({ outcome: 'timeout', reach: 'blocked' });
    expect(classifyDns({ exit: 1, text: "nslookup: write to '127.0.0.1': Connection refused" })).to.deep.include({ outcome: 'refused', reach: 'blocked' });
    expect(classifyDns({ exit: 1, text: "** server can't find nosuch: NXDOMAIN" })).to.deep.include({ outcome: 'nxdomain', reach: 'blocked' });
    expect(classifyDns({ exit: 0, text: 'hosts-file 172.17.0.2' })).to.deep.include({ outcome: 'ok', addresses: ['172.17.0.2'] });
    expect(classifyDns({ exit: 127, text: 'sh: nslookup: not found' })).to.deep.include({ outcome: 'failed', reach: 'failed' });
  });

  it('classifies connections: a banner or a refusal proves the path, silence does not', () => {
    expect(classifyTcp({ exit: 0, text: 'cnl-ok db' })).to.deep.include({ outcome: 'ok', reach: 'reachable', answeredBy: 'db' });
    expect(classifyTcp({ exit: 1, text: '2026/11/23 10:46:20 socat[53] E connect(5, AF=2 172.19.0.4:81, 16): Connection refused' })).to.deep.include({ outcome: 'refused', reach: 'reachable', detail: 'connection refused' });
    expect(classifyTcp({ exit: 1, text: '2026/11/23 10:46:24 socat[20] E connecting to AF=2 172.19.0.4:80: Connection timed out' })).to.deep.include({ outcome: 'timeout', reach: 'blocked' });
    expect(classifyTcp({ exit: 1, text: '2026/11/23 10:46:25 socat[13] E connect(5, AF=2 172.19.0.4:80, 16): Network is unreachable' })).to.deep.include({
      outcome: 'timeout',
      reach: 'blocked',
      detail: 'connect(5, AF=2 172.19.0.4:80, 16): Network is unreachable',
    });
    expect(classifyTcp({ exit: 1, text: 'anything' }, 'host')).to.deep.include({ outcome: 'failed', reach: 'failed' });
    expect(classifyUdp({ exit: 0, text: 'cnl-ping 7' }, '7')).to.deep.include({ outcome: 'ok', reach: 'reachable' });
    expect(classifyUdp({ exit: 1, text: 'socat[65] E read(5, 0x5588d6226000, 8192): Connection refused' }, '7')).to.deep.include({ outcome: 'refused', reach: 'reachable' });
    expect(classifyUdp({ exit: 0, text: '' }, '7')).to.deep.include({ outcome: 'timeout', reach: 'blocked' });
  });

  it("splits the runner output by case and reads the engine's bind failures", () => {
    const raw = parseRunnerOutput('@@cnl c 0\ncnl-ok control\n\n@@cnl 1 143\nTerminated\n\n@@cnl 2 0\ncnl-ok web\n\n');
    expect(Object.fromEntries(raw)).to.deep.equal({ c: { exit: 0, text: 'cnl-ok control' }, 1: { exit: 143, text: 'Terminated' }, 2: { exit: 0, text: 'cnl-ok web' } });
    expect(bindFailure('driver failed programming external connectivity on endpoint td2 (ca4d): Bind for 0.0.0.0:18091 failed: port is already allocated')).to.deep.equal({ hostIp: '0.0.0.0', port: 18091, protocol: 'tcp' });
    expect(bindFailure('driver failed programming external connectivity on endpoint td3 (4ae2): Error starting userland proxy: listen tcp4 127.0.0.1:18091: bind: address already in use')).to.deep.equal({
      hostIp: '127.0.0.1',
      port: 18091,
      protocol: 'tcp',
    });
    expect(bindFailure('Error starting userland proxy: listen udp4 0.0.0.0:53: bind: address already in use')).to.deep.equal({ hostIp: '0.0.0.0', port: 53, protocol: 'udp' });
    expect(bindFailure('Error starting userland proxy: listen tcp4 10.99.0.5:80: bind: cannot assign requested address')).to.deep.equal({ hostIp: '10.99.0.5', port: 80, protocol: 'tcp' });
    expect(bindFailure('no such image')).to.equal(undefined);
    // "port is already allocated" names no protocol: the bindings asked for say which one it was
    const allocated = 'driver failed programming external connectivity on endpoint td4 (9f1c): Bind for 0.0.0.0:18092 failed: port is already allocated';
    expect(bindFailure(allocated, { '53/udp': [{ HostIp: '', HostPort: '18092' }], '80/tcp': [{ HostIp: '', HostPort: '18093' }] })).to.deep.equal({ hostIp: '0.0.0.0', port: 18092, protocol: 'udp' });
    expect(bindFailure(allocated, { '9000/udp': [{ HostIp: '0.0.0.0', HostPort: '18091-18093' }] })?.protocol).to.equal('udp');
    const both = { '53/udp': [{ HostIp: '', HostPort: '18092' }], '53/tcp': [{ HostIp: '', HostPort: '18092' }] };
    expect(bindFailure(allocated, both)?.protocol).to.equal('tcp');
    expect(bindFailure(allocated, both, new Set(['18092/tcp']))?.protocol).to.equal('udp');
  });
});
