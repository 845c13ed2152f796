import { expect } from 'chai';
import { main } from '../../lib/cli/main';
import { buildGraph } from '../../lib/model';
import { defineRule, type RuleContext } from '../../lib/engine/rule';
import { RuleError, runRules } from '../../lib/engine/run';
import { loadProject } from '../../lib/source/project';
import { rules } from '../../rules';
import { tempProject } from '../helpers/project';

function run(args: string[], cwd: string) {
  let stdout = '';
  let stderr = '';
  const code = main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {}, cwd, isTty: false });
  return { code, stdout, stderr, json: () => JSON.parse(stdout) };
}

// one finding of no-undefined-network at 4:23
const UNDEFINED = 'services:\n  web:\n    image: nginx\n    networks: [front, bakc]\nnetworks:\n  front: {}\n  back: {}\n';

describe('engine: configuration', () => {
  it('finds .compose-netlint.yaml upward from the project and turns a rule off', () => {
    const dir = tempProject({ '.compose-netlint.yaml': 'rules:\n  no-undefined-network: off\n', 'app/compose.yaml': UNDEFINED });
    expect(run(['app'], dir).code).to.equal(0);
  });

  it('reads package.json#compose-netlint and changes a level', () => {
    const dir = tempProject({ 'package.json': JSON.stringify({ name: 'x', 'compose-netlint': { rules: { 'no-undefined-network': 'warning' } } }), 'compose.yaml': UNDEFINED });
    const r = run(['--format', 'json'], dir);
    expect(r.code).to.equal(0);
    expect(r.json().findings.map((f: { severity: string }) => f.severity)).to.deep.equal(['warning']);
  });

  it('failOn: warning makes warnings fail the run', () => {
    const dir = tempProject({ '.compose-netlint.json': '{"failOn": "warning", "rules": {"no-undefined-network": ["warning"]}}', 'compose.yaml': UNDEFINED });
    expect(run([], dir).code).to.equal(1);
  });

  it('reports configuration mistakes as config-error findings at their exact position', () => {
    const dir = tempProject({ '.compose-netlint.yaml': 'rules:\n  no-undefined-netwrk: off\nfailon: warning\n', 'compose.yaml': 'services: {web: {image: a}}\n' });
    const r = run(['--format', 'json'], dir);
    expect(r.code).to.equal(1);
    const found = r.json().findings.map((f: { message: string; line: number; column: number; endColumn: number; file: string }) => `${f.file}:${f.line}:${f.column}-${f.endColumn} ${f.message}`);
    expect(found).to.deep.equal(['.compose-netlint.yaml:2:3-22 unknown rule "no-undefined-netwrk". did you mean "no-undefined-network"?', '.compose-netlint.yaml:3:1-7 unknown key "failon" in the configuration. did you mean "failOn"?']);
  });

  it('reports a bad level at the value', () => {
    const dir = tempProject({ '.compose-netlint.yaml': 'rules:\n  no-undefined-network: loud\n', 'compose.yaml': 'services: {web: {image: a}}\n' });
    const f = run(['--format', 'json'], dir).json().findings[0];
    expect(f).to.deep.include({ ruleId: 'config-error', line: 2, column: 25, message: 'rule "no-undefined-network" must be off, info, warning or error, or [level, options]' });
  });

  it('drops findings in ignored files', () => {
    const dir = tempProject({ '.compose-netlint.yaml': 'ignore: ["legacy/**"]\n', 'legacy/compose.yaml': UNDEFINED });
    expect(run(['legacy'], dir).code).to.equal(0);
  });

  it('--config points at a file and --rule overrides it', () => {
    const dir = tempProject({ 'lint.yaml': 'rules: {no-undefined-network: off}\n', 'compose.yaml': UNDEFINED });
    expect(run(['--config', 'lint.yaml'], dir).code).to.equal(0);
    expect(run(['--config', 'lint.yaml', '--rule', 'no-undefined-network=error'], dir).code).to.equal(1);
    const bad = run(['--rule', 'no-undefined-netwrk=off'], dir);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.equal('compose-netlint: --rule: unknown rule "no-undefined-netwrk". did you mean "no-undefined-network"?\n');
  });
});

