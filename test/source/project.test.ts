import { expect } from 'chai';
import * as path from 'node:path';
import { InputError } from '../../lib/source/diagnostic';
import { loadProject, normaliseProjectName } from '../../lib/source/project';
import { at, get, isMap, toPlain, type MapNode } from '../../lib/source/tree';
import { tempProject } from '../helpers/project';

const load = (dir: string, options: Parameters<typeof loadProject>[0] = {}) => loadProject({ cwd: dir, env: {}, ...options });
const services = (root: MapNode) => toPlain(get(root, 'services')!) as Record<string, Record<string, unknown>>;

describe('loadProject', () => {
  describe('file discovery', () => {
    it('reads compose.yaml and its compose.override.yaml, in that order', () => {
      const dir = tempProject({
        'compose.yaml': 'services:\n  web:\n    image: a\n    ports: ["80:80"]\n',
        'compose.override.yaml': 'services:\n  web:\n    ports: ["443:443"]\n',
      });
      const p = load(dir);
      expect(p.files).to.deep.equal(['compose.yaml', 'compose.override.yaml']);
      expect(services(p.root).web.ports).to.deep.equal(['80:80', '443:443']);
    });

    it('prefers compose.yaml over docker-compose.yml and finds files in a parent directory', () => {
      const dir = tempProject({ 'compose.yaml': 'services: {a: {image: x}}\n', 'docker-compose.yml': 'services: {b: {image: x}}\n', 'sub/deeper/.keep': '' });
      const p = load(path.join(dir, 'sub', 'deeper'));
      expect(Object.keys(services(p.root))).to.deep.equal(['a']);
      expect(p.directory).to.equal(dir);
    });

    it('throws an InputError naming the directory when no Compose file exists', () => {
      const dir = tempProject({ 'README.md': 'x' });
      expect(() => load(dir, { cwd: dir })).to.throw(InputError, /no Compose file found in .*; pass one with -f/);
    });

    it('honours COMPOSE_FILE with COMPOSE_PATH_SEPARATOR, from the environment or from .env', () => {
      const dir = tempProject({
        'base.yaml': 'services: {web: {image: a}}\n',
        'extra.yaml': 'services: {db: {image: b}}\n',
        '.env': 'COMPOSE_FILE=base.yaml;extra.yaml\nCOMPOSE_PATH_SEPARATOR=;\n',
      });
      expect(Object.keys(services(load(dir).root))).to.deep.equal(['web', 'db']);
      const fromEnv = load(dir, { env: { COMPOSE_FILE: 'extra.yaml' } });
      expect(Object.keys(services(fromEnv.root))).to.deep.equal(['db']);
    });

    it('merges -f files in order: ports appended, networks merged by key, !reset removes', () => {
      const dir = tempProject({
        'a.yaml': 'services:\n  web:\n    image: a\n    ports: ["80:80"]\n    networks:\n      front: {aliases: [w]}\n    dns: [1.1.1.1]\nnetworks: {front: {}, back: {}}\n',
        'b.yaml': 'services:\n  web:\n    ports: ["81:81"]\n    networks:\n      back: {}\n    dns: !reset []\n',
      });
      const p = load(dir, { files: ['a.yaml', 'b.yaml'] });
      const web = services(p.root).web;
      expect(web.ports).to.deep.equal(['80:80', '81:81']);
      expect(web.networks).to.deep.equal({ front: { aliases: ['w'] }, back: {} });
      expect(web).not.to.have.property('dns');
    });
  });

  describe('environment and interpolation', () => {
    const compose = 'services:\n  web:\n    image: "app:${TAG}"\n    ports: ["${PORT:-8080}:80"]\n';
    it('takes the process environment over .env', () => {
      const dir = tempProject({ 'compose.yaml': compose, '.env': 'TAG=from-dotenv\nPORT=9000\n' });
      expect(services(load(dir).root).web).to.deep.equal({ image: 'app:from-dotenv', ports: ['9000:80'] });
      expect(services(load(dir, { env: { TAG: 'from-env' } }).root).web.image).to.equal('app:from-env');
    });

    it('replaces .env with --env-file files, the later one winning', () => {
      const dir = tempProject({ 'compose.yaml': compose, '.env': 'TAG=dotenv\n', 'one.env': 'TAG=one\nPORT=1\n', 'two.env': 'PORT=2\n' });
      const web = services(load(dir, { envFiles: ['one.env', 'two.env'] }).root).web;
      expect(web).to.deep.equal({ image: 'app:one', ports: ['2:80'] });
    });

    it('marks a value whose variable is unset as unknown and reports ${VAR:?err} at its position', () => {
      const dir = tempProject({ 'compose.yaml': 'services:\n  web:\n    image: "app:${TAG}"\n    hostname: "${HOST:?set HOST}"\n' });
      const p = load(dir);
      const image = at(p.root, ['services', 'web', 'image']);
      expect(image).to.include({ kind: 'scalar', unknown: true });
      const d = p.diagnostics.find((x) => x.ruleId === 'compose-load')!;
      expect(d.message)
        .to.match(/HOST/)
        .and.match(/set HOST/);
      expect(d.span).to.deep.include({ file: 'compose.yaml', line: 4, column: 15 });
    });
  });

  describe('extends', () => {
    it('merges the base service from the same file and from another file', () => {
      const dir = tempProject({
        'compose.yaml': 'services:\n  base:\n    image: a\n    networks: [back]\n  web:\n    extends: base\n    ports: ["80:80"]\n  api:\n    extends: {file: common/svc.yaml, service: api}\nnetworks: {back: {}}\n',
        'common/svc.yaml': 'services:\n  api:\n    image: api\n    expose: ["9000"]\n',
      });
      const p = load(dir);
      expect(services(p.root).web).to.deep.equal({ image: 'a', networks: ['back'], ports: ['80:80'] });
      expect(services(p.root).api).to.deep.equal({ image: 'api', expose: ['9000'] });
      const expose = at(p.root, ['services', 'api', 'expose', 0])!;
      expect(expose.span).to.deep.include({ file: path.join('common', 'svc.yaml'), line: 4 });
    });

    it('honours !reset and !override on an extending service, as extends runs before the file merges', () => {
      const dir = tempProject({
        'compose.yaml': 'services:\n  base: {image: nginx, ports: ["80:80"], networks: [front]}\n  web: {extends: base, ports: !reset [], networks: !override [back]}\nnetworks: {front: {}, back: {}}\n',
      });
      const web = services(load(dir).root).web;
      expect(web).to.deep.equal({ image: 'nginx', networks: ['back'] });
    });

    it('keeps a YAML key named __proto__ as data', () => {
      const dir = tempProject({ 'compose.yaml': 'services:\n  web:\n    image: a\n    labels:\n      __proto__: x\n' });
      const labels = services(load(dir).root).web.labels as Record<string, unknown>;
      expect(Object.keys(labels)).to.deep.equal(['__proto__']);
      expect(Object.getPrototypeOf(labels)).to.equal(Object.prototype);
    });

    it('reports a cycle and a missing base at the extends entry', () => {
      const dir = tempProject({ 'compose.yaml': 'services:\n  a:\n    image: x\n    extends: b\n  b:\n    image: x\n    extends: a\n  c:\n    image: x\n    extends: nope\n' });
      const messages = load(dir).diagnostics.map((d) => `${d.span.line}: ${d.message}`);
      expect(messages.some((m) => /extends "[ab]", which extends it back/.test(m))).to.equal(true);
      expect(messages).to.include('10: service "c" extends "nope", which is not defined; defined services: "a", "b", "c"');
    });
  });

  describe('include', () => {
    it('adds the resources of included projects, resolving paths from the including project', () => {
      const dir = tempProject({
        'compose.yaml': 'include:\n  - db/compose.yaml\n  - path: cache/compose.yaml\n    env_file: cache/vars.env\nservices:\n  web: {image: a}\n',
        'db/compose.yaml': 'services:\n  db:\n    image: "postgres:${PG}"\n',
        'db/.env': 'PG=16\n',
        'cache/compose.yaml': 'services:\n  cache:\n    image: "redis:${REDIS}"\n',
        'cache/vars.env': 'REDIS=7\n',
      });
      const p = load(dir);
      expect(services(p.root)).to.deep.equal({ web: { image: 'a' }, db: { image: 'postgres:16' }, cache: { image: 'redis:7' } });
      expect(at(p.root, ['services', 'db', 'image'])!.span.file).to.equal(path.join('db', 'compose.yaml'));
      expect(get(p.root, 'include')).to.equal(undefined);
    });

    it('merges a service defined both locally and in an included file, the local definition winning', () => {
      const dir = tempProject({ 'compose.yaml': 'include: [other.yaml]\nservices:\n  web: {image: a}\n', 'other.yaml': 'services:\n  web: {image: b}\n' });
      const p = load(dir);
      expect(p.diagnostics).to.deep.equal([]);
      expect(services(p.root).web).to.deep.equal({ image: 'a' });
      expect(at(p.root, ['services', 'web', 'image'])!.span).to.deep.include({ file: 'compose.yaml', line: 3 });
    });

    it('reports a missing included file at its entry', () => {
      const dir = tempProject({ 'compose.yaml': 'include:\n  - missing.yaml\nservices: {web: {image: a}}\n' });
      const d = load(dir).diagnostics[0];
      expect(d).to.deep.include({
        ruleId: 'compose-load',
        message: 'included file "missing.yaml" does not exist; Compose refuses to load a project whose include is missing. create the file, or correct the path (relative to the directory of the including project)',
      });
      expect(d.span).to.deep.include({ line: 2, column: 5 });
    });

    // trial defect 17: an extends file that is missing, or that Compose cannot load, says why and how to fix
    it('reports a missing or unloadable extends file at its "file", saying which', () => {
      const dir = tempProject({
        'compose.yaml': 'services:\n  web:\n    extends: {file: gone.yaml, service: base}\n  api:\n    extends: {file: broken.yaml, service: base}\n',
        'broken.yaml': 'services:\n  base: {image: "a}\n',
      });
      const extendsErrors = load(dir)
        .diagnostics.filter((d) => d.ruleId === 'compose-load')
        .map((d) => `${d.span.file}:${d.span.line}:${d.span.column} ${d.message}`);
      expect(extendsErrors).to.deep.equal([
        'compose.yaml:3:21 service "web" extends "base" in "gone.yaml", which does not exist; Compose refuses to load the project. create the file, or correct "file" (relative to the directory of the file that names it)',
        'compose.yaml:5:21 service "api" extends "base" in "broken.yaml", a file Compose cannot load; the service cannot be built from it. fix the errors reported in that file',
      ]);
    });
  });

  describe('profiles', () => {
    const compose = 'services:\n  web: {image: a}\n  debug: {image: b, profiles: [debug]}\n  tools: {image: c, profiles: [tools, debug]}\n';
    it('leaves out services whose profiles are all inactive', () => {
      const dir = tempProject({ 'compose.yaml': compose });
      expect(Object.keys(services(load(dir).root))).to.deep.equal(['web']);
      expect(Object.keys(services(load(dir, { profiles: ['tools'] }).root))).to.deep.equal(['web', 'tools']);
      expect(Object.keys(services(load(dir, { env: { COMPOSE_PROFILES: 'debug' } }).root))).to.deep.equal(['web', 'debug', 'tools']);
      expect(Object.keys(services(load(dir, { profiles: ['*'] }).root))).to.have.length(3);
    });
  });

  describe('project name', () => {
    it('takes -p, then COMPOSE_PROJECT_NAME, then the top-level name, then the directory', () => {
      const dir = tempProject({ 'compose.yaml': 'name: From-File\nservices: {web: {image: a}}\n' }, 'My.Project');
      expect(load(dir, { projectName: 'given' }).name).to.equal('given');
      expect(load(dir, { env: { COMPOSE_PROJECT_NAME: 'env_name' } }).name).to.equal('env_name');
      expect(load(dir).name).to.equal('from-file');
      const unnamed = tempProject({ 'compose.yaml': 'services: {web: {image: a}}\n' }, 'My.Project');
      expect(load(unnamed).name).to.equal('myproject');
    });

    it('normalises as compose-go does', () => {
      expect(normaliseProjectName('__My App!_1-')).to.equal('myapp_1-');
    });
  });

  describe('mode', () => {
    const OVERLAY = 'services: {a: {image: x, networks: [n]}}\nnetworks:\n  n:\n    driver: overlay\n';
    const modeOf = (files: Record<string, string>, options: Parameters<typeof loadProject>[0] = {}) => {
      const p = load(tempProject(files), options);
      return { mode: p.mode, reason: p.modeReason, ambiguous: p.diagnostics.filter((d) => d.ruleId === 'ambiguous-mode') };
    };

    it('a file with another name is a stack when it has stack signals: overlay networks, endpoint_mode, ingress ports', () => {
      const cases: [string, string, string][] = [
        [OVERLAY, 'stack', 'it has stack signals: overlay network "n" (prod.yml:4)'],
        ['services: {a: {image: x, deploy: {endpoint_mode: dnsrr}}}\n', 'stack', 'it has stack signals: deploy.endpoint_mode of service "a" (prod.yml:1)'],
        ['services: {a: {image: x, ports: [{target: 80, published: 80, mode: ingress}]}}\n', 'stack', 'it has stack signals: ingress-mode port of service "a" (prod.yml:1)'],
        ['services: {a: {image: x, ports: ["80:80"]}}\n', 'compose', 'it has no stack signals (overlay networks, deploy.endpoint_mode, ingress-mode ports) and no "stack" in its file name'],
      ];
      for (const [text, mode, reason] of cases) expect(modeOf({ 'prod.yml': text }, { files: ['prod.yml'] })).to.deep.equal({ mode, reason, ambiguous: [] });
    });

    it('a file named with "stack" is a stack, and --mode wins over everything', () => {
      expect(modeOf({ 'app-stack.yml': 'services: {a: {image: x}}\n' }, { files: ['app-stack.yml'] })).to.deep.equal({ mode: 'stack', reason: 'the file name "app-stack.yml" contains "stack"', ambiguous: [] });
      expect(modeOf({ 'app-stack.yml': 'services: {a: {image: x}}\n' }, { files: ['app-stack.yml'], mode: 'compose' })).to.deep.equal({ mode: 'compose', reason: '--mode compose was given', ambiguous: [] });
      expect(modeOf({ 'compose.yaml': OVERLAY }, { mode: 'stack' })).to.deep.equal({ mode: 'stack', reason: '--mode stack was given', ambiguous: [] });
    });

    it('a file named as docker compose finds it is a Compose project, whatever it holds', () => {
      for (const name of ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml']) {
        const r = modeOf({ [name]: OVERLAY });
        expect([r.mode, r.reason], name).to.deep.equal(['compose', `"${name}" is a file name docker compose finds by itself`]);
        expect(r.ambiguous, name).to.have.length(1);
      }
      expect(modeOf({ 'compose.yaml': 'services: {a: {image: x}}\n' })).to.deep.equal({ mode: 'compose', reason: '"compose.yaml" is a file name docker compose finds by itself', ambiguous: [] });
      // an override file has a discovery name too, and -f names count as well as discovered ones
      expect(modeOf({ 'base.yml': 'services: {a: {image: x}}\n', 'compose.override.yaml': OVERLAY }, { files: ['base.yml', 'compose.override.yaml'] }).mode).to.equal('compose');
      // a file only included or extended does not decide: docker stack deploy -c names the top-level files
      expect(modeOf({ 'prod.yml': 'include: [net-stack.yml]\nservices: {a: {image: x}}\n', 'net-stack.yml': 'services: {b: {image: x}}\n' }, { files: ['prod.yml'] }).mode).to.equal('compose');
    });

    it('with stack signals, a Compose-named file gets one ambiguous-mode info at the first signal, naming them all and --mode', () => {
      const text = ['services:', '  web:', '    image: nginx', '    networks: [front]', '    deploy:', '      endpoint_mode: dnsrr', 'networks:', '  front:', '    driver: overlay', ''].join('\n');
      const [d] = modeOf({ 'docker-compose.yml': text }).ambiguous;
      expect(d).to.deep.equal({
        ruleId: 'ambiguous-mode',
        severity: 'info',
        message:
          '"docker-compose.yml" is a file name docker compose finds by itself, so the project is linted in compose mode, but it has stack signals: ' +
          'deploy.endpoint_mode of service "web" (line 6), overlay network "front" (line 9); Compose creates an overlay network only on a Swarm manager ' +
          'and ignores endpoint and port modes. if you deploy it with "docker stack deploy -c", lint it with --mode stack; to keep compose mode and silence this, pass --mode compose',
        span: { file: 'docker-compose.yml', line: 6, column: 22, endLine: 6, endColumn: 27 },
        related: [{ message: 'stack signal: overlay network "front"', span: { file: 'docker-compose.yml', line: 9, column: 13, endLine: 9, endColumn: 20 } }],
      });
    });

    it('a value left unknown by an unset variable is no signal', () => {
      expect(modeOf({ 'prod.yml': 'services: {a: {image: x, networks: [n]}}\nnetworks: {n: {driver: "${DRIVER}"}}\n' }, { files: ['prod.yml'] }).mode).to.equal('compose');
    });
  });

  describe('positions', () => {
    it('keeps the use site for anchored values and the anchor as origin, and the override file for overridden values', () => {
      const dir = tempProject({
        'compose.yaml': 'x-net: &net\n  networks: [back]\nservices:\n  web:\n    <<: *net\n    image: a\n    ports: ["80:80"]\nnetworks: {back: {}}\n',
        'compose.override.yaml': 'services:\n  web:\n    image: b\n',
      });
      const p = load(dir);
      const networks = at(p.root, ['services', 'web', 'networks'])!;
      expect(networks.span).to.deep.include({ file: 'compose.yaml', line: 5, column: 9 });
      expect(networks.origin).to.deep.include({ file: 'compose.yaml', line: 2, column: 13 });
      expect(at(p.root, ['services', 'web', 'image'])!.span).to.deep.include({ file: 'compose.override.yaml', line: 3, column: 12 });
      expect(at(p.root, ['services', 'web', 'ports', 0])!.span).to.deep.include({ file: 'compose.yaml', line: 7, column: 13 });
      expect(isMap(get(p.root, 'networks'))).to.equal(true);
    });
  });
});
