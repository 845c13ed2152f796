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

  it('-f - alone with --stdin-filename lints the project that file is in: the override file beside it merges in', () => {
    const dir = tempProject({ 'compose.yaml': 'services:\n  web:\n    image: nginx\n', 'compose.override.yaml': 'services:\n  web:\n    ports: ["80:80"]\n' });
    const r = cli(dir, ['-f', '-', '--stdin-filename', 'compose.yaml', '--format', 'compact'], 'services:\n  web:\n    image: nginx\n    network_mode: host\n');
    expect(r.stdout.trim().split('\n')).to.deep.equal([
      'compose.override.yaml:3:5: warning: service "web" publishes port "80:80" but uses network_mode "host" (compose.yaml line 4); Docker discards published ports under host networking and the application listens on the host\'s own ports (the container ports, not the published ones). remove "ports" and make the application listen on the host port it needs [no-host-network-ports]',
    ]);
    // a name no project in that directory reads: the file alone, as before
    const alone = cli(dir, ['-f', '-', '--stdin-filename', 'other.yaml', '--format', 'compact'], 'services:\n  web:\n    image: nginx\n    network_mode: host\n');
    expect([alone.status, alone.stdout]).to.deep.equal([0, '']);
  });

  it('never fixes through an alias: a node an alias reuses is left as it is, an unshared one is fixed', () => {
    const text = 'services:\n  pg2:\n    image: postgres\n    ports: &p ["5433:5432"]\n  app2:\n    image: nginx\n    ports: *p\n  pg3:\n    image: postgres\n    ports: &q ["5434:5432"]\n';
    const dir = tempProject({ 'compose.yaml': text });
    const r = cli(dir, ['--fix-dry-run', '--format', 'compact']);
    expect(r.stdout).to.equal('--- a/compose.yaml\n+++ b/compose.yaml\n@@ -7,4 +7,4 @@\n     ports: *p\n   pg3:\n     image: postgres\n-    ports: &q ["5434:5432"]\n+    ports: &q ["127.0.0.1:5434:5432"]\n');
  });

  it('--fix-dry-run reports what remains at its place in the file on disk, and renumbers the lines its message names', () => {
    const text = 'services:\n  web:\n    image: nginx\n    network_mode: host\n    ports:\n      - "80:80"\n      - "81:81"\n  a:\n    image: nginx\n    ports: ["9000:80"]\n  b:\n    image: nginx\n    ports: ["9000:80"]\n';
    const dir = tempProject({ 'compose.yaml': text });
    const dry = cli(dir, ['--fix-dry-run', '--format', 'compact']);
    expect(dry.stderr.trimEnd().split('\n').slice(1)).to.deep.equal([
      'compose.yaml:13:13: error: host port "9000/tcp" is published by both "b" and "a" (line 10); the second container will fail to start. publish a different host port [no-duplicate-published-ports]',
    ]);
    // --fix writes the fixed text, so there the positions are the fixed text's
    const fixed = cli(dir, ['--fix', '--format', 'compact']);
    expect(fixed.stdout).to.match(/^compose\.yaml:10:13: error: .*\(line 7\)/);
  });

  it('--fix keeps a UTF-8 byte-order mark and CRLF line ends', () => {
    const dir = tempProject({ 'compose.yaml': '\uFEFFservices:\r\n  web:\r\n    image: nginx\r\n    network_mode: host\r\n    ports: ["80:80"]\r\n' });
    const r = cli(dir, ['--fix', '--format', 'compact']);
    expect(r.stderr).to.equal('compose-netlint: fixed 1 problem in 1 file\n');
    expect(fs.readFileSync(path.join(dir, 'compose.yaml'))).to.deep.equal(Buffer.from('\uFEFFservices:\r\n  web:\r\n    image: nginx\r\n    network_mode: host\r\n'));
  });
});