describe('engine: inline suppressions', () => {
  const withDirective = (directive: string) => UNDEFINED.replace('    networks: [front, bakc]', `    ${directive}\n    networks: [front, bakc]`);

  it('disable-next-line with a reason suppresses the finding', () => {
    const r = run(['--format', 'json'], tempProject({ 'compose.yaml': withDirective('# compose-netlint-disable-next-line no-undefined-network -- created by the platform team') }));
    expect(r.code).to.equal(0);
    expect(r.json().findings).to.deep.equal([]);
  });

  it('a directive without a reason suppresses nothing and is reported', () => {
    const r = run(['--format', 'json'], tempProject({ 'compose.yaml': withDirective('# compose-netlint-disable-next-line no-undefined-network') }));
    expect(r.code).to.equal(1);
    expect(r.json().findings.map((f: { ruleId: string; line: number }) => `${f.line} ${f.ruleId}`)).to.deep.equal(['4 config-error', '5 no-undefined-network']);
  });

  it('reports unknown ids and suppressions that suppress nothing', () => {
    const text = '# compose-netlint-disable no-such-rule -- x\nservices:\n  web:\n    # compose-netlint-disable-next-line no-undefined-network -- nothing here\n    image: nginx\n';
    const r = run(['--format', 'json'], tempProject({ 'compose.yaml': text }));
    expect(r.json().findings.map((f: { line: number; message: string }) => `${f.line} ${f.message}`)).to.deep.equal([
      '1 unknown rule id "no-such-rule" in a suppression comment; run "compose-netlint rules" for the list',
      '4 suppression of "no-undefined-network" suppresses nothing here; remove it',
    ]);
  });

  it('a reserved id (compose-schema) can be suppressed, and is not an unknown rule id', () => {
    const text = 'services:\n  web:\n    image: nginx\n    # compose-netlint-disable-next-line compose-schema -- a key our platform reads\n    x_typo_key: 1\n';
    const r = run(['--format', 'json'], tempProject({ 'compose.yaml': text }));
    expect(r.json().findings).to.deep.equal([]);
    expect(r.code).to.equal(0);
  });

  it('disable (rest of file) suppresses findings after it only', () => {
    const text = 'services:\n  web:\n    image: nginx\n    networks: [bakc]\n# compose-netlint-disable no-undefined-network -- legacy services below\n  api:\n    image: api\n    networks: [gone]\nnetworks: {back: {}}\n';
    const r = run(['--format', 'json'], tempProject({ 'compose.yaml': text }));
    expect(r.json().findings.map((f: { line: number }) => f.line)).to.deep.equal([4]);
  });
});

describe('engine: the rules command', () => {
  it('lists every rule, as text and as JSON', () => {
    const dir = tempProject({});
    const text = run(['rules'], dir);
    expect(text.code).to.equal(0);
    expect(text.stdout.trimEnd().split('\n')).to.have.length(rules.length);
    expect(text.stdout).to.match(/^no-undefined-network\s+error\s+correctness\s+Disallow attaching/m);
    const json = run(['rules', '--format', 'json'], dir).json();
    expect(json.rules.map((r: { id: string }) => r.id)).to.deep.equal(rules.map((r) => r.id));
    expect(json.rules.find((r: { id: string }) => r.id === 'no-undefined-network')).to.deep.include({ severity: 'error', category: 'correctness' });
  });
});

