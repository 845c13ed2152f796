import { expect } from 'chai';
import { interpolateTree } from '../../lib/source/interpolate';
import { applyResets, mergeFiles, mergeService } from '../../lib/source/merge';
import { at, entry, toPlain, type MapNode, type Node } from '../../lib/source/tree';
import { parseYaml } from '../../lib/source/yaml';

function tree(file: string, text: string): MapNode {
  const parsed = parseYaml(file, text);
  expect(parsed.diagnostics, `${file} parses`).to.deep.equal([]);
  return parsed.documents[0] as MapNode;
}

function merge(base: string, override: string): MapNode {
  return mergeFiles(tree('base.yaml', base), tree('override.yaml', override));
}

/** The plain value of `services.web.<key>` after merging two one-service files. */
function web(key: string, base: unknown, override: unknown): unknown {
  const text = (value: unknown): string => `services:\n  web:\n    ${key}: ${JSON.stringify(value)}\n`;
  return plainAt(merge(text(base), text(override)), ['services', 'web', key]);
}

function plainAt(root: Node, path: (string | number)[]): unknown {
  const node = at(root, path);
  return node === undefined ? undefined : toPlain(node);
}

function where(node: Node | undefined): string {
  expect(node, 'node exists').to.not.equal(undefined);
  return `${node!.span.file}:${node!.span.line}`;
}

