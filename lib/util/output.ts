import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../source/diagnostic';

/**
 * Writes a report (`--output FILE`, `--format NAME=FILE`) to `output`, resolved against `cwd`.
 * `inputs` are the absolute paths of every file the project reads or would read if it existed
 * (LoadedProject.wouldRead): a report is never written there, since a mistyped `--format json=compose.yaml`
 * would silently replace the file being linted, and a new `.env` or `compose.override.yaml` would become
 * input to the next run (and to `docker compose`). Throws InputError (exit 2, one line) for that and when the file cannot be written.
 */
export function writeOutput(cwd: string, output: string, text: string, inputs: Iterable<string>): void {
  const target = refuseInputOverwrite(cwd, output, inputs);
  try {
    fs.writeFileSync(target, text);
  } catch (error) {
    throw new InputError(`cannot write ${output} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, 'EREAD');
  }
}

/**
 * Throws InputError when `output` (resolved against `cwd`) is one of the project's `inputs` (absolute paths, see
 * writeOutput), existing or not; returns the resolved
 * path otherwise. `probe` calls it before building anything, so a run is not wasted on a report it may not write.
 */
export function refuseInputOverwrite(cwd: string, output: string, inputs: Iterable<string>): string {
  const target = path.resolve(cwd, output);
  for (const input of inputs) {
    if (path.resolve(input) === target) throw new InputError(`refusing to write the report over ${output}, a file of the project it reports on; choose another output file`);
  }
  return target;
}
