import { expect } from 'chai';
import type { Diagnostic } from '../../lib/source/diagnostic';
import { interpolateString, interpolateTree, type Interpolated, type Lookup } from '../../lib/source/interpolate';
import { at, type MapNode, type Node, type ScalarNode } from '../../lib/source/tree';
import { parseYaml } from '../../lib/source/yaml';

// SET is set and non-empty, EMPTY is set to "", UNSET (and any other name) is unset
const ENV: Record<string, string> = { SET: 'first', EMPTY: '', N: '3', E: 'true', T: '80', P: '8080', DB_HOST: 'db' };
const lookup: Lookup = (name) => (Object.hasOwn(ENV, name) ? ENV[name] : undefined);

const known = (value: string): Interpolated => ({ value, unknown: false });
const unknown = (value: string): Interpolated => ({ value, unknown: true });

describe('interpolateString', () => {
  const cases: [string, Interpolated][] = [
    // no variables
    ['plain text', known('plain text')],
    ['', known('')],
    // ${VAR} and $VAR
    ['${SET}', known('first')],
    ['$SET', known('first')],
    ['${EMPTY}', known('')],
    ['$EMPTY', known('')],
    ['${UNSET}', unknown('')],
    ['$UNSET', unknown('')],
    ['x ${SET} y ${UNSET} z', unknown('x first y  z')],
    ['${set}', unknown('')], // names are case-sensitive
    // ${VAR:-default}: unset or empty
    ['${SET:-def}', known('first')],
    ['${EMPTY:-def}', known('def')],
    ['${UNSET:-def}', known('def')],
    // ${VAR-default}: unset only
    ['${SET-def}', known('first')],
    ['${EMPTY-def}', known('')],
    ['${UNSET-def}', known('def')],
    // ${VAR:?err} and ${VAR?err} when they succeed
    ['${SET:?err}', known('first')],
    ['${SET?err}', known('first')],
    ['${EMPTY?err}', known('')],
    // ${VAR:+alt}: set and non-empty
    ['${SET:+alt}', known('alt')],
    ['${EMPTY:+alt}', known('')],
    ['${UNSET:+alt}', known('')],
    // ${VAR+alt}: set
    ['${SET+alt}', known('alt')],
    ['${EMPTY+alt}', known('alt')],
    ['${UNSET+alt}', known('')],
    // the first operator after the name wins; the rest belongs to the argument
    ['${UNSET-myerror?msg}', known('myerror?msg')],
    ['${EMPTY:-/non:-alphanumeric}', known('/non:-alphanumeric')],
    ['${UNSET:-a:b}', known('a:b')],
    // nested values
    ['${UNSET:-${EMPTY:-c}}', known('c')],
    ['${UNSET:-${SET:-c}}', known('first')],
    ['${UNSET-$SET}', known('first')],
    ['${UNSET-${SET} ${SET}}', known('first first')],
    ['${SET:+[${SET}]}', known('[first]')],
    ['${EMPTY+$SET ${SET:+second}}', known('first second')],
    ['${UNSET:-${ALSO_UNSET}}', unknown('')],
    ['${UNSET:-${ALSO_UNSET:-${SET}}}', known('first')],
    // an argument is only interpolated when it is used
    ['${SET:-${ALSO_UNSET}}', known('first')],
    ['${SET:-${ALSO_UNSET:?inner}}', known('first')],
    ['${UNSET:+${ALSO_UNSET}}', known('')],
    // several expressions, and braces around them (docker/compose#9024)
    ['${UNSET:-a}-${UNSET:-b}', known('a-b')],
    ['{{{ ${SET:-foo} }}}', known('{{{ first }}}')],
    ['{{{ ${UNSET:-foo} ${UNSET:-bar} }}}', known('{{{ foo bar }}}')],
    ['${UNSET:-baz} }}}', known('baz }}}')],
    ['${SET-baz} }}}', known('first }}}')],
    ['${UNSET:-a} and ${UNSET}', unknown('a and ')],
    // $$ is a literal $
    ['$$', known('$')],
    ['$${SET}', known('${SET}')],
    ['$$SET', known('$SET')],
    ['$$$SET', known('$first')],
    ['echo "$$HOME"', known('echo "$HOME"')],
    ['${UNSET:-$$}', known('$')],
    // a $ that starts no name and no brace stays as it is
    ['a $ string', known('a $ string')],
    ['^REGEX$', known('^REGEX$')],
    ['$}', known('$}')],
    ['$', known('$')],
    ['costs $5', known('costs $5')],
    ['$-x', known('$-x')],
    // $VAR ends at the first character that cannot be in a name
    ['$SET-bar', known('first-bar')],
    ['$SET.bar', known('first.bar')],
    ['$SET:8080', known('first:8080')],
    ['$SET/path', known('first/path')],
    ['$SET}', known('first}')],
    ['$SET_SUFFIX', unknown('')],
    ['${SET}_SUFFIX', known('first_SUFFIX')],
    // other characters pass through
    ['line one\n$SET\nline three', known('line one\nfirst\nline three')],
    ['café ${SET}é', known('café firsté')],
  ];

  for (const [template, expected] of cases) {
    it(`${JSON.stringify(template)} -> ${JSON.stringify(expected.value)}${expected.unknown ? ' (unknown)' : ''}`, () => {
      expect(interpolateString(template, lookup)).to.deep.equal(expected);
    });
  }

  const invalid = (template: string): string => `invalid interpolation format in ${JSON.stringify(template)}; Compose cannot load the file. ` + 'write a variable as "${NAME}" or "${NAME:-default}", or "$$" for a literal "$"';

  const errors: [string, string][] = [
    ['${UNSET:?err}', 'required variable "UNSET" is missing a value: err'],
    ['${EMPTY:?err}', 'required variable "EMPTY" is missing a value: err'],
    ['${UNSET?err}', 'required variable "UNSET" is missing a value: err'],
    ['${UNSET:?}', 'required variable "UNSET" is missing a value'],
    ['${UNSET?}', 'required variable "UNSET" is missing a value'],
    ['${DB_PASSWORD:?set DB_PASSWORD in .env.}', 'required variable "DB_PASSWORD" is missing a value: set DB_PASSWORD in .env'],
    ['${UNSET?bar-baz}', 'required variable "UNSET" is missing a value: bar-baz'],
    ['${UNSET:?needs ${SET}}', 'required variable "UNSET" is missing a value: needs first'],
    ['${UNSET:-${ALSO_UNSET:?inner}}', 'required variable "ALSO_UNSET" is missing a value: inner'],
    ['${UNSET:?first} ${ALSO_UNSET:?second}', 'required variable "UNSET" is missing a value: first'],
    ['${SET} ${UNSET:?late}', 'required variable "UNSET" is missing a value: late'],
    ['${', invalid('${')],
    ['${}', invalid('${}')],
    ['${ }', invalid('${ }')],
    ['${ SET}', invalid('${ SET}')],
    ['${SET }', invalid('${SET }')],
    ['${SET!}', invalid('${SET!}')],
    ['${1}', invalid('${1}')],
    ['${SET:x}', invalid('${SET:x}')],
    ['${SET', invalid('${SET')],
    ['host ${SET:-x', invalid('host ${SET:-x')],
    ['${UNSET:-${SET}', invalid('${UNSET:-${SET}')],
    ['${SET:-a\n}', invalid('${SET:-a\n}')],
  ];

  for (const [template, message] of errors) {
    it(`${JSON.stringify(template)} fails: ${message}`, () => {
      const result = interpolateString(template, lookup);
      expect(result.error).to.equal(message);
      expect(result.unknown).to.equal(true);
    });
  }

  it('gives up on absurd nesting with an error instead of overflowing the stack', () => {
    const template = '${UNSET:-'.repeat(5000) + 'x' + '}'.repeat(5000);
    const result = interpolateString(template, lookup);
    expect(result.unknown).to.equal(true);
    expect(result.error).to.match(/^interpolation in ".*" nests more than 100 levels deep; simplify the expression$/);
  });

  it('accepts nesting up to the limit', () => {
    const template = '${UNSET:-'.repeat(99) + 'x' + '}'.repeat(99);
    expect(interpolateString(template, lookup)).to.deep.equal(known('x'));
  });
});

