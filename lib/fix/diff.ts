import { createTwoFilesPatch } from 'diff';

/**
 * A unified diff of one file (`a/FILE` and `b/FILE` headers, three lines of context), as `git apply -p1` and
 * `patch -p1` read it; the `diff` library computes it. `file` is the name as displayed (relative to the cwd).
 */
export function unifiedDiff(file: string, before: string, after: string): string {
  const name = file.split('\\').join('/');
  const patch = createTwoFilesPatch(`a/${name}`, `b/${name}`, before, after, '', '', { context: 3 });
  // the library starts with a line of "=" that neither tool needs
  return patch.replace(/^=+\n/, '');
}
