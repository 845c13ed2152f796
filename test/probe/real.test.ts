import { expect } from 'chai';
import { durationNs, healthcheckConfig, mountsFor, shellWords, unreproduced } from '../../lib/probe/real';

describe('probe --real: the engine options it derives from the project (no docker engine needed)', () => {
  it('splits a string command as Compose does (go-shellwords): blanks, quotes and backslashes, no expansion', () => {
    expect(shellWords(`sh -c 'echo "$HOME" a' "b \\"c\\"" d\\ e  ''`)).to.deep.equal(['sh', '-c', 'echo "$HOME" a', 'b "c"', 'd e', '']);
  });

  it('reads Compose durations into nanoseconds and builds the healthcheck the engine takes', () => {
    expect([durationNs('1m30s'), durationNs('500ms'), durationNs('1.5s'), durationNs('soon')]).to.deep.equal([90e9, 500e6, 1.5e9, undefined]);
    expect(healthcheckConfig({ test: ['CMD', 'true'], interval: '1s', timeout: '2s', start_period: '3s', retries: 4 })).to.deep.equal({ Test: ['CMD', 'true'], Interval: 1e9, Timeout: 2e9, StartPeriod: 3e9, Retries: 4 });
    expect(healthcheckConfig({ test: 'curl -f localhost' })).to.deep.equal({ Test: ['CMD-SHELL', 'curl -f localhost'] });
    expect(healthcheckConfig({ disable: true })).to.deep.equal({ Test: ['NONE'] });
    expect(healthcheckConfig(undefined)).to.equal(undefined);
  });

  it("mounts the project's files read-only and gives named volumes fresh anonymous ones, and says so", () => {
    const notes: string[] = [];
    const mounts = mountsFor(
      'api',
      [
        { type: 'bind', source: '/srv/app', target: '/app' },
        { type: 'bind', source: '/srv/conf', target: '/conf', read_only: true },
        { type: 'volume', source: 'data', target: '/data' },
        { type: 'tmpfs', target: '/run' },
        { type: 'npipe', source: 'x', target: '/x' },
      ],
      notes,
    );
    expect(mounts).to.deep.equal([
      { Type: 'bind', Source: '/srv/app', Target: '/app', ReadOnly: true },
      { Type: 'bind', Source: '/srv/conf', Target: '/conf', ReadOnly: true },
      { Type: 'volume', Target: '/data', ReadOnly: false },
      { Type: 'tmpfs', Target: '/run' },
    ]);
    expect(notes).to.deep.equal([
      '--real mounts "/srv/app" of "api" read-only: the run never writes the project\'s files',
      '--real gives "api" a fresh anonymous volume at "/data" instead of volume "data"',
      '--real does not reproduce the npipe volume at "/x" of "api"',
    ]);
  });

  it('names every key it does not reproduce instead of dropping it silently', () => {
    const services = {
      web: { image: 'app', secrets: ['s'], devices: ['/dev/fuse'], cap_add: ['NET_ADMIN'], deploy: { replicas: 2, resources: { limits: { cpus: '1' } } } },
      db: { image: 'db', configs: ['c'], environment: { A: '1' } },
    };
    expect(unreproduced(services)).to.deep.equal([
      '--real does not reproduce "configs" of "db"',
      '--real does not reproduce "cap_add" of "web"',
      '--real does not reproduce "devices" of "web"',
      '--real does not reproduce "secrets" of "web"',
      '--real does not reproduce "deploy.resources" of "web"',
    ]);
  });
});
