import { expect } from 'chai';
import { buildGraph, parseEngine } from '../../lib/model';
import { loadProject } from '../../lib/source/project';
import { isLoopbackName, namesHinted } from '../../lib/model/loopback';
import { hostsIn } from '../../lib/model/references';
import { tempProject } from '../helpers/project';

const graphOf = (yaml: string) => buildGraph(loadProject({ cwd: tempProject({ 'compose.yaml': yaml }), env: {} }));
const names = (text: string, variable?: string) => hostsIn(text, variable).map((h) => `${h.name}${h.port === undefined ? '' : `:${h.port}`}@${h.start}-${h.end}`);

describe('loopback references', () => {
  it('finds loopback addresses where other addresses are left out; 0.0.0.0 only as the host of a URL', () => {
    expect(names('postgres://u@127.0.0.1:5432/x http://[::1]:9200 10.0.0.1:80')).to.deep.equal(['127.0.0.1:5432@13-22', '::1:9200@38-41']);
    expect(names('http://0.0.0.0:8080/ 0.0.0.0:9000')).to.deep.equal(['0.0.0.0:8080@7-14']);
    expect(names('127.0.0.1', 'DB_HOST')).to.deep.equal(['127.0.0.1@0-9']);
    expect(names('::1', 'DB_HOST')).to.deep.equal(['::1@0-3']);
    expect(names('0.0.0.0', 'HOST')).to.deep.equal([]);
  });

  it('knows the loopback names and the service names a variable or scheme hints at', () => {
    expect(['localhost', 'LOCALHOST', '127.0.0.53', '::1', '0.0.0.0', 'ip6-localhost'].every(isLoopbackName)).to.equal(true);
    expect(['localhost.example.com', '128.0.0.1', 'db'].some(isLoopbackName)).to.equal(false);
    expect(namesHinted('ORDERS_DB_HOST', 'postgres')).to.deep.equal(['orders_db', 'orders-db', 'orders', 'db', 'postgres']);
    expect(namesHinted('HOST', undefined)).to.deep.equal([]);
  });

  it('skips listen variables and the arguments a store command only stores', () => {
    const g = graphOf(
      'services:\n  init:\n    image: a\n    command: ["storeconfig", "--docker.endpoint=http://sock:2375", "--consul.endpoint=kv:8500"]\n    environment:\n      BIND_ADDRESS: 127.0.0.1:5432\n  put:\n    image: a\n    command: etcdctl --endpoints=http://kv:2379 put /cfg http://sock:2375\n  sock: {image: a}\n  kv: {image: a}\n',
    );
    expect(g.referencesFrom('init').map((r) => `${r.name}:${r.port} ${r.span.line}:${r.span.column}`)).to.deep.equal(['kv:8500 4:87']);
    expect(g.referencesFrom('put').map((r) => `${r.name}:${r.port} ${r.span.line}:${r.span.column}`)).to.deep.equal(['kv:2379 9:41']);
  });

  it('decides what loopback meant: the port, then the variable; its own namespace and the host network are right', () => {
    const g = graphOf(
      'services:\n  app:\n    image: a\n    expose: ["3000"]\n    environment:\n      SELF: http://localhost:3000\n      DB_HOST: localhost\n      API: http://localhost:18080\n      X: http://localhost:9999\n  side:\n    image: a\n    network_mode: service:app\n    environment: {U: "http://localhost:3000", APP_HOST: localhost}\n  db: {image: a}\n  api: {image: a, ports: ["18080:8080"]}\n  mon:\n    image: a\n    network_mode: host\n    environment: {U: "http://localhost:18080"}\n',
    );
    const meaning = (s: string) => g.referencesFrom(s).map((r) => g.loopback(r));
    expect(meaning('app')).to.deep.equal([{ kind: 'own' }, { kind: 'other', by: 'name', targets: ['db'] }, { kind: 'other', by: 'published', targets: ['api'], targetPort: 8080 }, { kind: 'unknown' }]);
    expect(meaning('side')).to.deep.equal([{ kind: 'own' }, { kind: 'own' }]);
    expect(meaning('mon')).to.deep.equal([{ kind: 'host' }]);
    expect(g.listensOn('side', 3000)).to.equal(true);
    expect(g.listensOn('api', 18080)).to.equal(false);
    expect(g.containerPortBehind('api', 18080)?.port).to.equal(8080);
  });
});

describe('host.docker.internal and the engine target', () => {
  const yaml = 'services:\n  app:\n    image: a\n    environment: {A: "http://host.docker.internal:80", B: "http://host.containers.internal:80"}\n  gw:\n    image: a\n    extra_hosts: ["host.docker.internal:host-gateway"]\n';
  const graphFor = (engine: string) => buildGraph(loadProject({ cwd: tempProject({ 'compose.yaml': yaml }), env: {} }), parseEngine(engine));

  it('resolves only through extra_hosts on a Linux Docker engine; Docker Desktop adds host.docker.internal, Podman host.containers.internal and from 4.7 both', () => {
    const answers = (engine: string) => ['host.docker.internal', 'host.containers.internal'].map((n) => graphFor(engine).hostInternalResolves('app', n));
    expect(answers('docker@20.10')).to.deep.equal([false, false]);
    expect(answers('docker@29.1+desktop')).to.deep.equal([true, false]);
    expect(answers('podman@5.2')).to.deep.equal([true, true]);
    expect(answers('podman@4.3')).to.deep.equal([false, true]);
    expect(graphFor('docker@29.1').hostInternalResolves('gw', 'HOST.docker.internal')).to.equal(true);
    expect(graphFor('docker@29.1').hostInternalResolves('app', 'db')).to.equal(undefined);
  });
});
