/**
 * `compose-netlint config`: expected values from compose-go (named in each case); the project is read through the
 * CLI with `--format json`, as a user would.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from '../../lib/cli/main';
import { formatConfig, loadProject, toConfig } from '../../lib';
import { here, tempProject } from '../helpers/project';

async function config(dir: string, args: string[] = [], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run(['config', ...args], { stdout: (t) => (out += t), stderr: (t) => (err += t), env, cwd: dir, isTty: false });
  return { code, out, err };
}
const json = async (dir: string, args: string[] = [], env: Record<string, string> = {}) => {
  const result = await config(dir, ['--format', 'json', ...args], env);
  expect(result.err).to.equal('');
  expect(result.code).to.equal(0);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the printed JSON is walked freely by the expectations
  return JSON.parse(result.out) as Record<string, any>;
};

describe('config command', () => {
  it('names networks and volumes and adds the implicit default network', async () => {
    // compose-go loader/normalize_test.go TestNormalizeNetworkNames and TestNormalizeVolumes (the project name is
    // normalised by the loader first: "myProject" is "myproject" in a full load, compose-go loader.go projectName)
    const dir = tempProject({
      'compose.yaml':
        'name: myProject\nservices:\n  foo:\n    build:\n      context: ./testdata\n      args:\n        FOO: null\n        ZOT: null\n' +
        'networks:\n  myExternalnet:\n    external: true\n  myNamedNet:\n    name: CustomName\n  mynet: {}\n' +
        'volumes:\n  myExternalVol:\n    external: true\n  myvol: {}\n  myNamedVol:\n    name: CustomName\n',
    });
    const out = await json(dir, [], { FOO: 'BAR' });
    expect(out.services).to.deep.equal({ foo: { build: { context: path.join(dir, 'testdata'), args: { FOO: 'BAR' }, dockerfile: 'Dockerfile' }, networks: { default: null } } });
    expect(out.networks).to.deep.equal({
      default: { name: 'myproject_default' },
      myExternalnet: { name: 'myExternalnet', external: true },
      myNamedNet: { name: 'CustomName' },
      mynet: { name: 'myproject_mynet' },
    });
    expect(out.volumes).to.deep.equal({ myExternalVol: { name: 'myExternalVol', external: true }, myNamedVol: { name: 'CustomName' }, myvol: { name: 'myproject_myvol' } });
  });

  it('adds the dependencies links, service: namespaces and volumes_from imply', async () => {
    // compose-go loader/normalize_test.go TestNormalizeDependsOn
    const dir = tempProject({
      'compose.yaml':
        'name: myProject\nservices:\n  foo:\n    depends_on:\n      bar:\n        condition: service_healthy\n        required: true\n        restart: true\n    network_mode: service:zot\n\n' +
        '  bar:\n    volumes_from:\n      - zot\n      - container:xxx\n\n  zot: {}\n',
    });
    const out = await json(dir);
    expect(out.services).to.deep.equal({
      bar: { depends_on: { zot: { condition: 'service_started', required: true, restart: false } }, networks: { default: null }, volumes_from: ['zot', 'container:xxx'] },
      foo: {
        depends_on: { bar: { condition: 'service_healthy', required: true, restart: true }, zot: { condition: 'service_started', required: true, restart: true } },
        network_mode: 'service:zot',
      },
      zot: { networks: { default: null } },
    });
    expect(out.networks).to.deep.equal({ default: { name: 'myproject_default' } });
  });

  it('prints ports in long syntax, a range as one entry per port, and depends_on lists as mappings', async () => {
    // compose-go transform/ports_test.go Test_transformPorts ("[]string"), Test_portDefaults; transform/dependson.go
    const dir = tempProject({
      'compose.yaml': 'services:\n  foo:\n    image: x\n    ports: ["127.0.0.1:8080:80", "127.0.0.1:8081:81", "9000-9001:90-91/udp", {target: 80, published: 8080}]\n    depends_on: [bar]\n  bar:\n    image: y\n',
    });
    const out = await json(dir);
    expect(out.services.foo.ports).to.deep.equal([
      { host_ip: '127.0.0.1', mode: 'ingress', protocol: 'tcp', published: '8080', target: 80 },
      { host_ip: '127.0.0.1', mode: 'ingress', protocol: 'tcp', published: '8081', target: 81 },
      { mode: 'ingress', protocol: 'udp', published: '9000', target: 90 },
      { mode: 'ingress', protocol: 'udp', published: '9001', target: 91 },
      { mode: 'ingress', protocol: 'tcp', published: '8080', target: 80 },
    ]);
    expect(out.services.foo.depends_on).to.deep.equal({ bar: { condition: 'service_started', required: true } });
  });

  it('resolves env_file into environment, environment winning, and prints extra_hosts sorted as host=ip', async () => {
    // compose-go types/project_test.go TestProject_WithServicesEnvironmentResolved ("service.environment has precedence
    // over env_file"); types/hostList.go MarshalJSON (AsList("="), sorted); loader/tests/extra_hosts_test.go
    const dir = tempProject({
      'compose.yaml': 'services:\n  base:\n    image: x\n    env_file: base.env\n    environment:\n      FOO: foo_from_environment\n    extra_hosts: ["myhost=0.0.0.1,0.0.0.2", "alpha:10.0.0.1"]\n',
      'base.env': 'FOO=foo_from_base.env\nZOT=zot_from_base.env\n',
    });
    const out = await json(dir);
    expect(out.services.base.environment).to.deep.equal({ FOO: 'foo_from_environment', ZOT: 'zot_from_base.env' });
    expect(out.services.base).not.to.have.property('env_file');
    expect(out.services.base.extra_hosts).to.deep.equal(['alpha=10.0.0.1', 'myhost=0.0.0.1', 'myhost=0.0.0.2']);
  });

  it('prints volumes in long syntax and makes relative paths absolute against the project directory', async () => {
    // compose-go format/volume_test.go TestParseVolumeRelativeBindMountWindows/TestParseVolumeShortVolumes (type,
    // source, target, read_only), format/volume.go populateType (`bind: {}` with create_host_path an OptOut omitted
    // when true since v2.10, `volume: {}`), loader/loader_test.go TestLoadBindMountWithSource (source "." is the
    // working directory), paths/home.go ExpandUser (`~` is HOME), paths/context.go (remote contexts kept)
    const dir = tempProject({
      'compose.yaml':
        'services:\n  web:\n    build: ./app\n    volumes:\n      - ./data:/data/:ro\n      - ~/cache:/cache\n      - logs:/var/log\n      - /tmp\n' +
        '      - /srv:/srv:z\n      - type: bind\n        source: .\n        target: /app\n  remote:\n    build: https://github.com/docker/rootfs.git\n' +
        'secrets:\n  token:\n    file: ./token.txt\nvolumes:\n  logs: {}\n',
    });
    const out = await json(dir);
    expect(out.services.web.build.context).to.equal(path.join(dir, 'app'));
    expect(out.services.remote.build.context).to.equal('https://github.com/docker/rootfs.git');
    expect(out.services.web.volumes).to.deep.equal([
      { type: 'bind', source: path.join(dir, 'data'), target: '/data', read_only: true, bind: {} },
      { type: 'bind', source: path.join(os.homedir(), 'cache'), target: '/cache', bind: {} },
      { type: 'volume', source: 'logs', target: '/var/log', volume: {} },
      { type: 'volume', target: '/tmp', volume: {} },
      '/srv:/srv:z',
      { type: 'bind', source: dir, target: '/app' },
    ]);
    expect(out.secrets.token.file).to.equal(path.join(dir, 'token.txt'));
  });

  it('leaves out services of inactive profiles', async () => {
    // compose-go loader/loader_test.go TestLoadWithProfiles semantics: a service with an inactive profile is disabled
    const dir = tempProject({ 'compose.yaml': 'services:\n  web:\n    image: a\n  debug:\n    image: b\n    profiles: [debug]\n' });
    expect(Object.keys((await json(dir)).services)).to.deep.equal(['web']);
    expect(Object.keys((await json(dir, ['--profile', 'debug'])).services)).to.deep.equal(['debug', 'web']);
  });

  it('--provenance gives each value its file, line and column, and the places it overrode', async () => {
    const dir = tempProject({
      'compose.yaml': 'name: shop\nservices:\n  web:\n    image: nginx:${TAG:-1.25}\n    ports: ["8080:80"]\n',
      'compose.override.yaml': 'services:\n  web:\n    image: nginx:1.27\n',
    });
    const out = await json(dir, ['--provenance']);
    expect(out.config.services.web.image).to.equal('nginx:1.27');
    expect(out.provenance['/services/web/image']).to.deep.equal({ file: 'compose.override.yaml', line: 3, column: 12, overrides: [{ file: 'compose.yaml', line: 4, column: 12 }] });
    expect(out.provenance['/services/web/ports/0/published']).to.deep.equal({ file: 'compose.yaml', line: 5, column: 13 });
    expect(out.provenance).not.to.have.property('/networks/default/name');
    const yaml = await config(dir, ['--provenance']);
    expect(yaml.out).to.include('    image: nginx:1.27 # compose.override.yaml:3:12 (overrides compose.yaml:4:12)\n');
    expect(yaml.out).to.include('  default:\n    name: shop_default\n');
  });

  it('refuses a project with load errors, printing them on stderr, and a bad format as a usage error', async () => {
    const dir = tempProject({ 'compose.yaml': 'include:\n  - compose.yaml\nservices: {a: {image: x}}\n' });
    const broken = await config(dir);
    expect(broken).to.deep.include({ code: 1, out: '' });
    expect(broken.err).to.match(/^compose\.yaml:2:5: error: include cycle detected/);
    const bad = await config(tempProject({ 'compose.yaml': 'services: {a: {image: x}}\n' }), ['--format', 'toml']);
    expect(bad).to.deep.include({ code: 2, out: '' });
    expect(bad.err).to.match(/unknown config format "toml"; use json or yaml/);
  });

  it('the library API gives the same project and provenance', () => {
    const dir = tempProject({ 'compose.yaml': 'services:\n  web:\n    image: a\n' });
    const project = loadProject({ cwd: dir, env: {} });
    const result = toConfig(project);
    expect(result.config).to.deep.equal({ name: 'proj', services: { web: { image: 'a', networks: { default: null } } }, networks: { default: { name: 'proj_default' } } });
    expect(result.provenance).to.deep.equal({ '/services/web/image': { file: 'compose.yaml', line: 3, column: 12 } });
    expect(JSON.parse(formatConfig(project, { format: 'json' }))).to.deep.equal(result.config);
    expect(formatConfig(project, { provenance: true })).to.include('    image: a # compose.yaml:3:12\n');
  });
});

describe('config in the README', () => {
  it('shows the output the CLI generates for examples/config with --provenance', async () => {
    const root = here('..');
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const block = /<!-- config-provenance:start -->\n```yaml\n([\s\S]*?)```\n<!-- config-provenance:end -->/.exec(readme);
    expect(block, 'README block').to.not.equal(null);
    let out = '';
    const code = await run(['config', 'examples/config', '--provenance'], { stdout: (t) => (out += t), stderr: () => {}, env: {}, cwd: root, isTty: false });
    expect(code).to.equal(0);
    expect(block![1]).to.equal(out);
  });
});
