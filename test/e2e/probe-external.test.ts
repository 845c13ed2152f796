import { expect } from 'chai';
import type { Engine } from '../../lib/probe/engine';
import { grid, labelled, probe, requireEngine } from './helpers';

describe('probe on docker: --use-external', function () {
  this.timeout(180_000);
  let engine: Engine;
  before(async function () {
    engine = await requireEngine(this);
  });

  /** Probes use-external.yaml with its external network named `name`. */
  async function probeWithExternal(name: string): ReturnType<typeof probe> {
    process.env.CNL_E2E_EXTERNAL = name;
    try {
      return await probe(['-f', 'use-external.yaml', '--use-external']);
    } finally {
      delete process.env.CNL_E2E_EXTERNAL;
    }
  }

  it('an external network the engine does not have stops the run before anything is created, as Compose refuses the project (exit 2)', async () => {
    const name = `cnl-e2e-absent-${process.pid}-${Date.now()}`;
    const r = await probeWithExternal(name);
    expect(r.stderr).to.include(
      `compose-netlint: cannot probe with --use-external: external network "${name}" is declared but not on the engine, so Compose refuses the project ("declared as external, but could not be found"). create it with docker network create, or probe without --use-external to use stand-ins\n`,
    );
    expect(r.report).to.equal(undefined);
    expect(r.code).to.equal(2);
    expect(r.run).to.equal(undefined);
  });

  it('an external network the engine has is joined as it is and left in place (exit 0)', async () => {
    const name = `cnl-e2e-external-${process.pid}-${Date.now()}`;
    const created = await engine.docker.createNetwork({ Name: name, Driver: 'bridge', Labels: { 'com.compose-netlint.test': 'probe-external' } });
    try {
      const r = await probeWithExternal(name);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.report!.notes).to.include(`external network "${name}" is used as it is (--use-external); it is not removed`);
      expect(grid(r.report!, 'dns')).to.deep.equal({
        front: { front: '.', back: '.', store: 'X' },
        back: { front: '.', back: '.', store: '.' },
        store: { front: 'X', back: '.', store: '.' },
      });
      expect(await labelled(r.run)).to.deep.equal([]);
      expect(((await created.inspect()) as { Name: string }).Name).to.equal(name);
    } finally {
      await created.remove();
    }
  });
});
