import * as fs from 'node:fs';
import * as path from 'node:path';

let root: string | undefined;

/** The directory holding compose-netlint's package.json, from source (tsx) or from dist/. */
export function packageRoot(): string {
  if (root) return root;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).name === 'compose-netlint') return (root = dir);
    if (path.dirname(dir) === dir) throw new Error('compose-netlint: cannot find its own package.json');
  }
}

export function packageVersion(): string {
  return JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')).version;
}
