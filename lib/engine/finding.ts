import type { Diagnostic, Severity } from '../source/diagnostic';
import type { Span } from '../source/span';
import type { Fix } from './fix';
import { docsUrl } from './rule';

export type { Severity };

/** A related location, flat as formatters print it. */
export interface RelatedFinding extends Span {
  message: string;
}

/**
 * What a finding is about, as the model names it: a service, a network, entry `index` of a service's
 * `ports` (a binding), or entry `index` of `graph.referencesFrom(service)` (a reference to another host).
 * Downstream code (graph placement, SARIF fingerprints, probe verdicts) reads this, never the message or the span.
 */
export type Subject = { kind: 'service'; service: string } | { kind: 'network'; network: string } | { kind: 'binding'; service: string; index: number } | { kind: 'reference'; service: string; index: number };

/** A subject as one stable string: `service:web`, `network:back`, `binding:web/0`, `reference:web/2`. */
export function subjectId(subject: Subject): string {
  return subject.kind === 'network' ? `network:${subject.network}` : subject.kind === 'service' ? `service:${subject.service}` : `${subject.kind}:${subject.service}/${subject.index}`;
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
  /** the key of the rule's message the text was rendered from, and the values it was rendered with (rule findings only) */
  messageId?: string;
  data?: Record<string, string | number>;
  /** what the finding is about (rule findings only) */
  subject?: Subject;
  /** the text edits that fix it (rules that declare `fix`, where the change is certain) */
  fix?: Fix;
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
  finding.docsUrl = docsUrl(d.ruleId);
  return finding;
}

/** Deterministic order: file, line, column, rule id, message. */
export function compareFindings(a: Finding, b: Finding): number {
  return (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0);
}