describe('mergeFiles', () => {
  describe('services.*.ports', () => {
    const cases: [string, unknown[], unknown[], unknown[]][] = [
      ['appends new ports', ['8080:80'], ['9090:90'], ['8080:80', '9090:90']],
      ['drops an identical port', ['8080:80', '9090:90'], ['8080:80', '7070:70'], ['8080:80', '9090:90', '7070:70']],
      ['dedups the long form of the same port', ['8080:80'], [{ target: 80, published: 8080 }], [{ target: 80, published: 8080 }]],
      ['dedups the explicit defaults', ['8080:80'], ['0.0.0.0:8080:80/tcp'], ['0.0.0.0:8080:80/tcp']],
      ['dedups a number and its string', [80], ['80'], ['80']],
      ['keeps another host address', ['8080:80'], ['127.0.0.1:8080:80'], ['8080:80', '127.0.0.1:8080:80']],
      ['keeps another protocol', ['53:53'], ['53:53/udp'], ['53:53', '53:53/udp']],
      ['keeps another host port', ['8080:80'], ['8081:80'], ['8080:80', '8081:80']],
      ['dedups IPv6 with brackets', ['[::1]:8080:80'], [{ target: 80, published: '8080', host_ip: '::1' }], [{ target: 80, published: '8080', host_ip: '::1' }]],
      ['dedups identical ranges', ['8000-8001:80-81'], ['8000-8001:80-81'], ['8000-8001:80-81']],
    ];
    for (const [name, base, override, expected] of cases) {
      it(name, () => expect(web('ports', base, override)).to.deep.equal(expected));
    }

    it('keeps the base node of a dropped identical port, and the override node of a port it replaces', () => {
      const base = 'services:\n  web:\n    ports:\n      - "8080:80"\n      - "9090:90"\n';
      const override = 'services:\n  web:\n    ports:\n      - "8080:80"\n      - target: 90\n        published: 9090\n';
      const root = merge(base, override);
      expect(where(at(root, ['services', 'web', 'ports', 0]))).to.equal('base.yaml:4');
      expect(where(at(root, ['services', 'web', 'ports', 1]))).to.equal('override.yaml:5');
    });

    it('collapses duplicates within one file too', () => {
      expect(plainAt(applyResets(tree('one.yaml', 'services: {web: {ports: ["80:80", "80:80", "81:81"]}}')), ['services', 'web', 'ports'])).to.deep.equal(['80:80', '81:81']);
    });
  });

  describe('services.*.networks', () => {
    const cases: [string, unknown, unknown, unknown][] = [
      ['list over list', ['front', 'back'], ['front'], { front: null, back: null }],
      ['map over list', ['front', 'back'], { front: { aliases: ['web'] } }, { front: { aliases: ['web'] }, back: null }],
      ['list over map', { front: { aliases: ['web'] } }, ['back'], { front: { aliases: ['web'] }, back: null }],
      ['null over map keeps the base', { front: { ipv4_address: '10.0.0.2' } }, { front: null }, { front: { ipv4_address: '10.0.0.2' } }],
      [
        'map over map merges each network',
        { front: { aliases: ['a', 'b'], ipv4_address: '10.0.0.2' }, back: { aliases: ['a'] } },
        { front: { aliases: ['c', 'a'], ipv4_address: '10.0.0.3' } },
        { front: { aliases: ['a', 'b', 'c'], ipv4_address: '10.0.0.3' }, back: { aliases: ['a'] } },
      ],
    ];
    for (const [name, base, override, expected] of cases) {
      it(name, () => expect(web('networks', base, override)).to.deep.equal(expected));
    }

    it('puts a network from a list item at that item', () => {
      const root = merge('services:\n  web:\n    networks:\n      - front\n      - back\n', 'services:\n  web:\n    networks:\n      front:\n        aliases: [w]\n');
      const networks = at(root, ['services', 'web', 'networks']) as MapNode;
      expect(networks.entries.get('back')!.keySpan).to.deep.include({ file: 'base.yaml', line: 5 });
      expect(networks.entries.get('front')!.keySpan).to.deep.include({ file: 'override.yaml', line: 4 });
      expect(where(at(networks, ['front', 'aliases', 0]))).to.equal('override.yaml:5');
    });
  });

  describe('services.*.environment and other KEY=VALUE attributes', () => {
    const cases: [string, string, unknown, unknown, unknown][] = [
      ['list over list replaces by key', 'environment', ['A=1', 'B=2'], ['B=3', 'C=4'], ['A=1', 'B=3', 'C=4']],
      ['a bare name replaces a value', 'environment', ['A=1'], ['A'], ['A']],
      ['map over map', 'environment', { A: '1', B: '2' }, { B: '3', C: null }, { A: '1', B: '3', C: null }],
      ['map over list', 'environment', ['A=1', 'B=2'], { B: '3' }, { A: '1', B: '3' }],
      ['list over map', 'environment', { A: '1', B: '2' }, ['B=3', 'C'], { A: '1', B: '3', C: null }],
      ['null over list keeps the base', 'environment', ['A=1'], null, ['A=1']],
      ['labels', 'labels', ['traefik.enable=true'], { 'traefik.enable': 'false' }, { 'traefik.enable': 'false' }],
      ['sysctls', 'sysctls', { 'net.core.somaxconn': 1024 }, ['net.core.somaxconn=2048'], { 'net.core.somaxconn': '2048' }],
    ];
    for (const [name, key, base, override, expected] of cases) {
      it(name, () => expect(web(key, base, override)).to.deep.equal(expected));
    }

    it('keeps key and value spans of map entries and places list entries at their item', () => {
      const root = merge('services:\n  web:\n    environment:\n      - A=1\n      - B=2\n', 'services:\n  web:\n    environment:\n      B: 3\n');
      const environment = at(root, ['services', 'web', 'environment']) as MapNode;
      expect(environment.entries.get('A')!.keySpan).to.deep.include({ file: 'base.yaml', line: 4 });
      expect(where(environment.entries.get('A')!.value)).to.equal('base.yaml:4');
      expect(environment.entries.get('B')!.keySpan).to.deep.include({ file: 'override.yaml', line: 4, column: 7 });
      expect(environment.entries.get('B')!.value.span).to.deep.include({ file: 'override.yaml', line: 4, column: 10 });
    });
  });

  describe('sequences and scalars', () => {
    const cases: [string, string, unknown, unknown, unknown][] = [
      ['command is overridden', 'command', ['echo', 'a'], ['echo', 'b'], ['echo', 'b']],
      ['entrypoint is overridden', 'entrypoint', ['/bin/sh', '-c'], ['/init'], ['/init']],
      ['healthcheck.test is overridden, the rest merged', 'healthcheck', { test: ['CMD', 'a'], interval: '5s' }, { test: ['CMD', 'b'] }, { test: ['CMD', 'b'], interval: '5s' }],
      ['dns appends without duplicates', 'dns', ['1.1.1.1'], ['8.8.8.8', '1.1.1.1'], ['1.1.1.1', '8.8.8.8']],
      ['dns as one string', 'dns', '1.1.1.1', '8.8.8.8', ['1.1.1.1', '8.8.8.8']],
      ['extra_hosts appends without duplicates', 'extra_hosts', ['db:10.0.0.5'], ['db:10.0.0.5', 'cache:10.0.0.6'], ['db:10.0.0.5', 'cache:10.0.0.6']],
      ['extra_hosts map form becomes K=V items', 'extra_hosts', ['db:10.0.0.5'], { cache: '10.0.0.6' }, ['db:10.0.0.5', 'cache=10.0.0.6']],
      ['expose dedups a number and its string', 'expose', [80], ['80', '443'], ['80', '443']],
      ['cap_add appends', 'cap_add', ['NET_ADMIN'], ['NET_RAW', 'NET_ADMIN'], ['NET_ADMIN', 'NET_RAW']],
      ['volumes dedup by target', 'volumes', ['data:/data', './conf:/etc/app:ro'], [{ type: 'volume', source: 'other', target: '/data' }], [{ type: 'volume', source: 'other', target: '/data' }, './conf:/etc/app:ro']],
      ['volumes keep a Windows drive in the source', 'volumes', ['C:\\data:/data'], ['D:\\data:/data'], ['D:\\data:/data']],
      ['scalars are overridden', 'image', 'nginx:1', 'nginx:2', 'nginx:2'],
      ['a null scalar keeps the base', 'image', 'nginx:1', null, 'nginx:1'],
      ['depends_on list over map gets the defaults', 'depends_on', { db: { condition: 'service_healthy' } }, ['cache'], { db: { condition: 'service_healthy' }, cache: { condition: 'service_started', required: true } }],
      ['depends_on map over list', 'depends_on', ['db'], { db: { condition: 'service_healthy' } }, { db: { condition: 'service_healthy', required: true } }],
      ['build string over map', 'build', { context: '.', dockerfile: 'Dockerfile.dev' }, './app', { context: './app', dockerfile: 'Dockerfile.dev' }],
      ['build args', 'build', { context: '.', args: ['A=1'] }, { args: { A: '2', B: '3' } }, { context: '.', args: { A: '2', B: '3' } }],
      ['logging with the same driver merges options', 'logging', { driver: 'json-file', options: { 'max-size': '1m' } }, { driver: 'json-file', options: { 'max-file': '3' } }, { driver: 'json-file', options: { 'max-size': '1m', 'max-file': '3' } }],
      ['logging with another driver replaces', 'logging', { driver: 'json-file', options: { 'max-size': '1m' } }, { driver: 'syslog', options: { tag: 'x' } }, { driver: 'syslog', options: { tag: 'x' } }],
      ['logging without a driver merges', 'logging', { driver: 'json-file', options: { 'max-size': '1m' } }, { options: { 'max-size': '2m' } }, { driver: 'json-file', options: { 'max-size': '2m' } }],
      ['ulimits merge soft and hard', 'ulimits', { nofile: { soft: 1, hard: 2 }, nproc: 5 }, { nofile: { soft: 3 }, nproc: { soft: 6 } }, { nofile: { soft: 3, hard: 2 }, nproc: { soft: 6 } }],
    ];
    for (const [name, key, base, override, expected] of cases) {
      it(name, () => expect(web(key, base, override)).to.deep.equal(expected));
    }

    it('merges x- extensions like any mapping', () => {
      expect(toPlain(merge('x-common: {a: 1, b: 2}\n', 'x-common: {b: 3}\n'))).to.deep.equal({ 'x-common': { a: 1, b: 3 } });
    });

    it('adds services and keys the base lacks', () => {
      expect(toPlain(merge('services: {web: {image: a}}\n', 'services: {db: {image: b}}\nnetworks: {front: {}}\n'))).to.deep.equal({
        services: { web: { image: 'a' }, db: { image: 'b' } },
        networks: { front: {} },
      });
    });
  });

  describe('networks.*.ipam.config', () => {
    const ipam = (config: unknown[]): string => `networks:\n  front:\n    ipam:\n      config: ${JSON.stringify(config)}\n`;
    const cases: [string, unknown[], unknown[], unknown[]][] = [
      ['merges configs of the same subnet', [{ subnet: '10.0.0.0/24', gateway: '10.0.0.1' }], [{ subnet: '10.0.0.0/24', ip_range: '10.0.0.128/25' }], [{ subnet: '10.0.0.0/24', gateway: '10.0.0.1', ip_range: '10.0.0.128/25' }]],
      ['replaces a config of another subnet', [{ subnet: '10.0.0.0/24', gateway: '10.0.0.1' }], [{ subnet: '10.1.0.0/24' }], [{ subnet: '10.1.0.0/24' }]],
      [
        'keeps only base configs an override config matches',
        [{ subnet: '10.0.0.0/24' }, { subnet: 'fd00::/64', gateway: 'fd00::1' }],
        [{ subnet: 'fd00::/64', ip_range: 'fd00::/80' }],
        [{ subnet: 'fd00::/64', gateway: 'fd00::1', ip_range: 'fd00::/80' }],
      ],
      [
        'adds override configs in their order',
        [{ subnet: '10.0.0.0/24', gateway: '10.0.0.1' }],
        [{ subnet: 'fd00::/64' }, { subnet: '10.0.0.0/24', gateway: '10.0.0.254' }],
        [{ subnet: 'fd00::/64' }, { subnet: '10.0.0.0/24', gateway: '10.0.0.254' }],
      ],
    ];
    for (const [name, base, override, expected] of cases) {
      it(name, () => expect(plainAt(merge(ipam(base), ipam(override)), ['networks', 'front', 'ipam', 'config'])).to.deep.equal(expected));
    }

    it('keeps spans of base and override keys in a merged config', () => {
      const base = 'networks:\n  front:\n    ipam:\n      config:\n        - subnet: 10.0.0.0/24\n          gateway: 10.0.0.1\n';
      const override = 'networks:\n  front:\n    ipam:\n      driver: default\n      config:\n        - subnet: 10.0.0.0/24\n          ip_range: 10.0.0.128/25\n';
      const config = at(merge(base, override), ['networks', 'front', 'ipam', 'config', 0]);
      expect(where(at(config, ['gateway']))).to.equal('base.yaml:6');
      expect(where(at(config, ['ip_range']))).to.equal('override.yaml:7');
      expect(where(at(config, ['subnet']))).to.equal('override.yaml:6');
    });
  });

  describe('!reset and !override', () => {
    const base = 'services:\n  web:\n    image: nginx\n    ports: ["80:80"]\n    networks: [front, back]\n    environment: {A: "1"}\n  db:\n    image: postgres\n';
    const cases: [string, string, unknown][] = [
      ['!reset removes a key', 'services:\n  web:\n    ports: !reset []\n', { image: 'nginx', networks: ['front', 'back'], environment: { A: '1' } }],
      ['!reset with a null value', 'services:\n  web:\n    ports: !reset\n', { image: 'nginx', networks: ['front', 'back'], environment: { A: '1' } }],
      ['!reset drops the override value too', 'services:\n  web:\n    environment: !reset {B: "2"}\n', { image: 'nginx', ports: ['80:80'], networks: ['front', 'back'] }],
      ['!override replaces instead of appending', 'services:\n  web:\n    ports: !override ["8080:80"]\n', { image: 'nginx', ports: ['8080:80'], networks: ['front', 'back'], environment: { A: '1' } }],
      ['!override keeps the override form', 'services:\n  web:\n    networks: !override {back: {aliases: [w]}}\n', { image: 'nginx', ports: ['80:80'], networks: { back: { aliases: ['w'] } }, environment: { A: '1' } }],
      ['!override keeps a !reset inside it', 'services:\n  web:\n    environment: !override {B: !reset "2"}\n', { image: 'nginx', ports: ['80:80'], networks: ['front', 'back'], environment: { B: '2' } }],
      ['!reset of a key the base lacks', 'services:\n  web:\n    dns: !reset []\n', { image: 'nginx', ports: ['80:80'], networks: ['front', 'back'], environment: { A: '1' } }],
    ];
    for (const [name, override, expected] of cases) {
      it(name, () => expect(plainAt(merge(base, override), ['services', 'web'])).to.deep.equal(expected));
    }

    it('!reset removes a whole service', () => {
      expect(plainAt(merge(base, 'services:\n  db: !reset {}\n'), ['services'])).to.have.all.keys('web');
    });

    it('leaves no tag in the result', () => {
      const root = merge(base, 'services:\n  web:\n    ports: !override ["8080:80"]\n');
      expect(at(root, ['services', 'web', 'ports'])!.tag).to.equal(undefined);
    });

    it('applyResets removes !reset keys and strips tags in a lone file', () => {
      const root = applyResets(tree('one.yaml', 'services:\n  web:\n    image: nginx\n    dns: !reset ["1.1.1.1"]\n    ports: !override ["80:80"]\n'));
      expect(toPlain(root)).to.deep.equal({ services: { web: { image: 'nginx', ports: ['80:80'] } } });
      expect(at(root, ['services', 'web', 'ports'])!.tag).to.equal(undefined);
    });

    it('applies the tags of a base that was not passed through applyResets', () => {
      const root = mergeFiles(tree('base.yaml', 'services:\n  web:\n    image: a\n    dns: !reset ["1.1.1.1"]\n'), tree('override.yaml', 'services:\n  web:\n    image: b\n'));
      expect(toPlain(root)).to.deep.equal({ services: { web: { image: 'b' } } });
    });
  });

  describe('positions', () => {
    const base = 'services:\n  web:\n    image: nginx\n    ports:\n      - "80:80"\n    networks:\n      front: {}\n  db:\n    image: postgres\n';
    const override = 'services:\n  web:\n    image: nginx:2\n    ports:\n      - "443:443"\n';
    const root = merge(base, override);

    it('a value from the override keeps the override span', () => {
      expect(where(at(root, ['services', 'web', 'image']))).to.equal('override.yaml:3');
      expect(where(at(root, ['services', 'web', 'ports', 1]))).to.equal('override.yaml:5');
    });

    it('an untouched base value keeps the base span', () => {
      expect(where(at(root, ['services', 'web', 'ports', 0]))).to.equal('base.yaml:5');
      expect(where(at(root, ['services', 'web', 'networks']))).to.equal('base.yaml:7');
      expect(where(at(root, ['services', 'db', 'image']))).to.equal('base.yaml:9');
      expect(entry(at(root, ['services']), 'db')!.keySpan).to.deep.include({ file: 'base.yaml', line: 8 });
    });

    it('a merged key takes the override key span', () => {
      expect(entry(at(root, ['services']), 'web')!.keySpan).to.deep.include({ file: 'override.yaml', line: 2 });
      expect(entry(at(root, ['services', 'web']), 'ports')!.keySpan).to.deep.include({ file: 'override.yaml', line: 4 });
      expect(entry(at(root, ['services', 'web']), 'networks')!.keySpan).to.deep.include({ file: 'base.yaml', line: 6 });
    });

    it('keeps the origin of values brought in by an anchor', () => {
      const withAnchor = 'x-ports: &ports ["8080:80"]\nservices:\n  web:\n    ports: *ports\n';
      const port = at(merge(withAnchor, 'services:\n  web:\n    image: a\n'), ['services', 'web', 'ports', 0])!;
      expect(port.span).to.deep.include({ file: 'base.yaml', line: 4 });
      expect(port.origin).to.deep.include({ file: 'base.yaml', line: 1 });
    });
  });

  describe('values that depend on an unset variable', () => {
    const unset = (file: string, text: string): MapNode => {
      const root = tree(file, text);
      interpolateTree(root, () => undefined, []);
      return root;
    };
    const mergeUnset = (key: string, base: unknown[], override: unknown[]): unknown => {
      const text = (value: unknown[]): string => `services:\n  web:\n    ${key}: ${JSON.stringify(value)}\n`;
      return plainAt(mergeFiles(unset('base.yaml', text(base)), unset('override.yaml', text(override))), ['services', 'web', key]);
    };
    const cases: [string, string, unknown[], unknown[], unknown[]][] = [
      // interpolated, "${A}:80" reads ":80", which is the port "80" published on an ephemeral host port
      ['a port is not the port its empty value would be', 'ports', ['${A}:80'], ['80'], [':80', '80']],
      ['two unknown dns servers are not identical', 'dns', ['${DNS1}'], ['${DNS2}'], ['', '']],
      ['the same source text is the same value', 'ports', ['${P}:80'], ['${P}:80'], [':80']],
      ['a known key still replaces an entry', 'environment', ['A=${X}', 'B=1'], ['A=2'], ['A=2', 'B=1']],
    ];
    for (const [name, key, base, override, expected] of cases) {
      it(name, () => expect(mergeUnset(key, base, override)).to.deep.equal(expected));
    }

    it('keeps a value unknown when its entry changes form', () => {
      const root = mergeFiles(unset('base.yaml', 'services:\n  web:\n    environment: ["A=${X}"]\n'), unset('override.yaml', 'services:\n  web:\n    environment: {B: "1"}\n'));
      expect(at(root, ['services', 'web', 'environment', 'A'])).to.deep.include({ value: '', unknown: true, raw: '${X}' });
    });
  });

  it('does not mutate its inputs', () => {
    const base = tree('base.yaml', 'services:\n  web:\n    ports: ["80:80"]\n    networks: [front]\n    environment: [A=1]\n');
    const override = tree('override.yaml', 'services:\n  web:\n    ports: ["443:443"]\n    networks: {back: {}}\n    environment: {B: "2"}\n    dns: !reset []\n');
    const before = [structuredClone(base), structuredClone(override)];
    const root = mergeFiles(base, override);
    expect([base, override]).to.deep.equal(before);
    (at(root, ['services', 'web', 'ports']) as { items: unknown[] }).items.push('x');
    expect(toPlain(at(base, ['services', 'web', 'ports'])!)).to.deep.equal(['80:80']);
  });
});

describe('mergeService', () => {
  const base = tree('base.yaml', 'image: nginx\ncommand: [a]\nports: ["80:80"]\nnetworks: [front]\nenvironment: [A=1]\n');

  it('merges with the rules of services.*', () => {
    const override = tree('web.yaml', 'command: [b]\nports: ["80:80", "443:443"]\nnetworks: {back: {}}\nenvironment: [A=2]\n');
    expect(toPlain(mergeService(base, override))).to.deep.equal({
      image: 'nginx',
      command: ['b'],
      ports: ['80:80', '443:443'],
      networks: { front: null, back: {} },
      environment: ['A=2'],
    });
  });

  it('applies !reset and !override of the extending service', () => {
    const override = tree('web.yaml', 'ports: !reset []\nnetworks: !override [back]\n');
    expect(toPlain(mergeService(base, override))).to.deep.equal({ image: 'nginx', command: ['a'], networks: ['back'], environment: ['A=1'] });
  });
});
