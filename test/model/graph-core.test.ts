import { expect } from 'chai';
import { buildGraph, parseEngine } from '../../lib/model';
import { loadProject } from '../../lib/source/project';
import { tempProject } from '../helpers/project';

const graphOf = (files: Record<string, string>, options: Parameters<typeof loadProject>[0] = {}) => buildGraph(loadProject({ cwd: tempProject(files), env: {}, ...options }));
const resolved = (g: ReturnType<typeof graphOf>, source: string, name: string) => g.resolves(source, name).map((r) => `${r.service}@${r.network}`);

describe('graph predicates', () => {
  it('resolves service names, container names and aliases only on shared user-defined networks', () => {
    const g = graphOf({
      'compose.yaml': 'services:\n  web: {image: a, networks: [front]}\n  api: {image: a, networks: [front, back]}\n  db:\n    image: a\n    container_name: pg\n    networks:\n      back: {aliases: [database]}\nnetworks: {front: {}, back: {}}\n',
    });
    expect(resolved(g, 'api', 'db')).to.deep.equal(['db@back']);
    expect(resolved(g, 'api', 'pg')).to.deep.equal(['db@back']);
    expect(resolved(g, 'api', 'database')).to.deep.equal(['db@back']);
    expect(resolved(g, 'web', 'db')).to.deep.equal([]);
    expect(g.connected('web', 'api')).to.equal(true);
    expect(g.connected('web', 'db')).to.equal(false);
    expect(g.sharedNetworks('api', 'db')).to.deep.equal(['back']);
  });

  it('connects services on different networks by address only on an engine that isolates networks by name only (Podman before Netavark 2)', () => {
    const project = loadProject({
      cwd: tempProject({
        'compose.yaml':
          'services:\n  web: {image: a, networks: [front]}\n  db: {image: a}\n  cache: {image: a, networks: [hidden]}\n  vault: {image: a, networks: [locked]}\n' +
          'networks: {front: {}, hidden: {internal: true}, locked: {driver_opts: {isolate: strict}}}\n',
      }),
      env: {},
    });
    const podman = buildGraph(project, parseEngine('podman@5.2'));
    // db is on the implicit default network, a routed bridge too
    expect(podman.connected('web', 'db')).to.equal(true);
    expect(podman.connection('db', 'web')).to.deep.equal({ connected: true, why: 'no shared network; podman@5.2 routes between networks through the host' });
    // an internal network has no route off its subnet; netavark's isolate option keeps the network apart
    expect(podman.connected('web', 'cache')).to.equal(false);
    expect(podman.connected('web', 'vault')).to.equal(false);
    expect(podman.resolves('web', 'db')).to.deep.equal([]);
    for (const engine of ['podman@6.0', 'docker@20.10', 'docker@29.1']) expect(buildGraph(project, parseEngine(engine)).connected('web', 'db'), engine).to.equal(false);
  });

  it('puts services without networks, and with an empty networks list, on the default network', () => {
    const g = graphOf({ 'compose.yaml': 'services:\n  a: {image: x}\n  b: {image: x, networks: []}\n' });
    expect(resolved(g, 'a', 'b')).to.deep.equal(['b@default']);
    expect(g.networks.get('default')?.dockerName).to.equal('proj_default');
  });

  it('follows service: chains to the namespace owner and shares its networks and names', () => {
    const g = graphOf({
      'compose.yaml': 'services:\n  app: {image: a, networks: [back]}\n  proxy: {image: a, network_mode: "service:app"}\n  metrics: {image: a, network_mode: "service:proxy"}\n  db: {image: a, networks: [back]}\nnetworks: {back: {}}\n',
    });
    expect(g.namespace('metrics')).to.deep.include({ owner: 'app', joins: 'proxy' });
    expect(g.joinPath('metrics')).to.deep.equal(['metrics', 'proxy', 'app']);
    expect(resolved(g, 'metrics', 'db')).to.deep.equal(['db@back']);
    expect(resolved(g, 'db', 'metrics')).to.deep.equal([]);
    expect(g.connected('metrics', 'app')).to.equal(true);
    expect(g.connected('metrics', 'db')).to.equal(true);
    expect(g.ownAttachments('metrics')).to.deep.equal([]);
  });

  it('marks service: cycles and missing targets as broken', () => {
    const g = graphOf({ 'compose.yaml': 'services:\n  a: {image: x, network_mode: "service:b"}\n  b: {image: x, network_mode: "service:a"}\n  c: {image: x, network_mode: "service:nope"}\n' });
    expect(g.namespace('a').broken).to.equal('cycle');
    expect(g.namespace('c').broken).to.equal('missing');
    expect(g.resolves('a', 'b')).to.deep.equal([]);
  });

  it('resolves names on the default bridge only through links, for the linking service only', () => {
    const g = graphOf({
      'compose.yaml': 'services:\n  web: {image: a, network_mode: bridge, links: ["db:database"]}\n  db: {image: a, network_mode: bridge}\n  other: {image: a, network_mode: bridge}\n',
    });
    expect(resolved(g, 'web', 'database')).to.deep.equal(['db@bridge']);
    // Compose links container proj-db-1 as "database": /etc/hosts has no line for the service name
    expect(resolved(g, 'web', 'db')).to.deep.equal([]);
    expect(resolved(g, 'other', 'db')).to.deep.equal([]);
    expect(resolved(g, 'other', 'database')).to.deep.equal([]);
    expect(g.connected('web', 'other')).to.equal(true);
  });

  it('resolves a linked container_name on the default bridge as well as the link name', () => {
    const g = graphOf({
      'compose.yaml': 'services:\n  web: {image: a, network_mode: bridge, links: ["db:database", cache]}\n  db: {image: a, network_mode: bridge, container_name: pg}\n  cache: {image: a, network_mode: bridge}\n',
    });
    expect(resolved(g, 'web', 'pg')).to.deep.equal(['db@bridge']);
    expect(resolved(g, 'web', 'database')).to.deep.equal(['db@bridge']);
    expect(resolved(g, 'web', 'db')).to.deep.equal([]);
    expect(resolved(g, 'web', 'cache')).to.deep.equal(['cache@bridge']);
  });

  it('resolves nothing from host or none networking, and nothing on them by name', () => {
    const g = graphOf({ 'compose.yaml': 'services:\n  h: {image: a, network_mode: host}\n  n: {image: a, network_mode: none}\n  web: {image: a}\n' });
    expect(resolved(g, 'h', 'web')).to.deep.equal([]);
    expect(resolved(g, 'web', 'h')).to.deep.equal([]);
    expect(resolved(g, 'n', 'web')).to.deep.equal([]);
    expect(g.connected('web', 'n')).to.equal(false);
    expect(g.publishedOnHost('h')).to.deep.equal([]);
  });

  it('adds tasks.<service> in stack mode and ignores network_mode, container_name and links there', () => {
    const g = graphOf({ 'docker-stack.yml': 'services:\n  web: {image: a, network_mode: host, container_name: w}\n  db: {image: a, links: [web]}\n' }, { files: ['docker-stack.yml'] });
    expect(g.model.mode).to.equal('stack');
    expect(resolved(g, 'db', 'tasks.web')).to.deep.equal(['web@default']);
    expect(resolved(g, 'db', 'web')).to.deep.equal(['web@default']);
    expect(resolved(g, 'db', 'w')).to.deep.equal([]);
    expect(g.namespace('web')).to.deep.equal({ owner: 'web' });
    expect(g.networks.get('default')?.driver).to.equal('overlay');
  });

  it('keeps names that came from anchors, override files and interpolation, at their use sites', () => {
    const g = graphOf({
      'compose.yaml': 'x-net: &net\n  networks:\n    back: {aliases: [store]}\nservices:\n  db:\n    image: a\n    <<: *net\n  api:\n    image: a\n    networks: [back]\n    environment:\n      DB_HOST: "${DB_NAME}"\nnetworks: {back: {}}\n',
      'compose.override.yaml': 'services:\n  cache:\n    image: r\n    networks:\n      back: {aliases: [kv]}\n',
      '.env': 'DB_NAME=store\n',
    });
    const store = g.resolves('api', 'store')[0];
    expect(store.service).to.equal('db');
    expect(store.via.span).to.deep.include({ file: 'compose.yaml', line: 7 });
    expect(store.via.origin).to.deep.include({ file: 'compose.yaml', line: 3 });
    expect(g.resolves('api', 'kv')[0].via.span).to.deep.include({ file: 'compose.override.yaml', line: 5 });
    const ref = g.referencesFrom('api').find((r) => r.kind === 'environment')!;
    expect(ref).to.deep.include({ name: 'store', variable: 'DB_HOST' });
    expect(ref.span).to.deep.include({ file: 'compose.yaml', line: 12 });
  });

  it('records references from URLs, host:port pairs and host-named variables with their exact columns', () => {
    const g = graphOf({
      'compose.yaml': 'services:\n  api:\n    image: a\n    environment:\n      - DATABASE_URL=postgres://u@db:5432/x\n      - REDIS_HOST=cache\n    command: ["--upstream", "auth:9000"]\n  db: {image: a}\n  cache: {image: a}\n  auth: {image: a}\n',
    });
    const refs = g.referencesFrom('api').map((r) => `${r.kind} ${r.name}${r.port ? `:${r.port}` : ''} ${r.span.line}:${r.span.column}-${r.span.endColumn}`);
    expect(refs).to.deep.equal(['environment db:5432 5:35-37', 'environment cache 6:20-25', 'command auth:9000 7:30-34']);
  });

  it('reports publishedOnHost bindings with host IP, port and protocol, and none for joined namespaces', () => {
    const g = graphOf({ 'compose.yaml': 'services:\n  web: {image: a, ports: ["127.0.0.1:8080:80/udp", "9000"]}\n  side: {image: a, network_mode: "service:web"}\n' });
    const [bound] = g.publishedOnHost('web');
    expect(bound.hostIp?.value.text).to.equal('127.0.0.1');
    expect(bound.published?.value).to.deep.equal({ start: 8080, end: 8080 });
    expect(bound.protocol).to.equal('udp');
    expect(g.publishedOnHost('web')).to.have.length(1);
    expect(g.publishedOnHost('side')).to.deep.equal([]);
  });
});
