import * as fs from 'node:fs';
import * as path from 'node:path';
import { readText } from '../source/read';

let root: string | undefined;

/** The directory holding compose-netlint's package.json, from source (tsx) or from dist/. */
export function packageRoot(): string {
  if (root) return root;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && JSON.parse(readText(manifest, manifest)).name === 'compose-netlint') return (root = dir);
    if (path.dirname(dir) === dir) throw new Error('compose-netlint: cannot find its own package.json');
  }
}

export function packageVersion(): string {
  const manifest = path.join(packageRoot(), 'package.json');
  return JSON.parse(readText(manifest, manifest)).version;
}
