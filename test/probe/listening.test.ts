import { expect } from 'chai';
import { buildGraph } from '../../lib/model';
import { socketFindings, type NamespaceSockets } from '../../lib/probe/listening';
import type { Listener } from '../../lib/probe/sockets';
import { loadProject } from '../../lib/source/project';
import { tempProject } from '../helpers/project';

const COMPOSE = [
  'services:',
  '  api:',
  '    image: app',
  '    ports:',
  '      - "8080:8080"',
  '    expose:',
  '      - "7070"',
  '  web:',
  '    image: app',
  '    environment:',
  '      API_URL: http://api:8080',
  '      CACHE_ADDR: cache:6379',
  '  cache:',
  '    image: app',
  '',
].join('\n');

const graph = buildGraph(loadProject({ cwd: tempProject({ 'compose.yaml': COMPOSE }), env: {} }));
const tcp = (address: string, port: number, scope: Listener['scope']): Listener => ({ protocol: 'tcp', address, port, scope });
/** Docker's embedded DNS, which listens in every container on a user-defined network */
const DNS = [tcp('127.0.0.11', 37791, 'loopback'), { protocol: 'udp', address: '127.0.0.11', port: 52843, scope: 'loopback' } as Listener];

function lines(tables: Record<string, Listener[]>): string[] {
  const map = new Map<string, NamespaceSockets>(Object.entries(tables).map(([s, listeners]) => [s, { container: `p-${s}-1`, listeners: [...listeners, ...DNS] }]));
  return socketFindings(graph, map).map(({ finding: f }) => `${f.line}:${f.column}-${f.endLine}:${f.endColumn} ${f.severity} ${f.ruleId} ${f.service}: ${f.message}`);
}

describe('probe: findings from the socket tables', () => {
  it('a loopback-only listener: at the ports entry and at the reference that calls it', () => {
    expect(lines({ api: [tcp('127.0.0.1', 8080, 'loopback'), tcp('0.0.0.0', 7070, 'any')], cache: [tcp('0.0.0.0', 6379, 'any')] })).to.deep.equal([
      '5:9-5:20 error probe-loopback-listener api: "api" listens on port 8080/tcp only on loopback (127.0.0.1:8080/tcp) in "api" (container "p-api-1"), so the published port is refused: the engine forwards to the container\'s own address. make the application bind 0.0.0.0 (or ::)',
      '11:23-11:26 error probe-loopback-listener web: "web" calls "api:8080", but "api" listens on port 8080 only on loopback (127.0.0.1:8080/tcp) in "api" (container "p-api-1"): connections from other containers are refused. make the application bind 0.0.0.0 (or ::)',
    ]);
  });

  it('nothing listening: at the ports entry, the expose entry and the reference', () => {
    expect(lines({ api: [], cache: [tcp('0.0.0.0', 6379, 'any')] })).to.deep.equal([
      '5:9-5:20 error probe-no-listener api: nothing listens on port 8080/tcp in "api" (container "p-api-1"), which this ports entry publishes: the host and the other services are refused. make the application listen on 8080 or change the entry',
      '7:9-7:15 warning probe-no-listener api: nothing listens on port 7070/tcp in "api" (container "p-api-1"), which "expose" declares. make the application listen on 7070 or remove it from "expose"',
      '11:23-11:26 error probe-no-listener web: "web" calls "api:8080", but nothing listens on port 8080 in "api" (container "p-api-1"): the connection is refused. make the application listen on 8080 or fix the reference',
    ]);
  });

  it('a listener on a port nobody declares while a neighbour calls another: names the listening port', () => {
    expect(lines({ api: [tcp('0.0.0.0', 8080, 'any'), tcp('0.0.0.0', 7070, 'any')], cache: [tcp('::', 6380, 'any')] })).to.deep.equal([
      '12:19-12:24 error probe-other-port web: "web" calls "cache:6379", but nothing listens on port 6379 in "cache" (container "p-cache-1"); it listens on 6380/tcp, which nobody declares. point the reference at 6380 or make the application listen on 6379',
    ]);
  });

  it('listeners on every address where they are declared and called: nothing to report; services whose table was not read are not judged', () => {
    expect(lines({ api: [tcp('::', 8080, 'any'), tcp('0.0.0.0', 7070, 'any')], cache: [tcp('0.0.0.0', 6379, 'any')] })).to.deep.equal([]);
    expect(lines({})).to.deep.equal([]);
  });
});
