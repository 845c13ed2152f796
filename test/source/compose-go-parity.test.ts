/**
 * Parity with compose-go (github.com/compose-spec/compose-go v2, the loader `docker compose` uses): each case
 * names the compose-go test or function its expected value comes from. Issue 14.
 */
import { expect } from 'chai';
import { lintProject } from '../../lib/lint';
import { buildGraph } from '../../lib/model';
import { InputError } from '../../lib/source/diagnostic';
import { parseEnvFile } from '../../lib/source/dotenv';
import { loadProject } from '../../lib/source/project';
import { at, get, toPlain, type MapNode } from '../../lib/source/tree';
import { tempProject } from '../helpers/project';

const load = (dir: string, options: Parameters<typeof loadProject>[0] = {}) => loadProject({ cwd: dir, env: {}, ...options });
const services = (root: MapNode) => toPlain(get(root, 'services')!) as Record<string, Record<string, unknown>>;
const messages = (p: ReturnType<typeof loadProject>) => p.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.span.file}:${d.span.line}:${d.span.column} ${d.ruleId} ${d.message}`);

describe('compose-go parity', () => {
  describe('include (1, 5, 14)', () => {
    it('merges a local definition over the included one instead of refusing it', () => {
      // compose-go loader/include.go importResource: MergeYaml(included, local), local wins (v2.10+)
      const dir = tempProject({
        'compose.yaml': 'include: [db.yaml]\nservices:\n  db:\n    networks: [back]\nnetworks:\n  back: {}\n',
        'db.yaml': 'services:\n  db:\n    image: postgres\n    ports: ["5432:5432"]\n',
      });
      const p = load(dir);
      expect(messages(p)).to.deep.equal([]);
      expect(services(p.root).db).to.deep.equal({ image: 'postgres', ports: ['5432:5432'], networks: ['back'] });
    });

    it('lets an override -f file redefine an included service', () => {
      // compose-go loader/loader_test.go TestLoadWithIncludeOverride: image "overridden"
      const dir = tempProject({
        'compose.yaml': "name: 'test-include-override'\ninclude:\n  - ./subdir/imported.yaml\n",
        'override.yaml': '# override\nservices:\n  imported:\n    image: overridden\n',
        'subdir/imported.yaml': 'services:\n  imported:\n    image: nginx\n    container_name: ${SOURCE:-imported}\n',
      });
      const p = load(dir, { files: ['compose.yaml', 'override.yaml'] });
      expect(messages(p)).to.deep.equal([]);
      expect(services(p.root).imported.image).to.equal('overridden');
    });

    it('accepts the same file included twice, and a local !override over an included service', () => {
      // compose-go loader/include_test.go TestLoadWithMultipleInclude (container_name "override") and
      // TestLoadWithMultipleIncludeConflict (bar is { image: busybox, environment: { ZOT: QIX } })
      const dir = tempProject({
        'compose.yaml':
          "name: 'test-multi-include'\ninclude:\n  - path: ./subdir/imported.yaml\n    env_file: ./subdir/extra.env\n  - path: ./include.yaml\n" +
          'services:\n  foo:\n    image: busybox\n    depends_on: [imported]\n  bar:\n    image: busybox\n    environment: !override\n      - ZOT=QIX\n',
        'include.yaml': 'include:\n    - path: ./subdir/imported.yaml\n\nservices:\n  bar:\n    image: bar\n    environment:\n      - FOO=BAR',
        'subdir/imported.yaml': 'services:\n  imported:\n    image: nginx\n    container_name: ${SOURCE:-imported}\n',
        'subdir/extra.env': 'SOURCE=extends\n',
      });
      const p = load(dir, { env: { SOURCE: 'override' } });
      expect(messages(p)).to.deep.equal([]);
      expect(services(p.root).imported.container_name).to.equal('override');
      expect(services(p.root).bar).to.deep.equal({ image: 'busybox', environment: ['ZOT=QIX'] });
    });

    it('applies include per file before extends, so a service can extend an included one', () => {
      // compose-go loader/loader.go loadYamlFile: "Process includes first so that extended services have all merged attributes"
      const dir = tempProject({
        'compose.yaml': 'include: [base.yaml]\nservices:\n  web:\n    extends: base\n    ports: ["80:80"]\n',
        'base.yaml': 'services:\n  base:\n    image: nginx\n',
      });
      const p = load(dir);
      expect(messages(p)).to.deep.equal([]);
      expect(services(p.root).web).to.deep.equal({ image: 'nginx', ports: ['80:80'] });
    });

    it('resolves extends.file inside an included project against its project_directory', () => {
      // compose-go loader/include_test.go TestNestedIncludeAndExtends: image "alpine"
      const dir = tempProject({
        'compose.yml': 'include:\n  - project_directory: .\n    path: dir/included.yaml\n',
        'dir/included.yaml': 'services:\n  included:\n    extends:\n      file: dir/extended.yaml\n      service: extended\n',
        'dir/extended.yaml': 'services:\n  extended:\n    image: alpine\n',
      });
      const p = load(dir);
      expect(messages(p)).to.deep.equal([]);
      expect(services(p.root).included.image).to.equal('alpine');
    });

    it('reports an include cycle once, at the entry that closes it, and nothing else', () => {
      // compose-go loader/loader_test.go TestLoadWithIncludeCycle: "include cycle detected"
      const dir = tempProject({ 'compose.yaml': 'include:\n  - compose.yaml\n\nname: project\nservices:\n  foo:\n    image: foo\n' });
      expect(messages(load(dir))).to.deep.equal(['compose.yaml:2:5 compose-load include cycle detected: "compose.yaml" includes "compose.yaml"; Compose refuses the project. remove one of the includes']);
    });
  });

  describe('ports (2)', () => {
    it('collapses a single port that a range of another -f file already binds', () => {
      // compose-go loader/loader.go loadYamlFile: EnforceUnicity again after transform.Canonical expanded the range
      // ("Canonical transformation can reveal duplicates, typically as ports can be a range and conflict with an override")
      const dir = tempProject({
        'a.yaml': 'services:\n  web:\n    image: nginx\n    ports: ["8080-8081:80-81"]\n',
        'b.yaml': 'services:\n  web:\n    ports: ["8080:80", "127.0.0.1:8081:81", "9090:80"]\n',
      });
      const p = load(dir, { files: ['a.yaml', 'b.yaml'] });
      expect(services(p.root).web.ports).to.deep.equal(['8080-8081:80-81', '127.0.0.1:8081:81', '9090:80']);
    });
  });

  describe('extra_hosts (3)', () => {
    it('reads "host=a,b" as one host with two addresses, each with its own span', () => {
      // compose-go loader/tests/extra_hosts_test.go: "myhost=0.0.0.1,0.0.0.2" gives myhost: [0.0.0.1, 0.0.0.2]
      const dir = tempProject({ 'compose.yaml': 'services:\n  test:\n    image: busybox\n    extra_hosts:\n      - "myhost=0.0.0.1,0.0.0.2"\n' });
      const graph = buildGraph(load(dir));
      const hosts = graph.services
        .get('test')!
        .extraHosts.map((h) => ({ host: h.host, address: h.address.value === 'host-gateway' ? 'host-gateway' : `${h.address.value.text} ${h.address.value.family}`, column: h.address.span.column, endColumn: h.address.span.endColumn }));
      expect(hosts).to.deep.equal([
        { host: 'myhost', address: '0.0.0.1 ipv4', column: 17, endColumn: 24 },
        { host: 'myhost', address: '0.0.0.2 ipv4', column: 25, endColumn: 32 },
      ]);
    });
  });

  describe('.env files (4, 8, 10)', () => {
    const parse = (text: string, env: Record<string, string> = {}) => parseEnvFile('.env', text, (n) => env[n]);
    const value = (text: string, key: string, env: Record<string, string> = {}) => {
      const parsed = parse(text, env);
      expect(parsed.errors).to.deep.equal([]);
      return parsed.entries.find((e) => e.key === key)?.value;
    };

    it('accepts the names compose-go accepts: a leading digit, brackets, dots, Unicode letters, export<TAB>', () => {
      // compose-go dotenv/parser_test.go TestParseBytes (a[1], a.propertyKey, árvíztűrő-TÜKÖRFÚRÓGÉP) and
      // dotenv/godotenv_test.go TestParsing (export\tOPTION_A=2, `="value"` gives the key "")
      const parsed = parse('a=b\na[1]=c\na.propertyKey=d\nárvíztűrő-TÜKÖRFÚRÓGÉP=ÁRVÍZTŰRŐ-tükörfúrógép\n2FA_SECRET=x\nexport\tOPTION_A=2\n="value"\n');
      expect(parsed.errors).to.deep.equal([]);
      expect(parsed.entries.map((e) => [e.key, e.value])).to.deep.equal([
        ['a', 'b'],
        ['a[1]', 'c'],
        ['a.propertyKey', 'd'],
        ['árvíztűrő-TÜKÖRFÚRÓGÉP', 'ÁRVÍZTŰRŐ-tükörfúrógép'],
        ['2FA_SECRET', 'x'],
        ['OPTION_A', '2'],
        ['', 'value'],
      ]);
    });

    it('refuses other characters at their position, and a name with a space', () => {
      // compose-go dotenv/godotenv_test.go TestParsing: "lol$wut" is an error; dotenv/parser.go: "key cannot contain a space"
      expect(parse('OK=1\nlol$wut\n').errors).to.deep.equal([
        { message: 'unexpected character "$" in variable name "lol$wut"; compose-go\'s dotenv reads letters, digits and "_.-[]" only', span: { file: '.env', line: 2, column: 4, endLine: 2, endColumn: 5 } },
      ]);
      expect(parse('DEBUG MODE=1\n').errors.map((e) => e.message)).to.deep.equal(['variable name "DEBUG MODE" contains a space; Compose refuses the file. remove the space']);
    });

    it('reads escapes as compose-go does', () => {
      // compose-go dotenv/godotenv_test.go TestParsing
      expect(value(String.raw`KEY="Z\aZ\bZ\fZ\nZ\rZ\tZ\vZ\\Z\0123Z"`, 'KEY')).to.equal('Z\x07Z\bZ\fZ\nZ\rZ\tZ\vZ\\ZSZ');
      expect(value(String.raw`FOO="bar\\\n\ b\az"`, 'FOO')).to.equal('bar\\\n\\ b\x07z');
      expect(value(String.raw`KEY="\x07"`, 'KEY')).to.equal(String.raw`\x07`);
      expect(value(String.raw`FOO="escaped\"bar"`, 'FOO')).to.equal('escaped"bar');
      expect(value(String.raw`export OPTION_B='\n'`, 'OPTION_B')).to.equal('\\n');
      expect(value(String.raw`FOO=a\tb`, 'FOO')).to.equal(String.raw`a\tb`);
      expect(value('FOO=bar #this is foo', 'FOO')).to.equal('bar');
      expect(value('FOO=123#not-an-inline-comment', 'FOO')).to.equal('123#not-an-inline-comment');
      // dotenv/parser.go extractVarValue: an escaped quote inside single quotes is the quote
      expect(value(String.raw`FOO='it\'s'`, 'FOO')).to.equal("it's");
    });

    it('reports unterminated quotes, an escaped closing quote included', () => {
      // compose-go dotenv/godotenv_test.go TestUnterminatedQuotes
      for (const text of ['KEY="', 'KEY="value', 'KEY="value\\"', 'KEY="value\'', "KEY='", "KEY='value", "KEY='value\\'", 'KEY=\'value"']) {
        expect(
          parse(text).errors.map((e) => e.message),
          text,
        ).to.deep.equal(['unterminated quoted value for "KEY"']);
      }
    });

    it("lets the environment win over the file's own earlier lines when interpolating", () => {
      // compose-go dotenv/godotenv_test.go TestSubstitutionsWithEnvFilePrecedence (OPTION_A=5 in the environment)
      const parsed = parse('OPTION_A=1\nOPTION_B=${OPTION_A}\nOPTION_C=$OPTION_B\nOPTION_D=${OPTION_A}_${OPTION_B}\nOPTION_E=${OPTION_NOT_DEFINED}\n', { OPTION_A: '5' });
      expect(Object.fromEntries(parsed.entries.map((e) => [e.key, e.value]))).to.deep.equal({ OPTION_A: '1', OPTION_B: '5', OPTION_C: '5', OPTION_D: '5_5', OPTION_E: '' });
    });

    it('refuses ${VAR?msg} and ${VAR:?msg} when the variable is unset, at the value', () => {
      // compose-go dotenv/godotenv_var_expansion_test.go TestErrorIfUnset: MissingRequiredError for UNSET_VAR
      const parsed = parse('OK=1\nRESULT=${UNSET_VAR?Test error}\nLATER=2\n');
      expect(parsed.entries.map((e) => e.key)).to.deep.equal(['OK']);
      expect(parsed.errors).to.have.length(1);
      expect(parsed.errors[0].message).to.match(/^value of "RESULT": .*UNSET_VAR.*Test error/);
      expect(parsed.errors[0].span).to.deep.equal({ file: '.env', line: 2, column: 8, endLine: 2, endColumn: 31 });
      expect(value('RESULT=${EMPTY_VAR:-x}${TEST_VAR?Default Value}', 'RESULT', { TEST_VAR: 'Test Value' })).to.equal('xTest Value');
    });
  });

  describe('YAML merge keys (6)', () => {
    it('merges "<<: *alias" whose anchor is a list of mappings, shared by two services; a scalar anchor stays an error', () => {
      // compose-go loader/reset_test.go TestMergeKeyAliasTargets (alias_to_sequence_shared_across_services) and
      // TestMergeKeyAliasToScalarRejected ("map merge requires map")
      const dir = tempProject({ 'compose.yaml': 'name: test\nx-list: &alist\n  - image: nginx\n    restart: unless-stopped\nservices:\n  s1:\n    <<: *alist\n  s2:\n    <<: *alist\n' });
      const p = load(dir);
      expect(messages(p)).to.deep.equal([]);
      expect(services(p.root)).to.deep.equal({ s1: { image: 'nginx', restart: 'unless-stopped' }, s2: { image: 'nginx', restart: 'unless-stopped' } });
      const scalar = tempProject({ 'compose.yaml': 'name: test\nx-scalar: &s "not-a-map"\nservices:\n  s1:\n    <<: *s\n' });
      expect(messages(load(scalar))).to.deep.equal(['compose.yaml:5:9 yaml-syntax merge key "<<" needs a mapping or a list of mappings']);
    });
  });

  describe('project name (7, 12)', () => {
    it('sets COMPOSE_PROJECT_NAME for interpolation to the project name, from name:, -p or the directory', () => {
      // compose-go loader/loader.go projectName: details.Environment[consts.ComposeProjectName] = opts.projectName
      const files = { 'compose.yaml': 'name: shop\nservices:\n  api:\n    image: x\n    container_name: ${COMPOSE_PROJECT_NAME}-api\n' };
      expect(services(load(tempProject(files)).root).api.container_name).to.equal('shop-api');
      expect(services(load(tempProject(files), { projectName: 'other' }).root).api.container_name).to.equal('other-api');
      const unnamed = tempProject({ 'compose.yaml': 'services:\n  api:\n    image: x\n    container_name: ${COMPOSE_PROJECT_NAME}-api\n' }, 'My.Dir');
      expect(services(load(unnamed).root).api.container_name).to.equal('mydir-api');
    });

    it('interpolates and normalises a top-level name, the last file naming one winning', () => {
      // compose-go loader/loader.go projectName: interp.Interpolate of "name", then NormalizeProjectName
      const dir = tempProject({ 'a.yaml': 'name: first\nservices: {web: {image: a}}\n', 'b.yaml': 'name: ${PREFIX}_Shop\n' });
      expect(load(dir, { files: ['a.yaml', 'b.yaml'], env: { PREFIX: 'My' } }).name).to.equal('my_shop');
    });

    it('refuses a -p or COMPOSE_PROJECT_NAME that is not already normalised', () => {
      // compose-go cli/options.go WithName and loader/loader.go InvalidProjectNameErr; cli/options_test.go TestProjectName
      const dir = tempProject({ 'compose.yaml': 'services: {web: {image: a}}\n' });
      for (const bad of ['MY_PROJECT', '-my_project', '_my_project', 'www.my.project']) {
        expect(() => load(dir, { projectName: bad }), bad).to.throw(InputError, `invalid project name "${bad}" (-p): must consist only of lowercase alphanumeric characters`);
      }
      expect(() => load(dir, { env: { COMPOSE_PROJECT_NAME: 'Shop' } })).to.throw(InputError, 'invalid project name "Shop" (COMPOSE_PROJECT_NAME)');
    });
  });

  describe('environment (9)', () => {
    it('gives a bare name the value of the shell or .env, and leaves an unset one bare', () => {
      // compose-go types/project_test.go TestProject_WithServicesEnvironmentResolved:
      // "service.environment without a value propagates os.env to container" (QIX: QIX_from_os.env)
      const dir = tempProject({
        'compose.yaml': 'services:\n  base:\n    image: x\n    environment:\n      FOO: foo_from_environment\n      QIX:\n      NOPE:\n  list:\n    image: x\n    environment: [QIX, FROM_DOTENV, NOPE, "SET=1"]\n',
        '.env': 'FROM_DOTENV=dotenv\n',
      });
      const p = load(dir, { env: { QIX: 'QIX_from_os.env' } });
      expect(services(p.root).base.environment).to.deep.equal({ FOO: 'foo_from_environment', QIX: 'QIX_from_os.env', NOPE: null });
      expect(services(p.root).list.environment).to.deep.equal(['QIX=QIX_from_os.env', 'FROM_DOTENV=dotenv', 'NOPE', 'SET=1']);
      expect(at(p.root, ['services', 'list', 'environment', 0])!.span).to.deep.include({ line: 10, column: 19, endColumn: 22 });
    });
  });

  describe('service dependencies (11)', () => {
    it('refuses a depends_on, link, volumes_from or ipc service that is not defined, at the reference', () => {
      // compose-go loader/validate.go checkConsistency: `service %q depends on undefined service %q`; loader/normalize.go
      // Normalize makes links, volumes_from and ipc/pid/uts/cgroup "service:" dependencies; validate_test.go
      // (myservice/missingservice)
      const dir = tempProject({
        'compose.yaml': 'services:\n  myservice:\n    image: x\n    depends_on: [missingservice]\n    links: ["gone:alias"]\n    volumes_from: ["vol:ro", "container:abc"]\n    ipc: service:shm\n',
      });
      expect(messages(load(dir))).to.deep.equal([
        'compose.yaml:4:18 compose-load service "myservice" depends on undefined service "missingservice" (through "depends_on"); Compose refuses the project. define "missingservice", or remove the reference',
        'compose.yaml:5:13 compose-load service "myservice" depends on undefined service "gone" (through "links"); Compose refuses the project. define "gone", or remove the reference',
        'compose.yaml:7:10 compose-load service "myservice" depends on undefined service "shm" (through "ipc: service:shm"); Compose refuses the project. define "shm", or remove the reference',
        'compose.yaml:6:20 compose-load service "myservice" depends on undefined service "vol" (through "volumes_from"); Compose refuses the project. define "vol", or remove the reference',
      ]);
    });

    it('suggests the service a missing dependency is one typo from, never the service itself', () => {
      const dir = tempProject({
        'compose.yaml': 'services:\n  web:\n    image: x\n  dbb:\n    image: x\n    depends_on: [wbe, db]\n    links: [webb]\n  worker:\n    image: x\n    depends_on: [zzz]\n',
      });
      expect(messages(load(dir))).to.deep.equal([
        'compose.yaml:6:18 compose-load service "dbb" depends on undefined service "wbe" (through "depends_on"); Compose refuses the project. define "wbe", or remove the reference. did you mean "web"?',
        'compose.yaml:6:23 compose-load service "dbb" depends on undefined service "db" (through "depends_on"); Compose refuses the project. define "db", or remove the reference',
        'compose.yaml:7:13 compose-load service "dbb" depends on undefined service "webb" (through "links"); Compose refuses the project. define "webb", or remove the reference. did you mean "web"?',
        'compose.yaml:10:18 compose-load service "worker" depends on undefined service "zzz" (through "depends_on"); Compose refuses the project. define "zzz", or remove the reference',
      ]);
    });

    it("refuses the dependency an extended service brings, at the base service's line", () => {
      // compose-go loader/extends_test.go TestExtendsWithServiceRef: `service "bar" depends on undefined service "zot"`
      const dir = tempProject({
        'compose.yaml': 'services:\n  bar:\n    extends:\n      file: ./depends_on.yaml\n      service: with_depends_on\n',
        'depends_on.yaml': 'services:\n  with_depends_on:\n    image: foo\n    depends_on:\n      - zot\n',
      });
      expect(messages(load(dir))).to.deep.equal(['depends_on.yaml:5:9 compose-load service "bar" depends on undefined service "zot" (through "depends_on"); Compose refuses the project. define "zot", or remove the reference']);
    });

    it('refuses a required dependency on a service its profiles leave out, and accepts "required: false"', () => {
      // compose-go checkConsistency: GetService gives ErrDisabled, skipped only when !cfg.Required
      const dir = tempProject({
        'compose.yaml':
          'services:\n  web:\n    image: x\n    depends_on:\n      db: {condition: service_started}\n      cache: {condition: service_started, required: false}\n' +
          '  db:\n    image: x\n    profiles: [data]\n  cache:\n    image: x\n    profiles: [data]\n',
      });
      expect(messages(load(dir))).to.deep.equal([
        'compose.yaml:5:7 compose-load service "web" depends on undefined service "db" (through "depends_on"); Compose refuses the project. "db" is only in profile "data", none of them active; enable one with --profile, or remove the reference',
      ]);
      expect(messages(load(dir, { profiles: ['data'] }))).to.deep.equal([]);
    });

    it('reports a dependency cycle once, named as compose-go names it, at the reference that closes it', () => {
      // compose-go loader/loader_test.go TestLoadDependsOnCycle (testdata/compose-depends-on-cycle.yaml):
      // "dependency cycle detected: service1 -> service2 -> service3 -> service1"; TestLoadDependsOnSelf: "service1 -> service1"
      const dir = tempProject({
        'compose.yaml':
          'name : depends-on-cycle\nservices:\n  service1:\n    image: service1\n    depends_on:\n      - service2\n  service2:\n    image: service2\n    depends_on:\n      - service3\n' +
          '  service3:\n    image: service3\n    depends_on:\n      - service1\n',
        'self.yaml': 'services:\n  service1:\n    image: service1\n    depends_on:\n      - service1\n',
      });
      const p = load(dir);
      expect(messages(p)).to.deep.equal([
        'compose.yaml:14:9 compose-load dependency cycle detected: service1 -> service2 -> service3 -> service1; Compose refuses the project. remove one of the dependencies (the last, "depends_on" of "service3", is here)',
      ]);
      expect(p.diagnostics[0].related!.map((r) => `${r.span.line}:${r.span.column} ${r.message}`)).to.deep.equal(['6:9 "service1" depends on "service2" here ("depends_on")', '10:9 "service2" depends on "service3" here ("depends_on")']);
      expect(messages(load(dir, { files: ['self.yaml'] }))).to.deep.equal([
        'self.yaml:5:9 compose-load dependency cycle detected: service1 -> service1; Compose refuses the project. remove one of the dependencies (the last, "depends_on" of "service1", is here)',
      ]);
    });

    it('counts links, volumes_from and network_mode as dependencies in a cycle, and leaves a network_mode-only cycle to the rule', () => {
      // compose-go loader/normalize.go Normalize (links, network_mode/ipc "service:", volumes_from become depends_on),
      // graph/cycle.go checkCycle
      const dir = tempProject({
        'compose.yaml':
          'services:\n  a:\n    image: x\n    links: [b]\n  b:\n    image: x\n    network_mode: service:c\n  c:\n    image: x\n    volumes_from: [a]\n' +
          '  d:\n    image: x\n    network_mode: service:e\n  e:\n    image: x\n    network_mode: service:d\n',
      });
      expect(messages(load(dir))).to.deep.equal(['compose.yaml:10:20 compose-load dependency cycle detected: a -> b -> c -> a; Compose refuses the project. remove one of the dependencies (the last, "volumes_from" of "c", is here)']);
    });

    it('does not call a link to an undefined service one that "already resolves by its service name"', () => {
      // new-user trial: web: {depends_on: [nope], links: [other]}; compose-go refuses it (checkConsistency), so the
      // links rule has nothing to say about it
      const dir = tempProject({ 'compose.yaml': 'services:\n  web:\n    image: x\n    depends_on: [nope]\n    links: [other]\n' });
      const findings = lintProject({ cwd: dir, env: {} }).findings.map((f) => `${f.line}:${f.column} ${f.ruleId}`);
      expect(findings).to.deep.equal(['4:18 compose-load', '5:13 compose-load']);
    });
  });

  describe('refused declarations (12, 13)', () => {
    it('refuses a list environment entry whose name ends in a space, at the entry', () => {
      // compose-go loader/tests/environment_test.go TestEnvironmentWhitespace: "environment variable DEBUG  is declared
      // with a trailing space" (types/mapping.go: only the list form, only a trailing space)
      const dir = tempProject({
        'compose.yaml': 'name: test\nservices:\n  test:\n    image: x\n    environment:\n      - DEBUG = true\n      - " LEADING=1"\n  map:\n    image: x\n    environment:\n      "SPACED ": 1\n',
      });
      expect(messages(load(dir))).to.deep.equal(['compose.yaml:6:9 compose-load environment variable DEBUG  is declared with a trailing space (service "test"); Compose refuses the project. write "DEBUG=true"']);
    });

    it('refuses a resource with a name and a different external.name, and accepts the same one', () => {
      // compose-go loader/loader_test.go TestLoadVolumeInvalidExternalNameAndNameCombination ("volumes.external_volume:
      // name and external.name conflict; only use name"); transform/external.go applies it to networks too
      const dir = tempProject({
        'compose.yaml':
          'services:\n  web:\n    image: x\n    networks: [back, same]\nnetworks:\n  back:\n    name: user_specified_name\n    external:\n      name: external_name\n' +
          '  same:\n    name: shared\n    external:\n      name: shared\nvolumes:\n  external_volume:\n    name: user_specified_name\n    external:\n      name: external_name\n',
      });
      const p = load(dir);
      expect(messages(p)).to.deep.equal([
        'compose.yaml:9:13 compose-load networks.back: name and external.name conflict; only use name. Compose refuses the project: set "name: external_name" and "external: true", or drop external.name',
        'compose.yaml:18:13 compose-load volumes.external_volume: name and external.name conflict; only use name. Compose refuses the project: set "name: external_name" and "external: true", or drop external.name',
      ]);
      expect(p.diagnostics[0].related!.map((r) => `${r.span.line}:${r.span.column} ${r.message}`)).to.deep.equal(['7:11 name "user_specified_name" is set here']);
    });

    it('refuses a container_name used by two services, at the second, with one finding for the name', () => {
      // compose-go loader/validate_test.go TestValidateContainerName: `container name "mycontainer" is already in use by`
      // (types/project.go CheckContainerNameUnicity, which docker compose runs before creating containers)
      const dir = tempProject({
        'compose.yaml': 'services:\n  myservice:\n    image: scratch\n    container_name: mycontainer\n  myservice2:\n    image: scratch\n    container_name: mycontainer\n' + '  other:\n    image: scratch\n    container_name: myservice\n',
      });
      const p = load(dir);
      expect(messages(p)).to.deep.equal([
        'compose.yaml:7:21 compose-load services.myservice2: container name "mycontainer" is already in use by service myservice; Compose refuses the project (and the engine the second container). give "myservice2" another container_name, or remove it',
      ]);
      expect(p.diagnostics[0].related!.map((r) => `${r.span.line}:${r.span.column} ${r.message}`)).to.deep.equal(['4:21 container_name "mycontainer" of "myservice"']);
      // the DNS round-robin warning stays for a container_name repeating another service's name, not for the shared one
      const findings = lintProject({ cwd: dir, env: {} }).findings.map((f) => `${f.line}:${f.column} ${f.ruleId}`);
      expect(findings).to.deep.equal(['7:21 compose-load', '10:21 no-ambiguous-alias']);
    });
  });

  describe('small ones (14)', () => {
    it('extends a service declared as null', () => {
      // compose-go loader/extends_test.go TestExtendsNil (testdata/extends/base.yaml "nil: #left intentionally empty"): no error
      const dir = tempProject({
        'compose.yaml': 'name: test-extends-port\nservices:\n  test:\n    image: test\n    extends:\n      file: base.yaml\n      service: nil\n',
        'base.yaml': 'services:\n  base:\n    image: base\n\n  nil: #left intentionally empty\n',
      });
      const p = load(dir);
      expect(messages(p)).to.deep.equal([]);
      expect(services(p.root).test).to.deep.equal({ image: 'test' });
    });

    it('drops an empty dns entry instead of keeping [""]', () => {
      // compose-go loader/tests/dns_test.go TestDNSOmitEmpty (len(DNS) == 0) and loader/omitEmpty.go ("services.*.dns")
      const dir = tempProject({
        'compose.yaml': 'name: test\nservices:\n  foo:\n    image: alpine\n    dns: ${UNSET_VAR}\n  bar:\n    image: alpine\n    dns: ["", "${UNSET_VAR}", 1.1.1.1]\n',
      });
      const p = load(dir);
      expect(services(p.root).foo).to.deep.equal({ image: 'alpine' });
      expect(services(p.root).bar.dns).to.deep.equal(['1.1.1.1']);
      expect(buildGraph(p).services.get('foo')!.dns).to.deep.equal([]);
    });

    it('names the kind of file that is a directory', () => {
      // the noun fix of item 14: an --env-file directory is not "a Compose file"
      const dir = tempProject({ 'compose.yaml': 'services: {}\n', 'envs/x': '' });
      expect(() => load(dir, { envFiles: ['envs'] })).to.throw(InputError, /^envs: is a directory, not an env file$/);
    });

    it('finds the Compose file in --project-directory when no -f is given', () => {
      // compose-go cli/options.go WithDefaultConfigPath searches o.GetWorkingDir(), which WithWorkingDirectory sets
      const dir = tempProject({ 'compose.yaml': 'services:\n  here:\n    image: x\n', 'app/compose.yaml': 'services:\n  app:\n    image: x\n', 'app/compose.override.yaml': 'services:\n  app:\n    ports: ["80"]\n' });
      const p = load(dir, { projectDirectory: 'app' });
      expect(p.files).to.deep.equal(['app/compose.yaml', 'app/compose.override.yaml']);
      expect(Object.keys(services(p.root))).to.deep.equal(['app']);
      expect(p.name).to.equal('app');
      expect(() => load(dir, { projectDirectory: 'gone' })).to.throw(InputError, /^gone: no such directory \(--project-directory\)$/);
    });
  });
});