describe('engine: the report contract', () => {
  const graph = buildGraph(loadProject({ cwd: tempProject({ 'compose.yaml': 'services: {web: {image: a}}\n' }), env: {} }));
  type Options = { ports: number[] };
  const make = (report: (ctx: RuleContext<Options, 'm'>, g: typeof graph) => void, options?: { schema: Record<string, unknown>; defaults: Options }) =>
    defineRule({ id: 'test-rule', category: 'style', severity: 'info', description: 'Test', probe: { notProbed: 'a test rule' }, messages: { m: 'service "{{service}}"' }, ...(options ? { options } : {}), check: (g, ctx) => report(ctx, g) });

  it('renders messages and fills in ruleId, severity, category and docsUrl', () => {
    const [f] = runRules(graph, [make((ctx, g) => ctx.report({ messageId: 'm', at: g.services.get('web')!, data: { service: 'web' } }))]);
    expect(f).to.deep.include({ ruleId: 'test-rule', severity: 'info', category: 'style', message: 'service "web"', line: 1, column: 12 });
    expect(f.docsUrl).to.match(/rules\/test-rule\.md$/);
  });

  it('keeps messageId, data and the subject (given, or from service/network) on the finding', () => {
    const [given] = runRules(graph, [make((ctx, g) => ctx.report({ messageId: 'm', at: g.services.get('web')!, service: 'web', subject: { kind: 'binding', service: 'web', index: 0 }, data: { service: 'web' } }))]);
    expect(given).to.deep.include({ messageId: 'm', data: { service: 'web' }, subject: { kind: 'binding', service: 'web', index: 0 } });
    const [derived] = runRules(graph, [make((ctx, g) => ctx.report({ messageId: 'm', at: g.services.get('web')!, network: 'default', data: { service: 'web' } }))]);
    expect(derived.subject).to.deep.equal({ kind: 'network', network: 'default' });
  });

  it("gives rules a deeply frozen graph: a rule cannot empty another service's ports or add a service", () => {
    const g = buildGraph(loadProject({ cwd: tempProject({ 'compose.yaml': 'services:\n  web: {image: a, ports: ["8080:80"]}\n  api: {image: a}\n' }), env: {} }));
    const vandal = make((_ctx, graph) => void graph.services.get('web')!.ports.splice(0));
    expect(() => runRules(g, [vandal])).to.throw(TypeError);
    expect(() => runRules(g, [make((_ctx, graph) => void (graph.services as Map<string, unknown>).delete('web'))])).to.throw(TypeError, /read-only/);
    // a frozen property ignores the write (sloppy mode) or throws (strict mode): either way it stays
    try {
      runRules(g, [make((_ctx, graph) => void ((graph.services.get('web')!.ports[0].target.value as { start: number }).start = 1))]);
    } catch (error) {
      expect(error).to.be.instanceOf(TypeError);
    }
    expect(Object.isFrozen(g.services.get('web')!.ports[0].target.value)).to.equal(true);
    expect(g.services.get('web')!.ports.map((p) => p.target.value.start)).to.deep.equal([80]);
  });

  it("types messageIds as the keys of the rule's messages (checked by npm run typecheck)", () => {
    const typed = defineRule({
      id: 'typed-rule',
      category: 'style',
      severity: 'info',
      description: 'Typed',
      probe: { notProbed: 'a test rule' },
      messages: { only: 'service "{{service}}"' },
      check(g, ctx) {
        const at = g.services.get('web')!;
        ctx.report({ messageId: 'only', at, data: { service: 'web' } });
        // @ts-expect-error "other" is not a key of this rule's messages
        if (at.name === 'never') ctx.report({ messageId: 'other', at });
      },
    });
    expect(runRules(graph, [typed]).map((f) => f.messageId)).to.deep.equal(['only']);
  });

  it('throws on an unknown messageId, a missing placeholder or a missing span', () => {
    const at = graph.services.get('web')!;
    // the engine checks at run time what the types forbid: a rule compiled elsewhere, or cast, can still break the contract
    const loose = (ctx: RuleContext<Options, 'm'>) => ctx as unknown as RuleContext<Options, string> & { report(r: { messageId: string; at: object; data?: Record<string, string> }): void };
    expect(() => runRules(graph, [make((ctx) => loose(ctx).report({ messageId: 'nope', at }))])).to.throw(RuleError, /unknown messageId "nope"/);
    expect(() => runRules(graph, [make((ctx) => ctx.report({ messageId: 'm', at }))])).to.throw(RuleError, /needs "service"/);
    expect(() => runRules(graph, [make((ctx) => loose(ctx).report({ messageId: 'm', at: {}, data: { service: 'x' } }))])).to.throw(RuleError, /has no span/);
  });

  it('validates options against the rule schema', () => {
    const rule = make(() => undefined, { schema: { type: 'object', properties: { ports: { type: 'array', items: { type: 'integer' } } }, additionalProperties: false }, defaults: { ports: [] } });
    expect(() => runRules(graph, [rule], new Map([['test-rule', { level: 'warning', options: { ports: ['x'] } }]]))).to.throw(RuleError, /must be integer/);
  });

  it('freezes the graph while rules run', () => {
    expect(Object.isFrozen(graph)).to.equal(true);
  });
});
