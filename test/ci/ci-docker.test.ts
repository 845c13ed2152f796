import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { ROOT } from '../helpers/rules';

const SCRIPT = path.join(ROOT, 'scripts', 'ci-docker.sh');
const PT_LOAD = 1;
const PT_INTERP = 3;
const PT_GNU_STACK = 0x6474e551;

/** An ELF header (64- or 32-bit, little-endian) followed by program headers of the given types; enough for the check, not to run. */
function elf(types: number[], bits: 64 | 32 = 64): Buffer {
  const ehsize = bits === 64 ? 64 : 52;
  const phentsize = bits === 64 ? 56 : 32;
  const b = Buffer.alloc(ehsize + phentsize * types.length);
  b.write('\x7fELF', 0, 'latin1');
  b[4] = bits === 64 ? 2 : 1;
  b[5] = 1;
  b[6] = 1;
  b.writeUInt16LE(2, 16);
  b.writeUInt16LE(bits === 64 ? 0x3e : 0x03, 18);
  b.writeUInt32LE(1, 20);
  if (bits === 64) {
    b.writeBigUInt64LE(BigInt(ehsize), 32);
    b.writeUInt16LE(ehsize, 52);
    b.writeUInt16LE(phentsize, 54);
    b.writeUInt16LE(types.length, 56);
  } else {
    b.writeUInt32LE(ehsize, 28);
    b.writeUInt16LE(ehsize, 40);
    b.writeUInt16LE(phentsize, 42);
    b.writeUInt16LE(types.length, 44);
  }
  types.forEach((t, i) => b.writeUInt32LE(t >>> 0, ehsize + i * phentsize));
  return b;
}

/** Sources the script (which then only defines its functions) and runs one of them. */
function call(fn: string, file: string): number {
  const r = spawnSync('bash', ['-c', `source "$1" && ${fn} "$2"`, 'test', SCRIPT, file], { encoding: 'utf8', timeout: 20_000 });
  if (r.error) throw r.error;
  return r.status!;
}

describe('scripts/ci-docker.sh: the busybox of the probe image must be statically linked', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnl-ci-docker-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, content: Buffer | string, mode = 0o755): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content, { mode });
    return file;
  };

  it('sourcing the script only defines its functions: nothing is installed or started', () => {
    const r = spawnSync('bash', ['-c', 'source "$1"; echo sourced; type is_static_elf busybox_usable >/dev/null && echo defined', 'test', SCRIPT], { encoding: 'utf8', timeout: 20_000 });
    expect(r.status).to.equal(0);
    expect(r.stdout).to.equal('sourced\ndefined\n');
    expect(r.stderr).to.equal('');
  });

  it('an ELF without a PT_INTERP program header is static, with one it is dynamic, 64 and 32 bits', () => {
    expect(call('is_static_elf', write('static64', elf([PT_LOAD, PT_GNU_STACK])))).to.equal(0);
    expect(call('is_static_elf', write('dynamic64', elf([PT_LOAD, PT_INTERP, PT_LOAD])))).to.equal(1);
    expect(call('is_static_elf', write('static32', elf([PT_LOAD], 32)))).to.equal(0);
    expect(call('is_static_elf', write('dynamic32', elf([PT_INTERP, PT_LOAD], 32)))).to.equal(1);
  });

  it("this machine's node, which is dynamically linked, is not static; neither is a script or a missing file", () => {
    expect(call('is_static_elf', process.execPath)).to.equal(1);
    expect(call('is_static_elf', write('script', '#!/bin/sh\necho hi\n'))).to.equal(1);
    expect(call('is_static_elf', path.join(dir, 'missing'))).to.equal(1);
    expect(call('is_static_elf', write('truncated', elf([PT_LOAD]).subarray(0, 40)))).to.equal(1);
  });

  it('a busybox that lists nslookup but is not a static executable is refused, so busybox-static gets installed', () => {
    // what the old check accepted: it only asked `busybox --list` for nslookup
    const fake = write('busybox', '#!/bin/sh\n[ "$1" = --list ] && printf "sh\\nnslookup\\n"\n');
    expect(spawnSync(fake, ['--list'], { encoding: 'utf8' }).stdout).to.include('nslookup');
    expect(call('busybox_usable', fake)).to.equal(1);
    const dynamic = write('busybox-dynamic', elf([PT_INTERP, PT_LOAD]));
    expect(call('busybox_usable', dynamic)).to.equal(1);
  });
});
