import type { Diagnostic, Severity } from '../source/diagnostic';
import type { Span } from '../source/span';

export type { Severity };

/** A related location, flat as formatters print it. */
export interface RelatedFinding extends Span {
  message: string;
}

/** What every formatter prints: the span flat on the finding (1-based, end exclusive, `file` as displayed). */
export interface Finding extends Span {
  ruleId: string;
  severity: Severity;
  message: string;
  related?: RelatedFinding[];
  service?: string;
  network?: string;
  category?: string;
  docsUrl?: string;
  /** set when an inline comment suppressed the finding; formatters other than SARIF leave it out */
  suppressed?: { justification: string };
}

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** A copy of a span's fields, to spread into a finding. */
export function flatten(span: Span): Span {
  return { file: span.file, line: span.line, column: span.column, endLine: span.endLine, endColumn: span.endColumn };
}

export function fromDiagnostic(d: Diagnostic): Finding {
  const finding: Finding = { ruleId: d.ruleId, severity: d.severity, message: d.message, ...flatten(d.span) };
  if (d.related?.length) finding.related = d.related.map((r) => ({ message: r.message, ...flatten(r.span) }));
  return finding;
}

/** Deterministic order: file, line, column, rule id, message. */
export function compareFindings(a: Finding, b: Finding): number {
  return (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0);
}
