import { expect } from 'chai';
import { buildGraph } from '../../lib/model';
import type { Creation } from '../../lib/model/creation';
import { unbuildable } from '../../lib/probe/plan';
import { loadProject } from '../../lib/source/project';
import { tempProject } from '../helpers/project';

const graphOf = (text: string, mode: 'compose' | 'stack' | 'auto' = 'auto') => buildGraph(loadProject({ cwd: tempProject({ 'compose.yaml': text }), env: {}, mode }));

describe('graph: whether each container is created', () => {
  it('creates no container, endpoint or name for a provider service', () => {
    const g = graphOf(['services:', '  app: {image: a, depends_on: [db]}', '  db:', '    provider: {type: awesomecloud}', ''].join('\n'), 'compose');
    expect(g.creation('db')).to.deep.equal({ created: false, reason: 'provider', message: '"db" is run by provider "awesomecloud", not as a container' });
    expect(g.attachments('db')).to.deep.equal([]);
    expect(g.resolves('app', 'db')).to.deep.equal([]);
    expect(g.isProjectName('db')).to.equal(true);
  });

  it("creates an ordinary service, and refuses with Compose's messages a network_mode cycle, a missing service: target and an undefined network", () => {
    const g = graphOf(
      [
        'services:',
        '  web: {image: a}',
        '  a: {image: a, network_mode: "service:b"}',
        '  b: {image: a, network_mode: "service:a"}',
        '  lost: {image: a, network_mode: "service:ghost"}',
        '  rider: {image: a, network_mode: "service:lost"}',
        '  stray: {image: a, networks: [nowhere]}',
        '  idle: {image: a, scale: 0}',
        '',
      ].join('\n'),
      'compose',
    );
    expect(g.creation('web')).to.deep.equal({ created: true });
    expect(fields(g.creation('a'))).to.deep.equal({ created: false, refusedBy: 'compose', reason: 'network-mode-cycle', message: 'cycle found: a -> b -> a' });
    expect(fields(g.creation('b'))).to.deep.equal({ created: false, refusedBy: 'compose', reason: 'network-mode-cycle', message: 'cycle found: b -> a -> b' });
    const missing = { created: false, refusedBy: 'compose', reason: 'network-mode-missing', message: `service "ghost" not found for network_mode 'service:ghost'` };
    expect(g.creation('lost')).to.deep.equal(missing);
    expect(g.creation('rider')).to.deep.equal(missing);
    expect(g.creation('stray')).to.deep.equal({ created: false, refusedBy: 'compose', reason: 'undefined-network', message: 'service "stray" refers to undefined network nowhere: invalid compose project' });
    expect(g.creation('idle')).to.deep.equal({ created: false, reason: 'no-replicas', message: '"idle" has 0 replicas' });
    expect(g.creation('nobody')).to.deep.equal({ created: true });
  });

  it('in a stack, the engine side (docker stack deploy) refuses an undefined network; network_mode is ignored, so no chain is refused', () => {
    const g = graphOf('services:\n  stray: {image: a, networks: [nowhere]}\n  a: {image: a, network_mode: "service:ghost"}\n', 'stack');
    expect(g.creation('stray')).to.deep.equal({ created: false, refusedBy: 'engine', reason: 'undefined-network', message: 'service stray: undefined network "nowhere"' });
    expect(g.creation('a')).to.deep.equal({ created: true });
  });

  it("the probe gives Docker's refusal as the reason a service has no twin, and keeps its own limits apart", () => {
    const g = graphOf('services:\n  stray: {image: a, networks: [nowhere]}\n  outside: {image: a, network_mode: "container:someone"}\n  web: {image: a}\n', 'compose');
    expect(unbuildable(g, 'stray')).to.equal('Compose refuses the project: service "stray" refers to undefined network nowhere: invalid compose project');
    expect(g.creation('outside')).to.deep.equal({ created: true });
    expect(unbuildable(g, 'outside')).to.equal('"outside" joins a container outside the project; the probe never joins containers it did not create');
    expect(unbuildable(g, 'web')).to.equal(undefined);
  });
});

/** A creation's fields as read (a cycle's message is a getter). */
function fields(c: Creation): Record<string, unknown> {
  return c.created ? { created: true } : { created: c.created, ...('refusedBy' in c ? { refusedBy: c.refusedBy } : {}), reason: c.reason, message: c.message };
}
