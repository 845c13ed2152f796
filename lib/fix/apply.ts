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

/** Order of positions: line, then column. */
function cmp(l1: number, c1: number, l2: number, c2: number): number {
  return l1 - l2 || c1 - c2;
}

/** Whether two edits of one file change the same text; two insertions at one point count (their order would be a guess). */
function overlaps(a: TextEdit, b: TextEdit): boolean {
  const emptyA = cmp(a.line, a.column, a.endLine, a.endColumn) === 0;
  const emptyB = cmp(b.line, b.column, b.endLine, b.endColumn) === 0;
  if (emptyA && emptyB) return cmp(a.line, a.column, b.line, b.column) === 0;
  if (emptyA) return cmp(a.line, a.column, b.line, b.column) > 0 && cmp(a.line, a.column, b.endLine, b.endColumn) < 0;
  if (emptyB) return overlaps(b, a);
  return cmp(a.line, a.column, b.endLine, b.endColumn) < 0 && cmp(b.line, b.column, a.endLine, a.endColumn) < 0;
}

/** The edits chosen in one file, sorted by start: an edit is checked against its neighbours only. */
class ChosenEdits {
  private readonly edits: TextEdit[] = [];

  /** the index the edit would take (after every edit that starts before or with it) */
  private slot(e: TextEdit): number {
    let lo = 0;
    let hi = this.edits.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cmp(this.edits[mid].line, this.edits[mid].column, e.line, e.column) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Whether `e` touches a chosen edit. The chosen ones never overlap one another, so only the neighbours of its slot can. */
  clashes(e: TextEdit): boolean {
    const at = this.slot(e);
    return (at > 0 && overlaps(this.edits[at - 1], e)) || (at < this.edits.length && overlaps(this.edits[at], e)) || (at > 1 && overlaps(this.edits[at - 2], e));
  }

  add(e: TextEdit): void {
    // fixes come in position order, so this is nearly always an append
    this.edits.splice(this.slot(e), 0, e);
  }

  list(): TextEdit[] {
    return this.edits;
  }
}

/**
 * The fixes of unsuppressed `findings` that can be applied together, taken in the order of their first
 * edit (file, line, column): a fix whose edits touch text an earlier chosen fix edits waits for the next pass
 * (after a re-lint). `safeOnly` keeps the `safe` fixes only. Returns the edits by file (as displayed, in
 * position order) and the findings fixed. Each check looks at the neighbours of a sorted list, so a file with
 * thousands of fixes costs thousands of steps, not millions.
 */
export function chooseFixes(findings: readonly Finding[], safeOnly = false): { edits: Map<string, TextEdit[]>; fixed: Finding[] } {
  const candidates = findings.filter((f) => f.fix && f.fix.edits.length > 0 && !f.suppressed && (!safeOnly || f.fix.safety === 'safe'));
  const first = (f: Finding) => f.fix!.edits[0];
  candidates.sort((a, b) => (first(a).file < first(b).file ? -1 : first(a).file > first(b).file ? 1 : cmp(first(a).line, first(a).column, first(b).line, first(b).column)));
  const byFile = new Map<string, ChosenEdits>();
  const chosen = (file: string) => byFile.get(file) ?? byFile.set(file, new ChosenEdits()).get(file)!;
  const fixed: Finding[] = [];
  for (const f of candidates) {
    const edits = f.fix!.edits;
    if (edits.some((e, i) => chosen(e.file).clashes(e) || edits.slice(0, i).some((o) => o.file === e.file && overlaps(o, e)))) continue;
    for (const e of edits) chosen(e.file).add(e);
    fixed.push(f);
  }
  return { edits: new Map([...byFile].map(([file, c]) => [file, c.list()])), fixed };
}
