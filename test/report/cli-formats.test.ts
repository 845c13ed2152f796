import { expect } from 'chai';
import { XMLValidator } from 'fast-xml-parser';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../lib/cli/main';
import { tempProject } from '../helpers/project';
import { sarifErrors } from './fixture';

function run(args: string[], cwd: string) {
  let stdout = '';
  let stderr = '';
  const code = main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {}, cwd, isTty: false });
  return { code, stdout, stderr };
}

/** A schema error, and a finding an inline comment suppresses. */
const PROJECT = {
  'compose.yaml': ['services:', '  web:', '    image: nginx', '    netwroks: [front]', '  db:', '    image: postgres', '    # compose-netlint-disable-next-line no-public-datastore-ports -- demo box, firewalled', '    ports: ["5432:5432"]', ''].join(
    '\n',
  ),
};

const COMPACT = 'compose.yaml:4:5: error: unknown key "netwroks" in service "web". did you mean "networks"? [compose-schema]\n';

describe('report: cli with several --format', () => {
  it('writes SARIF to its file and stylish to stdout in one run; only SARIF carries the suppressed finding', () => {
    const dir = tempProject(PROJECT);
    const r = run(['--no-color', '--format', 'sarif=out.sarif', '--format', 'stylish'], dir);
    expect(r.code, r.stderr).to.equal(1);
    expect(r.stdout)
      .to.match(/^compose\.yaml:4:5: error: unknown key "netwroks"/)
      .and.not.to.include('5432');
    const log = JSON.parse(fs.readFileSync(path.join(dir, 'out.sarif'), 'utf8'));
    expect(sarifErrors(log)).to.deep.equal([]);
    const run0 = log.runs[0];
    expect(run0.invocations).to.deep.equal([{ executionSuccessful: true, exitCode: 1 }]);
    expect(run0.results.map((x: { ruleId: string; suppressions?: unknown }) => [x.ruleId, x.suppressions])).to.deep.equal([
      ['compose-schema', undefined],
      ['no-public-datastore-ports', [{ kind: 'inSource', status: 'accepted', justification: 'demo box, firewalled' }]],
    ]);
    expect(run0.results[0].locations[0].physicalLocation).to.deep.equal({
      artifactLocation: { uri: 'compose.yaml', uriBaseId: '%SRCROOT%' },
      region: { startLine: 4, startColumn: 5, endLine: 4, endColumn: 13 },
    });
  });

  it('sends the plain --format to --output and the others to their files, relative to the working directory', () => {
    const dir = tempProject(PROJECT);
    fs.mkdirSync(path.join(dir, 'reports'));
    const r = run(['--output', 'report.txt', '--format', 'compact', '--format', 'junit=reports/junit.xml', '--format', 'github=reports/gh.txt', '--format', 'codeclimate=reports/cq.json'], dir);
    expect(r).to.deep.equal({ code: 1, stdout: '', stderr: '' });
    expect(fs.readFileSync(path.join(dir, 'report.txt'), 'utf8')).to.equal(COMPACT);
    expect(XMLValidator.validate(fs.readFileSync(path.join(dir, 'reports/junit.xml'), 'utf8'))).to.equal(true);
    expect(fs.readFileSync(path.join(dir, 'reports/gh.txt'), 'utf8')).to.equal(
      '::error file=compose.yaml,line=4,col=5,endLine=4,endColumn=12,title=compose-schema::unknown key "netwroks" in service "web". did you mean "networks"?\n' +
        'compose-netlint: project "proj" linted in compose mode because "compose.yaml" is a file name docker compose finds by itself; engine target docker@29.1\n',
    );
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'reports/cq.json'), 'utf8')).map((i: { check_name: string }) => i.check_name)).to.deep.equal(['compose-schema']);
  });

  it('writes only the named files when every --format names one', () => {
    const dir = tempProject(PROJECT);
    expect(run(['--format', 'compact=a.txt'], dir)).to.deep.equal({ code: 1, stdout: '', stderr: '' });
    expect(fs.readFileSync(path.join(dir, 'a.txt'), 'utf8')).to.equal(COMPACT);
  });

  it('keeps --output working for a single format', () => {
    const dir = tempProject(PROJECT);
    expect(run(['--format', 'sarif', '--output', 'one.sarif'], dir).stdout).to.equal('');
    expect(sarifErrors(JSON.parse(fs.readFileSync(path.join(dir, 'one.sarif'), 'utf8')))).to.deep.equal([]);
  });

  it('every format runs through the CLI on a clean project, and SARIF from --quiet validates', () => {
    const clean = tempProject({ 'compose.yaml': 'services:\n  web:\n    image: nginx\n' });
    for (const format of ['codeclimate', 'compact', 'github', 'json', 'junit', 'sarif', 'stylish']) expect(run(['--format', format], clean).code, format).to.equal(0);
    const r = run(['--quiet', '--format', 'sarif'], tempProject(PROJECT));
    expect(sarifErrors(JSON.parse(r.stdout))).to.deep.equal([]);
  });

  const refused: [string, string[], string][] = [
    ['two formats to stdout', ['--format', 'json', '--format', 'compact'], 'only one --format may write to stdout, not "json" and "compact"; give the others a file with --format NAME=FILE'],
    ['three formats to stdout', ['--format', 'json', '--format', 'compact', '--format', 'stylish'], 'only one --format may write to stdout, not "json", "compact" and "stylish"; give the others a file with --format NAME=FILE'],
    ['two formats to --output', ['--output', 'r.txt', '--format', 'json', '--format', 'compact'], 'only one --format may write to --output "r.txt", not "json" and "compact"; give the others a file with --format NAME=FILE'],
    ['two formats to one file', ['--format', 'sarif=r.out', '--format', 'junit=./r.out'], 'two formats would write to "./r.out"; give each its own file'],
    ['a named file and --output on the same file', ['--output', 'r.out', '--format', 'sarif=r.out', '--format', 'compact'], 'two formats would write to "r.out"; give each its own file'],
    ['--output with no plain format', ['--output', 'r.txt', '--format', 'sarif=r.sarif'], '--output "r.txt" has no format to write: every --format names its own file'],
    ['an empty file name', ['--format', 'sarif='], '--format needs NAME or NAME=FILE, not "sarif="'],
    ['an empty format name', ['--format', '=r.sarif'], '--format needs NAME or NAME=FILE, not "=r.sarif"'],
    ['an unknown format with a file', ['--format', 'xml=r.xml'], 'unknown format "xml"; use codeclimate, compact, github, json, junit, sarif or stylish'],
    ['a name inherited from Object', ['--format', 'toString'], 'unknown format "toString"; use codeclimate, compact, github, json, junit, sarif or stylish'],
    ['several formats for the rules command', ['rules', '--format', 'json', '--format', 'stylish'], '--format may be given once for "rules"'],
  ];
  for (const [name, args, message] of refused) {
    it(`refuses ${name} with exit 2 and writes nothing`, () => {
      const dir = tempProject(PROJECT);
      expect(run(args, dir)).to.deep.equal({ code: 2, stdout: '', stderr: `compose-netlint: ${message}\n` });
      expect(fs.readdirSync(dir)).to.deep.equal(['compose.yaml']);
    });
  }
});