describe('interpolateTree', () => {
  const load = (text: string): { root: Node; diagnostics: Diagnostic[] } => {
    const parsed = parseYaml('compose.yaml', text);
    expect(parsed.diagnostics).to.deep.equal([]);
    const diagnostics: Diagnostic[] = [];
    const root = parsed.documents[0];
    interpolateTree(root, lookup, diagnostics);
    return { root, diagnostics };
  };
  const scalar = (root: Node, path: (string | number)[]): ScalarNode => {
    const node = at(root, path);
    if (node?.kind !== 'scalar') throw new Error(`no scalar at ${path.join('.')}`);
    return node;
  };

  it('interpolates values in place, keeps the raw text and the span', () => {
    const text = ['services:', '  web:', '    image: "nginx:${TAG:-1.27}"', '    command: echo $$HOME', '    hostname: web', ''].join('\n');
    const before = parseYaml('compose.yaml', text).documents[0];
    const { root, diagnostics } = load(text);
    expect(diagnostics).to.deep.equal([]);

    const image = scalar(root, ['services', 'web', 'image']);
    expect(image.value).to.equal('nginx:1.27');
    expect(image.raw).to.equal('nginx:${TAG:-1.27}');
    expect(image.unknown).to.equal(undefined);
    expect(image.span).to.deep.equal({ file: 'compose.yaml', line: 3, column: 12, endLine: 3, endColumn: 32 });
    expect(image.span).to.deep.equal(scalar(before, ['services', 'web', 'image']).span);

    const command = scalar(root, ['services', 'web', 'command']);
    expect(command.value).to.equal('echo $HOME');
    expect(command.raw).to.equal('echo $$HOME');

    const hostname = scalar(root, ['services', 'web', 'hostname']);
    expect(hostname).to.not.have.property('raw');
    expect(hostname.value).to.equal('web');
  });

  it('leaves map keys alone', () => {
    const { root } = load(['services:', '  web:', '    environment:', '      ${SET}: $SET', '      PLAIN: x', ''].join('\n'));
    const environment = at(root, ['services', 'web', 'environment']) as MapNode;
    expect([...environment.entries.keys()]).to.deep.equal(['${SET}', 'PLAIN']);
    expect(scalar(environment, ['${SET}']).value).to.equal('first');
  });

  it('interpolates list items and leaves non-string scalars alone', () => {
    const { root } = load(['services:', '  web:', '    dns: [$SET, 1.1.1.1]', '    cpus: 1.5', '    init: true', '    user: null', ''].join('\n'));
    expect(scalar(root, ['services', 'web', 'dns', 0]).value).to.equal('first');
    expect(scalar(root, ['services', 'web', 'dns', 1]).value).to.equal('1.1.1.1');
    expect(scalar(root, ['services', 'web', 'cpus']).value).to.equal(1.5);
    expect(scalar(root, ['services', 'web', 'init']).value).to.equal(true);
    expect(scalar(root, ['services', 'web', 'user']).value).to.equal(null);
  });

  it('marks values that depend on an unset variable as unknown', () => {
    const { root, diagnostics } = load(['services:', '  web:', '    image: "app:${UNSET}"', '    hostname: ${UNSET:-web}', ''].join('\n'));
    expect(diagnostics).to.deep.equal([]);
    const image = scalar(root, ['services', 'web', 'image']);
    expect(image.value).to.equal('app:');
    expect(image.raw).to.equal('app:${UNSET}');
    expect(image.unknown).to.equal(true);
    const hostname = scalar(root, ['services', 'web', 'hostname']);
    expect(hostname.value).to.equal('web');
    expect(hostname.unknown).to.equal(undefined);
  });

  it('casts values at the paths compose-go casts', () => {
    const text = [
      'services:',
      '  web:',
      '    scale: ${N}',
      '    privileged: "${E}"',
      '    read_only: "no"',
      '    cpus: "${N}.5"',
      '    deploy:',
      '      replicas: "2"',
      '    healthcheck:',
      '      retries: "+${N}"',
      '    ulimits:',
      '      nproc: "${N}"',
      '      nofile:',
      '        soft: "${N}"',
      '        hard: "${N}0"',
      '    ports:',
      '      - target: ${T}',
      '        published: "${P}"',
      'networks:',
      '  front:',
      '    external: ${E}',
      '  back:',
      '    internal: "On"',
      '    enable_ipv6: "${E}"',
      '    attachable: "false"',
      '',
    ].join('\n');
    const { root, diagnostics } = load(text);
    expect(diagnostics).to.deep.equal([]);
    const value = (...path: (string | number)[]): unknown => scalar(root, path).value;
    expect(value('services', 'web', 'scale')).to.equal(3);
    expect(scalar(root, ['services', 'web', 'scale']).raw).to.equal('${N}');
    expect(value('services', 'web', 'privileged')).to.equal(true);
    expect(value('services', 'web', 'read_only')).to.equal(false);
    expect(value('services', 'web', 'cpus')).to.equal(3.5);
    expect(value('services', 'web', 'deploy', 'replicas')).to.equal(2);
    expect(value('services', 'web', 'healthcheck', 'retries')).to.equal(3);
    expect(value('services', 'web', 'ulimits', 'nproc')).to.equal(3);
    expect(value('services', 'web', 'ulimits', 'nofile', 'soft')).to.equal(3);
    expect(value('services', 'web', 'ulimits', 'nofile', 'hard')).to.equal(30);
    expect(value('services', 'web', 'ports', 0, 'target')).to.equal(80);
    // compose-go v2 does not cast published ports: they may be ranges such as "8000-8010"
    expect(value('services', 'web', 'ports', 0, 'published')).to.equal('8080');
    expect(value('networks', 'front', 'external')).to.equal(true);
    expect(value('networks', 'back', 'internal')).to.equal(true);
    expect(value('networks', 'back', 'enable_ipv6')).to.equal(true);
    expect(value('networks', 'back', 'attachable')).to.equal(false);
  });

  it('does not cast values that do not parse, are unknown, or sit elsewhere', () => {
    const text = ['services:', '  web:', '    scale: "${N}x"', '    deploy:', '      replicas: ${UNSET}', '    tty: "maybe"', '    environment:', '      COUNT: ${N}', '      FLAG: ${E}', 'x-scale: ${N}', ''].join('\n');
    const { root } = load(text);
    expect(scalar(root, ['services', 'web', 'scale']).value).to.equal('3x');
    const replicas = scalar(root, ['services', 'web', 'deploy', 'replicas']);
    expect(replicas.value).to.equal('');
    expect(replicas.unknown).to.equal(true);
    expect(scalar(root, ['services', 'web', 'tty']).value).to.equal('maybe');
    expect(scalar(root, ['services', 'web', 'environment', 'COUNT']).value).to.equal('3');
    expect(scalar(root, ['services', 'web', 'environment', 'FLAG']).value).to.equal('true');
    expect(scalar(root, ['x-scale']).value).to.equal('3');
  });

  it('reports a missing required variable at the scalar', () => {
    const text = ['services:', '  db:', '    environment:', '      HOST: ${DB_HOST:?}', '      PASSWORD: ${DB_PASSWORD:?set it in .env}', ''].join('\n');
    const { root, diagnostics } = load(text);
    expect(diagnostics).to.deep.equal([
      {
        ruleId: 'compose-load',
        severity: 'error',
        message: 'required variable "DB_PASSWORD" is missing a value: set it in .env',
        span: { file: 'compose.yaml', line: 5, column: 17, endLine: 5, endColumn: 47 },
      },
    ]);
    const password = scalar(root, ['services', 'db', 'environment', 'PASSWORD']);
    expect(password.value).to.equal('${DB_PASSWORD:?set it in .env}');
    expect(password).to.not.have.property('raw');
    expect(password.unknown).to.equal(true);
    expect(scalar(root, ['services', 'db', 'environment', 'HOST']).value).to.equal('db');
  });

  it('reports invalid syntax at the scalar', () => {
    const { diagnostics } = load(['services:', '  web:', '    image: "nginx:${TAG"', ''].join('\n'));
    expect(diagnostics).to.deep.equal([
      {
        ruleId: 'compose-load',
        severity: 'error',
        message: 'invalid interpolation format in "nginx:${TAG"; Compose cannot load the file. ' + 'write a variable as "${NAME}" or "${NAME:-default}", or "$$" for a literal "$"',
        span: { file: 'compose.yaml', line: 3, column: 12, endLine: 3, endColumn: 25 },
      },
    ]);
  });

  it('reports an anchored value once, however often it is used', () => {
    const text = ['x-host: &host ${UNSET:?set it}', 'services:', '  a:', '    hostname: *host', '  b:', '    hostname: *host', ''].join('\n');
    const { root, diagnostics } = load(text);
    expect(diagnostics).to.deep.equal([
      {
        ruleId: 'compose-load',
        severity: 'error',
        message: 'required variable "UNSET" is missing a value: set it',
        span: { file: 'compose.yaml', line: 1, column: 15, endLine: 1, endColumn: 31 },
      },
    ]);
    expect(scalar(root, ['services', 'b', 'hostname']).unknown).to.equal(true);
  });

  it('casts each use of an anchored value by the path it is used at', () => {
    const text = ['x-n: &n "${N}"', 'services:', '  web:', '    scale: *n', '    hostname: *n', ''].join('\n');
    const { root } = load(text);
    expect(scalar(root, ['services', 'web', 'scale']).value).to.equal(3);
    expect(scalar(root, ['services', 'web', 'hostname']).value).to.equal('3');
    expect(scalar(root, ['x-n']).value).to.equal('3');
  });
});
