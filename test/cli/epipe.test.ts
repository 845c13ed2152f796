import { expect } from 'chai';
import { spawn } from 'node:child_process';
import * as path from 'node:path';

// Issue 11, item 11: `compose-netlint rules | head -1` printed an EPIPE stack trace and exited 1.
// The reading end of the child's stdout is closed before it writes, so every write meets EPIPE.
const BIN = path.join(__dirname, '..', '..', 'dist', 'lib', 'cli', 'bin.js');
const EXAMPLE = path.join(__dirname, '..', '..', 'examples', 'shop');

function runWithClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('cli: a reader that goes away', () => {
  it('rules: exit 0 and nothing on stderr when stdout is closed', async () => {
    expect(await runWithClosedStdout(['rules'])).to.deep.equal({ code: 0, stderr: '' });
  });

  it("lint: the exit code stays the findings' (1), nothing on stderr", async () => {
    expect(await runWithClosedStdout(['--no-color', EXAMPLE])).to.deep.equal({ code: 1, stderr: '' });
  });

  it("graph: the exit code stays lint's (1), nothing on stderr", async () => {
    expect(await runWithClosedStdout(['graph', EXAMPLE])).to.deep.equal({ code: 1, stderr: '' });
  });
});
