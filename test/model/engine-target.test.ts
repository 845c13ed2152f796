import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_ENGINE, ENGINE_FACTS, engineFact, engineFromVersion, engineHas, parseEngine } from '../../lib/model/engine-target';
import { engineFactsTable } from '../helpers/engine-facts';

describe('model: the engine target and the table of version-dependent facts', () => {
  it('parses FAMILY@MAJOR.MINOR[.PATCH] with modifiers, and names it canonically', () => {
    expect(parseEngine('docker@29.1')).to.deep.equal({ family: 'docker', version: [29, 1, 0], rootless: false, desktop: false, name: 'docker@29.1' });
    expect(parseEngine('Docker@20.10.24').name).to.equal('docker@20.10.24');
    expect(parseEngine('podman@5.2')).to.include({ family: 'podman', rootless: true, name: 'podman@5.2' });
    expect(parseEngine('podman@5.2+rootful')).to.include({ rootless: false, name: 'podman@5.2+rootful' });
    expect(parseEngine('docker@28.0+rootless+desktop')).to.include({ rootless: true, desktop: true, name: 'docker@28.0+rootless+desktop' });
    expect(DEFAULT_ENGINE.name).to.equal('docker@29.1');
    // Docker's year.month releases keep their two-digit month: docker@19.03, not docker@19.3
    expect(parseEngine('docker@19.03')).to.include({ name: 'docker@19.03' });
    expect(parseEngine('docker@19.03').version).to.deep.equal([19, 3, 0]);
    expect(parseEngine('docker@18.09.07').name).to.equal('docker@18.09.07');
  });

  it('refuses what it cannot read, in one line naming what is wrong', () => {
    const problem = (text: string) => {
      try {
        parseEngine(text);
        return 'accepted';
      } catch (error) {
        return (error as Error).message.split(';')[0];
      }
    };
    expect(['docker', 'moby@1.0', 'docker@29', 'docker@29.1.2.3', 'docker@29.x', 'docker@29.1+fast', 'podman@5.2+desktop', 'docker@28.0+rootless+rootful'].map(problem)).to.deep.equal([
      '--engine "docker" names no version',
      '--engine "moby@1.0" has an unknown engine family "moby" (docker or podman)',
      '--engine "docker@29" has no MAJOR.MINOR[.PATCH] version',
      '--engine "docker@29.1.2.3" has no MAJOR.MINOR[.PATCH] version',
      '--engine "docker@29.x" has no MAJOR.MINOR[.PATCH] version',
      '--engine "docker@29.1+fast" has an unknown modifier "+fast" (+rootless, +rootful, +desktop)',
      '--engine "podman@5.2+desktop" has +desktop, which only Docker Desktop is',
      '--engine "docker@28.0+rootless+rootful" is both +rootless and +rootful',
    ]);
  });

  it('a fact holds from `since` (inclusive) up to `before` (exclusive), per family', () => {
    const on = (engine: string) => engineHas(parseEngine(engine), 'static-ip-needs-user-subnet');
    expect(['docker@20.10', 'docker@29.0.3', 'docker@29.0.4', 'docker@29.1', 'podman@5.2'].map(on)).to.deep.equal([true, true, false, false, false]);
    const enables = (engine: string) => engineHas(parseEngine(engine), 'ipv6-subnet-enables-ipv6');
    expect(['docker@24.0', 'docker@25.0', 'docker@25.0.2', 'docker@25.0.3'].map(enables)).to.deep.equal([false, true, true, false]);
    expect(['podman@5.2', 'podman@6.0', 'docker@20.10'].map((e) => engineHas(parseEngine(e), 'networks-isolated-by-name-only'))).to.deep.equal([true, false, false]);
  });

  it('rootless and Desktop facts follow the modifiers', () => {
    expect(['docker@29.1', 'docker@29.1+rootless', 'podman@5.2', 'podman@5.2+rootful'].map((e) => engineHas(parseEngine(e), 'rootless-low-ports'))).to.deep.equal([false, true, true, false]);
    expect(['docker@29.1', 'docker@29.1+desktop', 'podman@4.6', 'podman@4.7'].map((e) => engineHas(parseEngine(e), 'host-internal-names'))).to.deep.equal([false, true, false, true]);
  });

  it('reads an engine from its /version answer: Docker, a distribution suffix, Podman', () => {
    expect(engineFromVersion({ version: '20.10.24+dfsg1' })?.name).to.equal('docker@20.10.24');
    expect(engineFromVersion({ version: '19.03.12' })?.name).to.equal('docker@19.03.12');
    expect(engineFromVersion({ version: '29.1.0', rootless: true })?.name).to.equal('docker@29.1+rootless');
    expect(engineFromVersion({ version: '5.2.3', components: [{ name: 'Podman Engine', version: '5.2.3' }], rootless: true })?.name).to.equal('podman@5.2.3');
    expect(engineFromVersion({ version: 'dev' })).to.equal(undefined);
  });

  it('every fact has a public source and a range for at least one family; ids are unique', () => {
    const ids = ENGINE_FACTS.map((f) => f.id);
    expect(new Set(ids).size).to.equal(ids.length);
    for (const id of ids) {
      const fact = engineFact(id);
      expect(fact.source, id).to.match(/^https:\/\/(github\.com|docs\.docker\.com|docs\.podman\.io)\//);
      expect(fact.docker !== undefined || fact.podman !== undefined, id).to.equal(true);
    }
  });

  it('the README shows the table as npm run docs generates it', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    expect(/<!-- engine-facts:start -->\n([\s\S]*?)\n<!-- engine-facts:end -->/.exec(readme)?.[1]).to.equal(engineFactsTable());
  });
});
