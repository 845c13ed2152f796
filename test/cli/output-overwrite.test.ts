import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { run } from '../../lib/cli/main';
import { tempProject } from '../helpers/project';

async function cli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  // no engine answers there: probe must refuse before it reaches for one
  const env = { DOCKER_HOST: 'unix:///nonexistent/docker.sock' };
  const code = await run(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env, cwd, isTty: false });
  return { code, stdout, stderr };
}

const COMPOSE = 'services:\n  web:\n    image: nginx\n    networks: [front]\nnetworks:\n  front: {}\n';

describe('cli: a report is never written over a file of the project (nothing lost)', () => {
  for (const [name, args] of [
    ['lint --format json=FILE', ['--format', 'json=compose.yaml']],
    ['lint --output FILE', ['--format', 'sarif', '--output', 'compose.yaml']],
    ['lint --output of the .env', ['--output', '.env']],
    ['graph --output FILE', ['graph', '--output', 'compose.yaml']],
    ['config --output FILE', ['config', '--output', './compose.yaml']],
    // before anything is built: the engine named here does not exist, so reaching it would be another error
    ['probe --output FILE', ['probe', '--output', 'compose.yaml']],
  ] as const) {
    it(`${name}: exit 2, one line, the file untouched`, async () => {
      const dir = tempProject({ 'compose.yaml': COMPOSE, '.env': 'TAG=1\n' });
      const before = fs.readFileSync(path.join(dir, 'compose.yaml'), 'utf8');
      const r = await cli([...args], dir);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.match(/^compose-netlint: refusing to write the report over \S+, a file of the project it reports on; choose another output file\n$/);
      expect(fs.readFileSync(path.join(dir, 'compose.yaml'), 'utf8')).to.equal(before);
      expect(fs.readFileSync(path.join(dir, '.env'), 'utf8')).to.equal('TAG=1\n');
    });
  }

  // a report created where the project looks for a file would become input to the next run (and to docker compose)
  for (const [name, args, created] of [
    ['a missing .env', ['--format', 'sarif=.env'], '.env'],
    ['a missing .env under --env-file', ['--env-file', 'other.env', '--output', '.env'], '.env'],
    ['a missing compose.override.yaml', ['--output', 'compose.override.yaml'], 'compose.override.yaml'],
    ['a missing docker-compose.override.yml', ['graph', '--output', 'docker-compose.override.yml'], 'docker-compose.override.yml'],
    ['a missing env_file of a service', ['--output', 'web.env'], 'web.env'],
    ['a missing include', ['--output', 'extra.yaml'], 'extra.yaml'],
    ['probe: a missing .env', ['probe', '--output', '.env'], '.env'],
  ] as const) {
    it(`${name}: refused (exit 2), nothing created`, async () => {
      const compose = COMPOSE.replace('    image: nginx\n', '    image: nginx\n    env_file: [{path: web.env, required: false}]\n');
      const files: Record<string, string> = { 'compose.yaml': name.includes('include') ? `include: [extra.yaml]\n${compose}` : compose, 'other.env': 'TAG=1\n' };
      const dir = tempProject(files);
      const r = await cli([...args], dir);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.equal(`compose-netlint: refusing to write the report over ${args[args.length - 1].replace(/^\w+=/, '')}, a file of the project it reports on; choose another output file\n`);
      expect(fs.existsSync(path.join(dir, created))).to.equal(false);
    });
  }

  it('another file is written as before', async () => {
    const dir = tempProject({ 'compose.yaml': COMPOSE });
    const r = await cli(['--format', 'json=report.json'], dir);
    expect(r.code).to.equal(0);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8')).findings).to.deep.equal([]);
  });
});
