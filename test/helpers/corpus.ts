import * as fs from 'node:fs';
import * as path from 'node:path';
import { lintProject } from '../../lib/lint';
import { InputError } from '../../lib/source/diagnostic';

/** test/fixtures: real-world Compose and stack files vendored with their origins and licenses (test/fixtures/SOURCES.md). */
export const FIXTURES = path.resolve(__dirname, '..', 'fixtures');

/** Every `.yaml` / `.yml` file under `dir`, as absolute paths sorted by name at each level. */
export function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (at: string): void => {
    for (const entry of fs.readdirSync(at, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.ya?ml$/.test(entry.name)) out.push(full);
    }
  };
  walk(dir);
  return out;
}

/** The vendored YAML files under `under` (a folder of test/fixtures, default all of them). */
export function corpusFiles(under = ''): string[] {
  return yamlFiles(path.join(FIXTURES, under));
}

/** A file may take this long to lint before the load check calls it a hang. */
export const HANG_MS = 5000;

export interface LoadCheck {
  files: number;
  /** files whose input could not be read (InputError: an include or extends target that is missing, say) */
  inputErrors: number;
  /** finding counts by rule id, over every file */
  findings: Map<string, number>;
  /** "<file relative to root>: <stack>" for an exception that is not an InputError, "<file>: took N ms" for a hang */
  problems: string[];
  ms: number;
}

/**
 * Lints each file as a project of its own (its directory as the working directory, no environment
 * variables), as a user would run `compose-netlint FILE`, and collects crashes (any exception but
 * InputError) and files that take longer than HANG_MS. Used by test/corpus and `npm run corpus`.
 */
export function loadCheck(files: string[], root: string): LoadCheck {
  const result: LoadCheck = { files: files.length, inputErrors: 0, findings: new Map(), problems: [], ms: 0 };
  const begun = Date.now();
  for (const file of files) {
    const started = Date.now();
    try {
      for (const f of lintProject({ files: [file], cwd: path.dirname(file), env: {} }).findings) result.findings.set(f.ruleId, (result.findings.get(f.ruleId) ?? 0) + 1);
    } catch (error) {
      if (error instanceof InputError) result.inputErrors++;
      else result.problems.push(`${path.relative(root, file)}: ${(error as Error).stack}`);
    }
    const took = Date.now() - started;
    if (took > HANG_MS) result.problems.push(`${path.relative(root, file)}: took ${took} ms`);
  }
  result.ms = Date.now() - begun;
  return result;
}
