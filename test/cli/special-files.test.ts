import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../../lib/source/diagnostic';
import { readBounded } from '../../lib/source/read';
import { tempProject } from '../helpers/project';

/**
 * Files that are not regular files, at every place a project names a file: a symlink to /dev/zero
 * (git stores symlinks, so a pull request can add one) and a FIFO. Each run is a child process with
 * a deadline, since a read that does not stop would otherwise hang or fill the test process.
 */
const BIN = path.join(__dirname, '..', '..', 'dist', 'lib', 'cli', 'bin.js');
const DEADLINE_MS = 15_000;

function cli(args: string[], cwd: string) {
  const started = Date.now();
  const r = spawnSync(process.execPath, ['--', BIN, ...args], { cwd, encoding: 'utf8', timeout: DEADLINE_MS, env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' } });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - started };
}

function mkfifo(file: string): void {
  const r = spawnSync('mkfifo', [file]);
  if (r.status !== 0) throw new Error(`mkfifo ${file}: ${r.stderr}`);
}

const COMPOSE = 'services:\n  web:\n    image: nginx\n';

/** Entry points: the project's files (the special one is written last, under `special`), and the arguments. */
const ENTRY_POINTS: { name: string; files: Record<string, string>; special: string; args: string[] }[] = [
  { name: 'compose.yaml', files: {}, special: 'compose.yaml', args: [] },
  { name: 'the configuration file', files: { 'compose.yaml': COMPOSE }, special: '.compose-netlint.yaml', args: [] },
  { name: 'the --config file', files: { 'compose.yaml': COMPOSE }, special: 'ci.yaml', args: ['--config', 'ci.yaml'] },
  { name: 'an include', files: { 'compose.yaml': `include: [inc.yaml]\n${COMPOSE}` }, special: 'inc.yaml', args: [] },
  { name: 'extends.file', files: { 'compose.yaml': 'services:\n  web:\n    extends: { file: base.yaml, service: base }\n' }, special: 'base.yaml', args: [] },
  { name: 'env_file', files: { 'compose.yaml': `${COMPOSE}    env_file: app.env\n` }, special: 'app.env', args: [] },
  { name: '--env-file', files: { 'compose.yaml': COMPOSE }, special: 'vars.env', args: ['--env-file', 'vars.env'] },
  { name: '.env', files: { 'compose.yaml': COMPOSE }, special: '.env', args: [] },
];

describe('files that are not regular files are refused, never read', function () {
  this.timeout(4 * DEADLINE_MS);

  for (const entry of ENTRY_POINTS) {
    it(`${entry.name}: a symlink to /dev/zero and a FIFO, each with a one-line error naming the file`, () => {
      for (const [kind, make] of [
        ['a character device', (file: string) => fs.symlinkSync('/dev/zero', file)],
        ['a FIFO', mkfifo],
      ] as const) {
        const dir = tempProject(entry.files);
        make(path.join(dir, entry.special));
        const r = cli(entry.args, dir);
        expect(r.signal, `${kind}: still running after ${DEADLINE_MS} ms`).to.equal(null);
        expect(r.stderr, kind).to.equal(`compose-netlint: ${entry.special}: not a regular file (${kind}); compose-netlint reads only regular files\n`);
        expect(r.status, kind).to.equal(2);
        expect(r.stdout, kind).to.equal('');
      }
    });
  }

  it('/dev/stdin in include is refused, not read, while stdin stays open', async () => {
    const dir = tempProject({ 'compose.yaml': `include: [/dev/stdin]\n${COMPOSE}` });
    // stdin is a pipe nobody writes to or closes, as in a CI step: reading it would never end
    const child = spawn(process.execPath, ['--', BIN], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '' } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), DEADLINE_MS);
    const [status, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
    clearTimeout(timer);
    child.stdin.destroy();
    expect(signal, 'still running').to.equal(null);
    expect(status).to.equal(2);
    expect(stderr).to.match(/^compose-netlint: (\.\.\/)+dev\/stdin: not a regular file \((a FIFO|a socket|a character device)\); compose-netlint reads only regular files\n$/);
  });

  it('a package.json that is a FIFO is passed over while the configuration is searched for', () => {
    const dir = tempProject({ 'compose.yaml': COMPOSE });
    mkfifo(path.join(dir, 'package.json'));
    const r = cli([], dir);
    expect(r.signal).to.equal(null);
    expect({ status: r.status, stderr: r.stderr }).to.deep.equal({ status: 0, stderr: '' });
  });

  it('readBounded stops at the limit plus one byte even where the size says 0 (a /proc file)', function () {
    if (!fs.existsSync('/proc/self/status')) this.skip();
    expect(fs.statSync('/proc/self/status').size).to.equal(0);
    expect(() => readBounded('/proc/self/status', 'status', 'Compose file', 16)).to.throw(InputError, /^status: file is over 0\.0\d* MiB/);
    const dir = tempProject({ 'small.txt': '0123456789abcdef' });
    expect(readBounded(path.join(dir, 'small.txt'), 'small.txt', 'Compose file', 16).toString()).to.equal('0123456789abcdef');
    expect(() => readBounded(path.join(dir, 'small.txt'), 'small.txt', 'Compose file', 15)).to.throw(InputError, /^small\.txt: file is 0\.0 MiB; compose-netlint reads Compose files up to/);
  });
});
