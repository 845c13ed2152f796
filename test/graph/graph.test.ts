import { instance, type Viz } from '@viz-js/viz';
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Finding } from '../../lib/engine/finding';
import { dot, graphDocument, json, mermaid, runGraphCommand, type GraphDocument } from '../../lib/graph';
import { lintProject } from '../../lib/lint';
import { tempProject } from '../helpers/project';
import { ROOT } from '../helpers/rules';

const GOLDENS = path.join(ROOT, 'test', 'graph');

function run(args: string[], cwd = ROOT, env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = runGraphCommand(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env, cwd });
  return { code, stdout, stderr };
}

let viz: Viz | undefined;

/**
 * Graphviz's warning that it has no width for a non-ASCII character: the WebAssembly build has no
 * fonts and estimates text widths from tables of ASCII characters, so it gives this for every `→` of
 * a port label. It is about the renderer, not the graph (`dot` with fonts does not give it).
 */
const NO_FONT_METRICS = /^Warning: no value for width of non-ASCII character \d+\. Falling back to width of space character$/;

/**
 * `dot -Tsvg` by Graphviz compiled to WebAssembly (@viz-js/viz, so no Graphviz needs to be
 * installed): the SVG text; fails on a syntax error and on any other warning or error Graphviz gives.
 */
function renderDot(text: string): string {
  const r = viz!.render(text, { format: 'svg' });
  expect(r.errors.filter((e) => !NO_FONT_METRICS.test(e.message)).map((e) => `${e.level}: ${e.message}`), 'Graphviz errors and warnings').to.deep.equal([]);
  expect(r.status).to.equal('success');
  return r.output!;
}

// scenario -> the PATH given to `compose-netlint graph`, relative to the repository
const SCENARIOS: Record<string, string> = {
  shop: 'examples/shop',
  features: 'test/graph/features',
  stack: 'test/graph/stack/docker-stack.yml',
};

