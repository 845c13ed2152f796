import type { Span } from '../source/span';
import type { Located } from './types';

/**
 * The span of characters [start, end) of a one-line value, when the text written there is the value
 * itself, plain or quoted. Values moved by an alias, changed by interpolation or spread over lines keep
 * their whole span: blaming the whole value beats blaming the wrong characters.
 */
export function narrow(value: Located<string>, start: number, end: number): Span {
  const span = value.span;
  if (value.origin || span.line !== span.endLine) return span;
  const width = span.endColumn - span.column;
  const offset = width === value.value.length ? 0 : width === value.value.length + 2 ? 1 : -1;
  if (offset < 0) return span;
  // field by field, not `{ ...span, … }`: V8 (Node 20) gives each object whose literal starts with a spread a hidden class of its own
  return { file: span.file, line: span.line, column: span.column + offset + start, endLine: span.endLine, endColumn: span.column + offset + end };
}
