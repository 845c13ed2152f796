import type { Finding } from '../engine/finding';
import type { TextEdit } from '../engine/fix';

/** Offsets of the line starts of `text`. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) starts.push(at + 1);
  return starts;
}

/**
 * `text` with `edits` applied (spans 1-based, end exclusive, columns in UTF-16 code units as JavaScript
 * strings count them). Throws Error on overlapping edits: callers choose edits that do not overlap (chooseFixes).
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const starts = lineStarts(text);
  const at = (line: number, column: number) => Math.min((starts[line - 1] ?? text.length) + column - 1, text.length);
  const ranged = edits.map((e) => ({ from: at(e.line, e.column), to: at(e.endLine, e.endColumn), text: e.text })).sort((a, b) => a.from - b.from || a.to - b.to);
  let out = '';
  let done = 0;
  for (const e of ranged) {
    if (e.from < done) throw new Error('overlapping fix edits');
    out += text.slice(done, e.from) + e.text;
    done = e.to;
  }
  return out + text.slice(done);
}

/** Whether two edits of one file change the same text; two insertions at one point count (their order would be a guess). */
function overlaps(a: TextEdit, b: TextEdit): boolean {
  if (a.file !== b.file) return false;
  const cmp = (l1: number, c1: number, l2: number, c2: number) => l1 - l2 || c1 - c2;
  const emptyA = cmp(a.line, a.column, a.endLine, a.endColumn) === 0;
  const emptyB = cmp(b.line, b.column, b.endLine, b.endColumn) === 0;
  if (emptyA && emptyB) return cmp(a.line, a.column, b.line, b.column) === 0;
  if (emptyA) return cmp(a.line, a.column, b.line, b.column) > 0 && cmp(a.line, a.column, b.endLine, b.endColumn) < 0;
  if (emptyB) return overlaps(b, a);
  return cmp(a.line, a.column, b.endLine, b.endColumn) < 0 && cmp(b.line, b.column, a.endLine, a.endColumn) < 0;
}

/**
 * The fixes of unsuppressed `findings` that can be applied together, in finding order: a fix whose edits
 * touch text an earlier chosen fix edits waits for the next pass (after a re-lint). `safeOnly` keeps the
 * `safe` fixes only. Returns the edits by file (as displayed) and the findings fixed.
 */
export function chooseFixes(findings: readonly Finding[], safeOnly = false): { edits: Map<string, TextEdit[]>; fixed: Finding[] } {
  const chosen: TextEdit[] = [];
  const fixed: Finding[] = [];
  for (const f of findings) {
    if (!f.fix || f.suppressed || (safeOnly && f.fix.safety !== 'safe')) continue;
    if (f.fix.edits.some((e) => chosen.some((c) => overlaps(c, e)))) continue;
    chosen.push(...f.fix.edits);
    fixed.push(f);
  }
  const edits = new Map<string, TextEdit[]>();
  for (const e of chosen) edits.set(e.file, [...(edits.get(e.file) ?? []), e]);
  return { edits, fixed };
}