describe('graph', () => {
  before(async () => {
    viz = await instance();
  });

  it('the Graphviz check fails on a syntax error and on a warning about the graph', () => {
    const complaint = (text: string): unknown => {
      try {
        renderDot(text);
      } catch (error) {
        return (error as { actual?: unknown }).actual;
      }
      return 'rendered';
    };
    expect(complaint('digraph { a -> }')).to.deep.equal(["error: syntax error in line 1 near '}'"]);
    expect(complaint('digraph { a [shape=hexagn] }')).to.deep.equal(['warning: using box for unknown shape hexagn']);
    expect(renderDot('digraph { a [label="8080→80"] }')).to.match(/<svg[\s\S]*8080→80/);
  });

  describe('goldens (test/graph/<scenario>.mmd, .dot)', () => {
    for (const [scenario, target] of Object.entries(SCENARIOS)) {
      for (const [format, extension] of [['mermaid', 'mmd'], ['dot', 'dot']]) {
        it(`${scenario} as ${format}`, () => {
          const r = run([target, '--format', format]);
          expect(r.stderr).to.equal('');
          expect(r.code).to.equal(1);
          expect(r.stdout).to.equal(fs.readFileSync(path.join(GOLDENS, `${scenario}.${extension}`), 'utf8'));
        });
      }
      it(`${scenario}: Graphviz renders the DOT golden without an error or warning`, () => {
        const svg = renderDot(fs.readFileSync(path.join(GOLDENS, `${scenario}.dot`), 'utf8'));
        expect(svg).to.match(/<svg[\s\S]*<\/svg>\s*$/);
      });
    }

    it('shop as json equals its golden, the documented shape', () => {
      const r = run(['examples/shop', '--format', 'json']);
      expect(r.stdout).to.equal(fs.readFileSync(path.join(GOLDENS, 'shop.json'), 'utf8'));
    });

    it('the same input gives the same bytes', () => {
      for (const format of ['mermaid', 'dot', 'json']) expect(run(['test/graph/features', '--format', format]).stdout).to.equal(run(['test/graph/features', '--format', format]).stdout);
    });
  });

  describe('the document', () => {
    const shop = JSON.parse(fs.readFileSync(path.join(GOLDENS, 'shop.json'), 'utf8')) as GraphDocument;

    it('places each finding on the element it concerns, and lists it there', () => {
      expect(shop.findings.map((f) => [f.ruleId, f.elements])).to.deep.equal([
        ['no-unreachable-reference', ['edge:11']],
        ['no-ports-on-internal-network', ['service:db', 'network:back']],
      ]);
      expect(shop.edges.find((e) => e.id === 'edge:11')).to.deep.include({ kind: 'reference', from: 'service:api', to: 'service:cache', variable: 'REDIS_HOST', resolves: false, findings: [0] });
      expect(shop.nodes.find((n) => n.id === 'network:back')!.findings).to.deep.equal([1]);
    });

    it('every edge ends on a node, and every element a finding names exists', () => {
      const features = JSON.parse(run(['test/graph/features', '--format', 'json']).stdout) as GraphDocument;
      for (const doc of [shop, features]) {
        const ids = new Set([...doc.nodes.map((n) => n.id), ...doc.edges.map((e) => e.id)]);
        for (const e of doc.edges) expect(ids.has(e.from) && ids.has(e.to), `${e.id} ${e.from} -> ${e.to}`).to.equal(true);
        for (const f of doc.findings) for (const id of [...f.elements, ...f.relatedElements]) expect(ids.has(id), id).to.equal(true);
      }
    });

    it('an attachment to an undeclared network draws no edge; its finding goes on the service', () => {
      const dir = tempProject({ 'compose.yaml': 'services:\n  web:\n    image: nginx\n    networks: [ghost]\n' });
      const doc = JSON.parse(run(['--format', 'json'], dir).stdout) as GraphDocument;
      expect(doc.edges).to.deep.equal([]);
      expect(doc.findings.map((f) => [f.ruleId, f.elements])).to.deep.equal([['no-undefined-network', ['service:web']]]);
    });

    it('a project that does not parse is an empty graph with its findings in a note', () => {
      const dir = tempProject({ 'compose.yaml': 'services:\n  web:\n    image: [nginx\n' });
      const r = run(['--format', 'json'], dir);
      expect(r.code).to.equal(1);
      const doc = JSON.parse(r.stdout) as GraphDocument;
      expect(doc.nodes).to.deep.equal([]);
      expect(doc.findings.map((f) => [f.ruleId, f.elements])).to.deep.equal([['yaml-syntax', []]]);
      expect(run(['--format', 'mermaid'], dir).stdout).to.match(/^ {2}notes>"findings not on the graph<br>error: yaml-syntax \(compose\.yaml:\d+:\d+\)"\]$/m);
      renderDot(run(['--format', 'dot'], dir).stdout);
    });

    it('leaves suppressed findings out', () => {
      const dir = tempProject({ 'compose.yaml': 'services:\n  web:\n    image: nginx\n    # compose-netlint-disable-next-line no-undefined-network -- created by another project\n    networks: [ghost]\n' });
      const result = lintProject({ cwd: dir, env: {} });
      expect(result.findings.filter((f) => f.suppressed)).to.have.length(1);
      const doc = graphDocument({ graph: result.graph, project: result.project, findings: result.findings, toolVersion: '0.0.0' });
      expect(doc.findings).to.deep.equal([]);
      expect(doc.summary).to.deep.equal({ errors: 0, warnings: 0, infos: 0 });
    });

    it('escapes what Mermaid and DOT would read as syntax', () => {
      const finding: Finding = { ruleId: 'x-rule', severity: 'warning', message: 'a "quoted" \\ message', file: 'c.yaml', line: 1, column: 1, endLine: 1, endColumn: 2 };
      const doc: GraphDocument = {
        version: 1,
        tool: { name: 'compose-netlint', version: '0.0.0' },
        project: { name: 'odd "name"', mode: 'compose', files: ['c.yaml'] },
        nodes: [
          { id: 'network:n', kind: 'network', name: 'n', dockerName: 'a"b<c>#d|e&f`g\\h', declared: true, driver: null, external: true, internal: false, attachable: false, ipv6: null, ipam: [], span: null, findings: [0] },
        ],
        edges: [],
        findings: [{ ...finding, elements: ['network:n'], relatedElements: [] }],
        summary: { errors: 0, warnings: 1, infos: 0 },
      };
      expect(mermaid(doc)).to.include('net0{{"n<br>external #34;a#34;b#60;c#62;#35;d#124;e#38;f#96;g\\h#34;<br>warning: x-rule"}}');
      const text = dot(doc);
      expect(text).to.include('label="n\\nexternal \\"a\\"b<c>#d|e&f`g\\\\h\\"\\nwarning: x-rule"');
      expect(text).to.include('tooltip="x-rule: a \\"quoted\\" \\\\ message"');
      renderDot(text);
      expect(JSON.parse(json(doc))).to.deep.equal(doc);
    });
  });

  describe('the command', () => {
    it('defaults to Mermaid on stdout, and exits 0 for a clean project', () => {
      const dir = tempProject({ 'compose.yaml': 'services:\n  web:\n    image: nginx\n' });
      expect(run([], dir)).to.deep.equal({
        code: 0,
        stdout: ['%% compose-netlint graph of project proj (compose)', 'flowchart LR', '  svc0["web"]', '  net0{{"default (implicit)<br>bridge"}}', '  svc0 --- net0', ''].join('\n'),
        stderr: '',
      });
    });

    it('takes -f files, --env-file and --profile as lint does', () => {
      const dir = tempProject({
        'base.yaml': 'services:\n  web:\n    image: nginx\n    ports: ["${PORT}:80"]\n  debug:\n    image: busybox\n    profiles: [debug]\n',
        'over.yaml': 'services:\n  web:\n    networks: [front]\nnetworks:\n  front: {}\n',
        'vars.env': 'PORT=8081\n',
      });
      const doc = JSON.parse(run(['-f', 'base.yaml', '-f', 'over.yaml', '--env-file', 'vars.env', '--profile', 'debug', '--format', 'json'], dir).stdout) as GraphDocument;
      expect(doc.project.files).to.deep.equal(['base.yaml', 'over.yaml']);
      expect(doc.nodes.map((n) => n.id)).to.deep.equal(['host', 'service:web', 'service:debug', 'network:front', 'network:default']);
      expect(doc.edges.find((e) => e.kind === 'published')).to.deep.include({ from: 'host', to: 'service:web' }).and.have.nested.property('port.published', '8081');
    });

    it('--output writes the graph to a file relative to the working directory', () => {
      const dir = tempProject({ 'compose.yaml': 'services:\n  web:\n    image: nginx\n' });
      const r = run(['--format', 'dot', '--output', 'graph.dot'], dir);
      expect(r).to.deep.equal({ code: 0, stdout: '', stderr: '' });
      renderDot(fs.readFileSync(path.join(dir, 'graph.dot'), 'utf8'));
    });

    it('fails at the configured threshold as lint does', () => {
      const dir = tempProject({ 'compose.yaml': 'services:\n  web:\n    image: nginx\nnetworks:\n  spare: {}\n' });
      expect(run([], dir).code).to.equal(0);
      expect(run(['--rule', 'no-unused-network=error'], dir).code).to.equal(1);
      fs.writeFileSync(path.join(dir, '.compose-netlint.yaml'), 'failOn: warning\n');
      expect(run([], dir).code).to.equal(1);
    });

    it('--help prints the graph usage', () => {
      const r = run(['--help']);
      expect(r.code).to.equal(0);
      expect(r.stdout).to.match(/^compose-netlint graph: /);
    });

    describe('input errors exit 2 with one line on stderr', () => {
      const cases: [string, string[], RegExp][] = [
        ['two paths', ['a', 'b'], /^compose-netlint: graph draws one project; give one PATH, not 2\n$/],
        ['-f with a path', ['-f', 'compose.yaml', 'x'], /^compose-netlint: give either -f files or a PATH, not both\n$/],
        ['unknown format', ['--format', 'svg'], /^compose-netlint: unknown graph format "svg"; use dot, json, mermaid\n$/],
        ['two formats', ['--format', 'dot', '--format', 'json'], /^compose-netlint: --format may be given once for graph\n$/],
        ['unknown option', ['--frobnicate'], /^compose-netlint: unknown option "--frobnicate"; see graph --help\n$/],
        ['bad --mode', ['--mode', 'k8s'], /^compose-netlint: --mode must be compose, stack or auto, not "k8s"\n$/],
        ['bad --rule', ['--rule', 'no-such-rule=off'], /^compose-netlint: --rule: unknown rule "no-such-rule"/],
        ['missing file', ['-f', 'nope.yaml'], /^compose-netlint: nope\.yaml: no such file\n$/],
        ['unwritable --output', ['--output', 'no/such/dir/graph.mmd'], /^compose-netlint: cannot write no\/such\/dir\/graph\.mmd \(ENOENT\)\n$/],
      ];
      for (const [name, args, stderr] of cases) {
        it(name, () => {
          const r = run(args, tempProject({ 'compose.yaml': 'services:\n  web:\n    image: nginx\n' }));
          expect(r.code, r.stderr).to.equal(2);
          expect(r.stderr).to.match(stderr);
          expect(r.stdout).to.equal('');
        });
      }
    });
  });

  describe('docs', () => {
    const section = fs.readFileSync(path.join(ROOT, 'docs', 'graph-section.md'), 'utf8');

    it('docs/graph-section.md shows the shop golden as its Mermaid block', () => {
      const block = /```mermaid\n([\s\S]*?)```/.exec(section);
      expect(block, 'a ```mermaid block').to.not.equal(null);
      expect(block![1]).to.equal(fs.readFileSync(path.join(GOLDENS, 'shop.mmd'), 'utf8'));
    });

    it('docs/shop-graph.svg is the shop DOT golden drawn by Graphviz', () => {
      expect(section).to.include('](docs/shop-graph.svg)');
      const svg = fs.readFileSync(path.join(ROOT, 'docs', 'shop-graph.svg'), 'utf8');
      // the elements and every text drawn, which do not depend on the Graphviz version the way coordinates do
      const texts = (text: string) => [...text.matchAll(/<(title|text|a)\b[^>]*?(?:xlink:title="([^"]*)")?[^>]*>([^<]*)/g)].map((m) => `${m[1]} ${m[2] ?? ''} ${m[3]}`).sort();
      expect(texts(svg)).to.deep.equal(texts(renderDot(fs.readFileSync(path.join(GOLDENS, 'shop.dot'), 'utf8'))));
    });
  });
});
