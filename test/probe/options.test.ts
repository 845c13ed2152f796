import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { PROJECT_OPTIONS } from '../../lib/project-options';
import { parseProbeArgs, PROBE_HELP, PROBE_OPTIONS } from '../../lib/probe/options';
import { runProbeCommand } from '../../lib/probe';

/** Runs the probe command with no engine behind it (every case here stops before connecting). */
async function probeCli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runProbeCommand(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' }, cwd: __dirname });
  return { code, stdout, stderr };
}

describe('probe options (no docker engine needed)', () => {
  it('--help names every option the probe accepts', async () => {
    const r = await probeCli(['--help']);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.equal(PROBE_HELP);
    const missing = Object.entries(PROBE_OPTIONS).filter(([name, spec]) => !PROBE_HELP.includes(`--${name}`) || ('short' in spec && !PROBE_HELP.includes(`-${spec.short}, --${name}`)));
    expect(missing.map(([name]) => name)).to.deep.equal([]);
    for (const flag of ['--cleanup', '--rule ID=LEVEL', '--debug', '--run ID', '--project NAME', '--older-than DURATION', '--all']) expect(PROBE_HELP).to.include(flag);
  });

  it("the README's probe section names every probe option", () => {
    const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'probe-section.md'), 'utf8');
    const own = Object.keys(PROBE_OPTIONS).filter((name) => !(name in PROJECT_OPTIONS) && !['help', 'no-color'].includes(name));
    expect(own.filter((name) => !doc.includes(`\`--${name}`))).to.deep.equal([]);
  });

  it('--cleanup takes a run, a project, an age or --all; none of them goes without it', () => {
    expect(parseProbeArgs(['--cleanup'])).to.deep.include({ cleanup: true, cleanupAll: false, olderThanMs: 3_600_000 });
    expect(parseProbeArgs(['--cleanup', '--run', '1ae284a1', '--project', 'shop', '--older-than', '30m'])).to.deep.include({ cleanupRun: '1ae284a1', cleanupProject: 'shop', olderThanMs: 1_800_000 });
    expect(parseProbeArgs(['--cleanup', '--all', '--project', 'shop'])).to.deep.include({ cleanupAll: true, cleanupProject: 'shop' });
    const refused: [string[], string][] = [
      [['--run', '1ae284a1'], '--run goes with --cleanup'],
      [['--all'], '--all goes with --cleanup'],
      [['--older-than', '2h'], '--older-than goes with --cleanup'],
      [['--cleanup', '--all', '--older-than', '2h'], 'give either --all or --older-than, not both'],
      [['--cleanup', '--older-than', '90'], '--older-than needs a duration such as 30m, 2h or 1d, not "90"'],
      [['--cleanup', '--run', 'shop'], '--run needs a run id of 8 hex digits (as printed by probe), not "shop"'],
      [['--cleanup', 'compose.yaml'], '--cleanup takes no project; narrow it with --run ID or --project NAME'],
    ];
    for (const [argv, message] of refused) expect(() => parseProbeArgs(argv), argv.join(' ')).to.throw(message);
  });

  it('a usage error is one line and exit 2', async () => {
    const r = await probeCli(['--cleanup', '--older-than', 'soon']);
    expect(r).to.deep.equal({ code: 2, stdout: '', stderr: 'compose-netlint: --older-than needs a duration such as 30m, 2h or 1d, not "soon"\n' });
  });

  it("--rule sets a rule level as lint's does, and a wrong one is a usage error before the engine is asked", async () => {
    expect(parseProbeArgs(['--rule', 'no-legacy-links=off', '--rule', 'no-unused-network=error']).rules).to.deep.equal(['no-legacy-links=off', 'no-unused-network=error']);
    const r = await probeCli(['--rule', 'no-such-rule=off', '-f', 'nonexistent.yaml']);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/^compose-netlint: .*no-such-rule.*\n$/);
  });
});
