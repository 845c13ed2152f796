import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { runProbeCommand } from '../../lib/probe';
import { tempProject } from '../helpers/project';

/** Runs the probe on a one-file project; a project Compose refuses stops before any engine is asked. */
async function probeText(text: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const dir = tempProject({ 'compose.yaml': text });
  let stdout = '';
  let stderr = '';
  try {
    // an engine address nothing answers on: the probe must stop before it connects
    const env = { DOCKER_HOST: 'unix:///nonexistent/docker.sock' };
    const code = await runProbeCommand(['-f', 'compose.yaml'], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env, cwd: dir });
    return { code, stdout, stderr };
  } finally {
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }
}

describe('probe: a project Compose refuses has no twin', () => {
  it('network_mode beside networks: Compose refuses the project, the probe says so at the network_mode (exit 2)', async () => {
    const r = await probeText(['name: mode-and-networks', 'services:', '  a: { image: busybox, network_mode: bridge, networks: [n] }', '  b: { image: busybox }', 'networks:', '  n: {}', ''].join('\n'));
    expect(r.stdout).to.equal('');
    expect(r.stderr).to.equal('compose-netlint: cannot probe: Compose refuses the project, so there is no twin to build (compose.yaml:3:38: service a declares mutually exclusive `network_mode` and `networks`: invalid compose project)\n');
    expect(r.code).to.equal(2);
  });

  it('a dependency cycle through depends_on and links: Compose refuses the project, the twin drops no link (exit 2)', async () => {
    const r = await probeText(['name: cycle', 'services:', '  a: { image: busybox, depends_on: [b] }', '  b: { image: busybox, links: [a] }', ''].join('\n'));
    expect(r.stderr).to.match(/^compose-netlint: cannot probe: Compose refuses the project, so there is no twin to build \(compose\.yaml:4:32: dependency cycle detected: a -> b -> a; /);
    expect(r.code).to.equal(2);
  });

  // compose-load errors: docker compose refuses to load such a project (trial defect 16); the first one is named, at its position
  it('a missing include: the probe names it at the include entry (exit 2, one line, no engine asked)', async () => {
    const r = await probeText(['name: missing-include', 'include:', '  - nowhere.yaml', 'services:', '  a: { image: busybox }', ''].join('\n'));
    expect(r.stdout).to.equal('');
    expect(r.stderr).to.match(
      /^compose-netlint: cannot probe: Compose refuses the project, so there is no twin to build \(compose\.yaml:3:5: included file "[^"\n]*nowhere\.yaml" does not exist; Compose refuses to load a project whose include is missing\. create the file, or correct the path \(relative to the directory of the including project\)\)\n$/,
    );
    expect(r.code).to.equal(2);
  });

  it('a missing env_file: the probe names it at the file name (exit 2)', async () => {
    const r = await probeText(['name: missing-env-file', 'services:', '  a:', '    image: busybox', '    env_file: absent.env', ''].join('\n'));
    expect(r.stderr).to.match(/^compose-netlint: cannot probe: Compose refuses the project, so there is no twin to build \(compose\.yaml:5:15: env file "[^"\n]*absent\.env" of service "a" does not exist; [^\n]*\)\n$/);
    expect(r.code).to.equal(2);
  });

  it('a required variable left unset: the probe names it at the interpolation, and only the first of several errors (exit 2)', async () => {
    const r = await probeText(['name: required-variable', 'services:', '  a:', '    image: busybox', '    environment:', '      DB: ${CNL_T3_UNSET_DB:?set the database}', '      QUEUE: ${CNL_T3_UNSET_QUEUE:?set the queue}', ''].join('\n'));
    expect(r.stderr).to.equal('compose-netlint: cannot probe: Compose refuses the project, so there is no twin to build (compose.yaml:6:11: required variable "CNL_T3_UNSET_DB" is missing a value: set the database)\n');
    expect(r.code).to.equal(2);
  });

  it('a project Compose accepts goes on to the engine', async () => {
    const r = await probeText(['name: fine', 'services:', '  a: { image: busybox }', ''].join('\n'));
    expect(r.stderr).to.not.include('Compose refuses');
    expect(r.stderr).to.match(/nonexistent/);
    expect(r.code).to.equal(2);
  });
});
