import { diffLines } from 'diff';
import type { Finding } from '../engine/finding';
import type { Span } from '../source/span';

/** What each finding on a line a fix changed gets appended to its message, as its position is only near. */
export const CHANGED_LINE_NOTE = ' (on a line the fixes change: the position is of the text before them)';

/** Where a line of the fixed text is in the text before the fixes: its line there, and whether it is the same line. */
interface LineOrigin {
  line: number;
  same: boolean;
}

/**
 * For each line of `after` (index 0 is line 1), its origin in `before` (the `diff` library's line diff): an
 * unchanged line is the same line; a line the fixes wrote is the line it replaced (the k-th written line of a
 * change, the k-th removed one, or the last removed one), or the line the insertion went before.
 */
function lineOrigins(before: string, after: string): LineOrigin[] {
  const origins: LineOrigin[] = [];
  let beforeLine = 1;
  let removedFrom = 0;
  let removedCount = 0;
  for (const part of diffLines(before, after)) {
    const count = part.count ?? 0;
    if (part.removed) {
      removedFrom = beforeLine;
      removedCount = count;
      beforeLine += count;
    } else if (part.added) {
      for (let k = 0; k < count; k++) origins.push({ line: removedCount ? removedFrom + Math.min(k, removedCount - 1) : beforeLine, same: false });
      removedCount = 0;
    } else {
      for (let k = 0; k < count; k++) origins.push({ line: beforeLine + k, same: true });
      beforeLine += count;
      removedCount = 0;
    }
  }
  return origins;
}

/**
 * `findings` of the fixed texts with their positions moved to the texts before the fixes (`--fix-dry-run`
 * reports on the files as they are on disk, since it writes nothing). `files`: displayed name -> text before
 * and after. A span on unchanged lines moves exactly; one on a line the fixes wrote goes to the line it
 * replaced (columns kept within that line), its message gets CHANGED_LINE_NOTE, and its remaining fix is
 * dropped, as it was computed on text the disk does not have. Related places move the same way, and so do the
 * `line N` the message names them by.
 */
export function positionsBeforeFixes(findings: readonly Finding[], files: ReadonlyMap<string, { before: string; after: string }>): Finding[] {
  const origins = new Map<string, { map: LineOrigin[]; lines: string[] }>();
  const originsOf = (file: string) => {
    const f = files.get(file);
    if (!f) return undefined;
    if (!origins.has(file)) origins.set(file, { map: lineOrigins(f.before, f.after), lines: f.before.split('\n') });
    return origins.get(file);
  };
  /** the span before the fixes, and whether it moved exactly */
  const move = <T extends Span>(span: T): { span: T; exact: boolean } => {
    const o = originsOf(span.file);
    if (!o) return { span, exact: true };
    const start = o.map[span.line - 1];
    const end = o.map[span.endLine - 1];
    if (start?.same && end?.same && end.line - start.line === span.endLine - span.line) return { span: { ...span, line: start.line, endLine: end.line }, exact: true };
    const line = start?.line ?? o.lines.length;
    const width = (o.lines[line - 1] ?? '').replace(/\r$/, '').length + 1;
    const column = Math.min(span.column, width);
    return { span: { ...span, line, column, endLine: line, endColumn: Math.max(column, Math.min(span.endLine === span.line ? span.endColumn : width, width)) }, exact: false };
  };
  /** the message with each `line N` / `FILE line N` that names a related place (lib/engine/messages.ts lineOf) renumbered */
  const renumber = (f: Finding): string => {
    const named = new Set((f.related ?? []).map((r) => `${r.file}\0${r.line}`));
    return f.message.replace(/(?:(\S+) )?\bline (\d+)\b/g, (all, file: string | undefined, n: string) => {
      const where = file !== undefined && files.has(file) ? file : f.file;
      if (!named.has(`${where}\0${n}`) || !files.has(where)) return all;
      const line = Number(n);
      return all.replace(/\d+$/, String(move({ file: where, line, column: 1, endLine: line, endColumn: 1 }).span.line));
    });
  };
  return findings.map((f) => {
    if (!files.has(f.file) && !(f.related ?? []).some((r) => files.has(r.file))) return f;
    const { span, exact } = move(f);
    const moved: Finding = { ...span, message: renumber(f), ...(f.related ? { related: f.related.map((r) => move(r).span) } : {}) };
    if (!exact) {
      moved.message += CHANGED_LINE_NOTE;
      delete moved.fix;
    } else if (f.fix?.edits.some((e) => files.has(e.file))) {
      // the fix's edits were computed on the fixed text: kept only where every edit moves exactly
      const edits = f.fix.edits.map((e) => move(e));
      if (edits.every((e) => e.exact)) moved.fix = { ...f.fix, edits: edits.map((e) => e.span) };
      else delete moved.fix;
    }
    return moved;
  });
}
