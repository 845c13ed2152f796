import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempProject } from '../helpers/project';

const BIN = path.resolve(__dirname, '..', '..', 'dist', 'lib', 'cli', 'bin.js');

const COMPOSE = `services:
  db:
    image: postgres:16 # pinned
    ports:
      - "5432:5432"
    networks: [back]
  proxy:
    image: nginx
    network_mode: host
    ports:
      - "80:80"
`;

function cli(cwd: string, args: string[], input?: string) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd, input, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
}

describe('cli: --fix, --fix-dry-run and standard input', () => {
  it('--fix-dry-run prints a unified diff, writes nothing, and reports what would remain on stderr', () => {
    const dir = tempProject({ 'compose.yaml': COMPOSE });
    const r = cli(dir, ['--fix-dry-run', '--format', 'compact']);
    expect(r.stdout).to.equal(
      [
        '--- a/compose.yaml',
        '+++ b/compose.yaml',
        '@@ -2,10 +2,8 @@',
        '   db:',
        '     image: postgres:16 # pinned',
        '     ports:',
        '-      - "5432:5432"',
        '+      - "127.0.0.1:5432:5432"',
        '     networks: [back]',
        '   proxy:',
        '     image: nginx',
        '     network_mode: host',
        '-    ports:',
        '-      - "80:80"',
        '',
      ].join('\n'),
    );
    const [summary, ...report] = r.stderr.trimEnd().split('\n');
    expect(summary).to.equal('compose-netlint: --fix-dry-run: 2 fixes in 1 file, nothing written');
    expect(report).to.have.length(1);
    expect(report[0]).to.match(/^compose\.yaml:6:16: error: service "db" attaches to network "back", which is not declared .*\[no-undefined-network\]$/);
    expect(r.status).to.equal(1);
    expect(fs.readFileSync(path.join(dir, 'compose.yaml'), 'utf8')).to.equal(COMPOSE);
  });

  it('--fix writes the fixes, reports what remains, and a second run finds nothing to fix; --fix-safe leaves changes-behaviour fixes out', () => {
    const dir = tempProject({ 'compose.yaml': COMPOSE });
    const safe = cli(dir, ['--fix', '--fix-safe', '--format', 'compact']);
    expect(safe.stderr).to.equal('compose-netlint: fixed 1 problem in 1 file\n');
    expect(safe.stdout).to.include('[no-public-datastore-ports]');
    expect(fs.readFileSync(path.join(dir, 'compose.yaml'), 'utf8')).to.equal(COMPOSE.replace('    ports:\n      - "80:80"\n', ''));
    const all = cli(dir, ['--fix', '--format', 'compact']);
    expect(all.stderr).to.equal('compose-netlint: fixed 1 problem in 1 file\n');
    expect(
      all.stdout
        .trim()
        .split('\n')
        .map((l) => /\[([a-z-]+)\]$/.exec(l)?.[1]),
    ).to.deep.equal(['no-undefined-network']);
    expect(all.status).to.equal(1);
    const fixedText = fs.readFileSync(path.join(dir, 'compose.yaml'), 'utf8');
    expect(fixedText).to.include('- "127.0.0.1:5432:5432"');
    const again = cli(dir, ['--fix', '--format', 'compact']);
    expect(again.stderr).to.equal('');
    expect(fs.readFileSync(path.join(dir, 'compose.yaml'), 'utf8')).to.equal(fixedText);
  });

  it('-f - reads standard input: --stdin-filename names it and finds its project (the override file on disk merges in)', () => {
    const dir = tempProject({ 'compose.yaml': 'services: {}\n', 'compose.override.yaml': 'services:\n  db:\n    networks: [back]\n' });
    const named = cli(dir, ['-f', '-', '-f', 'compose.override.yaml', '--stdin-filename', 'compose.yaml', '--format', 'compact'], 'services:\n  db:\n    image: postgres:16\n    ports: ["5432:5432"]\n');
    expect(named.stdout.trim().split('\n')).to.deep.equal([
      'compose.override.yaml:3:16: error: service "db" attaches to network "back", which is not declared under the top-level "networks"; Compose refuses to start the project. declare it (declared: none) [no-undefined-network]',
      'compose.yaml:4:13: warning: service "db" publishes the PostgreSQL port "5432" on all interfaces as host port "5432"; anyone who can reach the host can connect to it. bind it to 127.0.0.1 ("127.0.0.1:5432:5432") or remove the mapping if only other containers use it [no-public-datastore-ports]',
    ]);
    const unnamed = cli(dir, ['-f', '-', '--format', 'compact'], 'services:\n  db:\n    image: postgres:16\n    ports: ["5432:5432"]\n');
    expect(unnamed.stdout).to.match(/^-:4:13: warning: /);
    const diff = cli(dir, ['-f', '-', '--stdin-filename', 'compose.yaml', '--fix-dry-run'], 'services:\n  db:\n    image: postgres:16\n    ports: ["5432:5432"]\n');
    expect(diff.stdout).to.equal('--- a/compose.yaml\n+++ b/compose.yaml\n@@ -1,4 +1,4 @@\n services:\n   db:\n     image: postgres:16\n-    ports: ["5432:5432"]\n+    ports: ["127.0.0.1:5432:5432"]\n');
    expect(fs.readFileSync(path.join(dir, 'compose.yaml'), 'utf8')).to.equal('services: {}\n');
  });

  it('README shows the --fix-dry-run output of the example project as the command prints it', () => {
    const root = path.resolve(__dirname, '..', '..');
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const block = /<!-- fix-dry-run:begin -->\n```console\n\$ compose-netlint (.*)\n([^]*?)```\n<!-- fix-dry-run:end -->/.exec(readme);
    expect(block, 'the README block').not.to.equal(null);
    const r = cli(root, block![1].split(' '));
    expect(r.stdout).to.equal(block![2]);
    expect(r.stderr.split('\n')[0]).to.equal('compose-netlint: --fix-dry-run: 2 fixes in 1 file, nothing written');
    // the findings that remain, counted by rule from the run itself, as the paragraph after the block words them
    const counts = new Map<string, number>();
    for (const m of r.stderr.matchAll(/^\S+:\d+:\d+: warning: .* \[([a-z0-9-]+)\]$/gm)) counts.set(m[1], (counts.get(m[1]) ?? 0) + 1);
    const number = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
    const remaining = [...counts].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1)).map(([id, n]) => `${number[n]} \`${id}\``);
    expect(/<!-- fix-dry-run:remaining -->(.*?)<!-- \/fix-dry-run:remaining -->/.exec(readme.replace(/\n/g, ' '))?.[1]).to.equal(remaining.join(', '));
  });

  it('refuses --fix on standard input, --stdin-filename without -f -, and --fix with --fix-dry-run, in one line each', () => {
    const dir = tempProject({ 'compose.yaml': COMPOSE });
    const cases: [string[], string][] = [
      [['-f', '-', '--fix'], 'compose-netlint: --fix cannot write back to standard input; use --fix-dry-run for a diff\n'],
      [['--stdin-filename', 'x.yaml'], 'compose-netlint: --stdin-filename names the file read with "-f -"; give "-f -" too\n'],
      [['--fix', '--fix-dry-run'], 'compose-netlint: give --fix or --fix-dry-run, not both\n'],
      [['--fix-safe'], 'compose-netlint: --fix-safe goes with --fix or --fix-dry-run\n'],
    ];
    for (const [args, message] of cases) {
      const r = cli(dir, args, '');
      expect([r.status, r.stderr], args.join(' ')).to.deep.equal([2, message]);
    }
  });
});
