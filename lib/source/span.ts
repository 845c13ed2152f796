/** A region of a source file: 1-based line and column, end exclusive. */
export interface Span {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export function spanText(span: Span): string {
  return `${span.file}:${span.line}:${span.column}`;
}

export function compareSpans(a: Span, b: Span): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column;
}
