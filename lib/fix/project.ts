import * as path from 'node:path';
import type { Finding } from '../engine/finding';
import { lintProject, type LintProjectOptions, type ProjectResult } from '../lint';
import { applyEdits, chooseFixes } from './apply';

/** Not a Docker limit: passes of fix-and-re-lint before giving up on fixes that keep making room for others. */
export const MAX_FIX_PASSES = 10;

export interface FixedFile {
  /** as displayed (relative to cwd) */
  file: string;
  /** absolute path */
  path: string;
  before: string;
  after: string;
}

export interface FixResult {
  /** the project linted again after the last pass: what remains */
  result: ProjectResult;
  /** each file the fixes changed, its text before and after */
  files: FixedFile[];
  /** the findings fixed, over all passes */
  fixed: Finding[];
}

/**
 * Lints a project, applies the fixes that can go together, and lints again over the fixed texts (an
 * overlay: nothing is written here), until no fix is left or after MAX_FIX_PASSES passes. The caller
 * writes `files` (`--fix`) or prints their diff (`--fix-dry-run`). `safeOnly` applies `safe` fixes only.
 * Throws InputError as lintProject does.
 */
export function fixProject(options: LintProjectOptions, safeOnly = false): FixResult {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const overlay = new Map(options.overlay ?? []);
  const originals = new Map<string, { file: string; text: string }>();
  const fixed: Finding[] = [];
  let result = lintProject(options);
  for (let pass = 0; pass < MAX_FIX_PASSES; pass++) {
    const chosen = chooseFixes(result.findings, safeOnly);
    if (chosen.fixed.length === 0) break;
    for (const [file, edits] of chosen.edits) {
      const absolute = result.project.paths.get(file) ?? path.resolve(cwd, file);
      const text = result.project.sources.get(file)!;
      if (!originals.has(absolute)) originals.set(absolute, { file, text });
      overlay.set(absolute, applyEdits(text, edits));
    }
    fixed.push(...chosen.fixed);
    result = lintProject({ ...options, overlay });
  }
  const files = [...originals].map(([absolute, { file, text }]) => ({ file, path: absolute, before: text, after: overlay.get(absolute)! })).filter((f) => f.before !== f.after);
  return { result, files, fixed };
}
