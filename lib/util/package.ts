import * as fs from 'node:fs';
import * as path from 'node:path';
import { readText } from '../source/read';

let root: string | undefined;
let manifest: { version: string; repository?: string | { url?: string } } | undefined;

/** The directory holding compose-netlint's package.json, from source (tsx) or from dist/. */
export function packageRoot(): string {
  if (root) return root;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file) && JSON.parse(readText(file, file, 'package manifest')).name === 'compose-netlint') return (root = dir);
    if (path.dirname(dir) === dir) throw new Error('compose-netlint: cannot find its own package.json');
  }
}

function packageManifest(): NonNullable<typeof manifest> {
  const file = path.join(packageRoot(), 'package.json');
  return (manifest ??= JSON.parse(readText(file, file, 'package manifest')));
}

export function packageVersion(): string {
  return packageManifest().version;
}

/** The repository's web address, from package.json `repository.url` (`git+https://github.com/o/r.git` gives `https://github.com/o/r`). */
export function repositoryUrl(): string {
  const repository = packageManifest().repository;
  const url = typeof repository === 'string' ? repository : repository?.url;
  if (!url) throw new Error('compose-netlint: its package.json names no repository');
  return url.replace(/^git\+/, '').replace(/\.git$/, '');
}

/**
 * A link to a file of this repository (`rules/<id>.md`, `README.md#output`) at the tag of this version
 * (`v` + package.json version, as releases are tagged), so the page matches the code that links it.
 */
export function sourceUrl(file: string): string {
  return `${repositoryUrl()}/blob/v${packageVersion()}/${file}`;
}
