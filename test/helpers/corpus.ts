import * as fs from 'node:fs';
import * as path from 'node:path';

/** ../shared/corpus beside the checkout (CI clones the repo with shared/ beside it). */
export const CORPUS = path.resolve(__dirname, '..', '..', '..', 'shared', 'corpus');

export function corpusFiles(under = ''): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.ya?ml$/.test(entry.name)) out.push(full);
    }
  };
  walk(path.join(CORPUS, under));
  return out;
}

/** Stack files are those named like stacks or deployed with `docker stack deploy` by their project. */
export function isStackFile(file: string): boolean {
  return file.includes(`${path.sep}swarm-stacks${path.sep}`) && !/result[\\/]docker-compose\.test\.yml$/.test(file);
}
