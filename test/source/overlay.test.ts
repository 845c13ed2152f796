import { expect } from 'chai';
import * as path from 'node:path';
import { loadProject } from '../../lib/source/project';
import { get, isMap } from '../../lib/source/tree';
import { tempProject } from '../helpers/project';

const serviceNames = (root: ReturnType<typeof loadProject>['root']) => {
  const services = get(root, 'services');
  return isMap(services) ? [...services.entries.keys()].sort() : [];
};

describe('source: the overlay of unsaved texts', () => {
  it('reads an overlay text instead of the file on disk, and finds files that exist only in the overlay', () => {
    const dir = tempProject({ 'compose.yaml': 'services:\n  old:\n    image: x\n', '.env': 'TAG=disk\n' });
    const overlay = new Map([
      [path.join(dir, 'compose.yaml'), 'include: [db.yaml]\nservices:\n  web:\n    image: "nginx:${TAG}"\n'],
      [path.join(dir, 'db.yaml'), 'services:\n  db:\n    image: postgres\n'],
      [path.join(dir, 'compose.override.yaml'), 'services:\n  web:\n    ports: ["80:80"]\n'],
      [path.join(dir, '.env'), 'TAG=buffer\n'],
    ]);
    const project = loadProject({ target: dir, cwd: dir, env: {}, overlay });
    expect(serviceNames(project.root)).to.deep.equal(['db', 'web']);
    expect(project.files).to.include.members(['compose.yaml', 'compose.override.yaml', 'db.yaml']);
    expect(project.sources.get('compose.yaml')).to.equal(overlay.get(path.join(dir, 'compose.yaml')));
    const web = get(get(project.root, 'services')!, 'web');
    expect((get(web!, 'image') as { value: unknown }).value).to.equal('nginx:buffer');
  });

  it('without an overlay reads the disk as before', () => {
    const dir = tempProject({ 'compose.yaml': 'services:\n  old:\n    image: x\n' });
    expect(serviceNames(loadProject({ target: dir, cwd: dir, env: {} }).root)).to.deep.equal(['old']);
  });
});
