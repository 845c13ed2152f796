import type { Diagnostic, Severity } from '../source/diagnostic';
import type { Span } from '../source/span';

export type { Severity };

export interface RelatedFinding {
  message: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** What every formatter prints: 1-based positions, end exclusive, `file` as displayed. */
export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  related?: RelatedFinding[];
  service?: string;
  network?: string;
  category?: string;
  docsUrl?: string;
  /** set when an inline comment suppressed the finding; formatters other than SARIF leave it out */
  suppressed?: { justification: string };
}

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

export function flatten(span: Span): Pick<Finding, 'file' | 'line' | 'column' | 'endLine' | 'endColumn'> {
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
