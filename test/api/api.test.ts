import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildGraph, formatFindings, InputError, lint, loadProject, rules } from '../../lib/index';
import { rules as registered } from '../../rules';
import { tempProject } from '../helpers/project';

const SHOP = path.resolve(__dirname, '..', '..', 'examples', 'shop');
const UNUSED = 'services:\n  web:\n    image: nginx\nnetworks:\n  spare: {}\n';

function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(InputError);
    return error as InputError;
  }
  throw new Error('expected an InputError');
}

describe('library API (lib/index.ts)', () => {
  it('lint returns the findings, sorted, with positions relative to cwd', () => {
    const findings = lint({ files: ['compose.yaml'], cwd: SHOP, env: {} });
    expect(findings.map((f) => [f.file, f.line, f.column, f.ruleId])).to.deep.equal([
      ['compose.yaml', 24, 19, 'no-unreachable-reference'],
      ['compose.yaml', 30, 5, 'no-ports-on-internal-network'],
    ]);
  });

  it('lint finds the Compose file in projectDirectory when no files are given', () => {
    const dir = tempProject({ 'sub/compose.yaml': UNUSED });
    expect(lint({ projectDirectory: 'sub', cwd: dir, env: {} }).map((f) => [f.file, f.ruleId])).to.deep.equal([[path.join('sub', 'compose.yaml'), 'no-unused-network']]);
  });

  it('lint takes env, envFiles and profiles for interpolation and profiles', () => {
    const dir = tempProject({
      'compose.yaml': 'services:\n  web:\n    image: nginx\n    networks:\n      - ${NET}\n  debug:\n    image: busybox\n    profiles: [debug]\n    networks: [ghost]\nnetworks:\n  front: {}\n',
      'ci.env': 'NET=front\n',
    });
    expect(lint({ cwd: dir, env: { NET: 'front' } }).map((f) => f.ruleId)).to.deep.equal([]);
    expect(lint({ cwd: dir, env: {}, envFiles: ['ci.env'] }).map((f) => f.ruleId)).to.deep.equal([]);
    expect(lint({ cwd: dir, env: { NET: 'front' }, profiles: ['debug'] }).map((f) => f.ruleId)).to.deep.equal(['no-undefined-network']);
  });

  it('config is a file path or the configuration itself', () => {
    const dir = tempProject({ 'compose.yaml': UNUSED, 'lint.yaml': 'rules:\n  no-unused-network: error\n' });
    expect(lint({ cwd: dir, env: {} }).map((f) => f.severity)).to.deep.equal(['warning']);
    expect(lint({ cwd: dir, env: {}, config: 'lint.yaml' }).map((f) => f.severity)).to.deep.equal(['error']);
    expect(lint({ cwd: dir, env: {}, config: { rules: { 'no-unused-network': 'off' } } })).to.deep.equal([]);
    expect(lint({ cwd: dir, env: {}, config: { rules: { 'no-unused-network': ['info'] } } }).map((f) => f.severity)).to.deep.equal(['info']);
    expect(lint({ cwd: dir, env: {}, config: { ignore: ['compose.yaml'] } })).to.deep.equal([]);
  });

  it('a configuration object replaces the configuration file found upward', () => {
    const dir = tempProject({ 'compose.yaml': UNUSED, '.compose-netlint.yaml': 'rules:\n  no-unused-network: off\n' });
    expect(lint({ cwd: dir, env: {} })).to.deep.equal([]);
    expect(lint({ cwd: dir, env: {}, config: {} }).map((f) => f.ruleId)).to.deep.equal(['no-unused-network']);
  });

  it('leaves suppressed findings out', () => {
    const dir = tempProject({ 'compose.yaml': 'services:\n  web:\n    image: nginx\nnetworks:\n  # compose-netlint-disable-next-line no-unused-network -- used by a sibling project\n  spare: {}\n' });
    expect(lint({ cwd: dir, env: {} })).to.deep.equal([]);
  });

  describe('throws InputError with a code for input it cannot read', () => {
    const cases: [string, () => unknown, string, RegExp][] = [
      ['a missing file', () => lint({ files: ['nope.yaml'], cwd: tempProject({}) }), 'ENOENT', /^nope\.yaml: no such file$/],
      ['no Compose file', () => lint({ cwd: tempProject({ 'README.md': '' }) }), 'ENOFILE', /^no Compose file found in /],
      ['an unknown rule in config', () => lint({ cwd: SHOP, config: { rules: { 'no-such-rule': 'off' } } }), 'ECONFIG', /^invalid configuration: unknown rule "no-such-rule"/],
      ['a bad failOn in config', () => lint({ cwd: SHOP, config: { failOn: 'fatal' as 'error' } }), 'ECONFIG', /^invalid configuration: "failOn" must be one of info, warning, error$/],
      ['bad rule options in config', () => lint({ cwd: SHOP, config: { rules: { 'no-legacy-links': ['error', { x: 1 }] } } }), 'ECONFIG', /^invalid configuration: rule "no-legacy-links" must be off, info, warning or error, or \[level, options\]$/],
      ['an unknown format', () => formatFindings([], { format: 'xml' }), 'EUSAGE', /^unknown format "xml"; use .*json.*stylish/],
    ];
    for (const [name, fn, code, message] of cases) {
      it(name, () => {
        const error = inputError(fn);
        expect(error.code).to.equal(code);
        expect(error.message).to.match(message);
      });
    }
  });

  it('problems inside the files are findings, not exceptions', () => {
    const dir = tempProject({ 'compose.yaml': 'services:\n  web:\n    image: [nginx\n' });
    expect(lint({ cwd: dir, env: {} }).map((f) => f.ruleId)).to.deep.equal(['yaml-syntax']);
  });

  it('loadProject and buildGraph give the graph the rules read', () => {
    const project = loadProject({ projectDirectory: SHOP, env: {} });
    expect(project.name).to.equal('shop');
    const graph = buildGraph(project);
    expect(graph.resolves('web', 'api').map((r) => [r.service, r.network])).to.deep.equal([['api', 'front']]);
    expect(graph.connected('api', 'cache')).to.equal(false);
    expect(Object.isFrozen(graph)).to.equal(true);
  });

  it('formatFindings formats as --format does, without colour by default', () => {
    const findings = lint({ files: ['compose.yaml'], cwd: SHOP, env: {} });
    const stylish = formatFindings(findings);
    expect(stylish).to.match(/^compose\.yaml:24:19: error: service "api" references "cache"/);
    expect(stylish).not.to.include('\x1b[');
    expect(stylish).to.match(/2 problems \(1 error, 1 warning\)\n$/);
    expect(JSON.parse(formatFindings(findings, { format: 'json' })).findings).to.deep.equal(findings);
  });

  it('rules is the registry', () => {
    expect(rules).to.equal(registered);
    expect(fs.existsSync(path.join(__dirname, '..', '..', 'rules', `${rules[0].id}.md`))).to.equal(true);
  });
});
